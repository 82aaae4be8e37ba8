package evalset

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseMap(t *testing.T) {
	m, err := ParseMap("0=none, 1=fraud.impersonation,2=spam_ad|fraud|gambling,交通事故=incident.traffic,n=")
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string][]string{
		"0": {"none"}, "1": {"fraud.impersonation"}, "2": {"spam_ad", "fraud", "gambling"},
		"交通事故": {"incident.traffic"}, "n": {"none"},
	} {
		got, ok := m.Targets(label)
		if !ok || !slices.Equal(got, want) {
			t.Errorf("Targets(%q) = %v, %v; want %v", label, got, ok, want)
		}
	}
	if _, ok := m.Targets("9"); ok {
		t.Error("unmapped label found")
	}
	if got := m.Labels(); !slices.Equal(got, []string{"0", "1", "2", "交通事故", "n"}) {
		t.Errorf("Labels = %v", got)
	}
}

func TestParseMapErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"0=none,1", `entry 2 "1": want label=target`},
		{"0=none,0=fraud", `label "0" mapped twice`},
		{"=fraud", "empty label"},
		{"1=Fraud", `"Fraud" is not a category id`},
		{"1=fraud|none", "none cannot be combined"},
		{"1=sentiment:angry", "want sentiment:negative"},
		{"1=sentiment:negative|fraud", "stands alone"},
		{"1=fraud..loan", "not a category id"},
		{"1=2", "not a category id"},
	}
	for _, tt := range tests {
		_, err := ParseMap(tt.spec)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrMap) {
			t.Errorf("ParseMap(%q) err = %v, want one containing %q wrapping ErrMap", tt.spec, err, tt.want)
		}
	}
}

func TestLoadMapFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.map")
	os.WriteFile(good, []byte("# CEC\n交通事故=incident.traffic\n\n火灾\tincident.fire\n"), 0o644)
	m, err := LoadMap(good)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Targets("火灾"); !slices.Equal(got, []string{"incident.fire"}) {
		t.Errorf("火灾 → %v", got)
	}
	bad := filepath.Join(dir, "bad.map")
	os.WriteFile(bad, []byte("a=fraud\n\nb=NOT OK\n"), 0o644)
	if _, err := LoadMap(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":3: ") {
		t.Errorf("bad map file err = %v, want %s:3: prefix", err, bad)
	}
	empty := filepath.Join(dir, "empty.map")
	os.WriteFile(empty, []byte("# nothing\n"), 0o644)
	if _, err := LoadMap(empty); !errors.Is(err, ErrMap) {
		t.Errorf("empty map file err = %v", err)
	}
	// Not a file: parsed as a spec.
	if _, err := LoadMap(filepath.Join(dir, "nofile")); !errors.Is(err, ErrMap) {
		t.Errorf("missing file parsed as spec: err = %v", err)
	}
}

func TestLabelledAndPredict(t *testing.T) {
	m, _ := ParseMap("0=none,1=fraud.loan,2=fraud.impersonation,3=spam_ad|gambling")
	rows := []Row{{1, "0", "a"}, {2, "1", "b"}, {3, "2", "c"}, {4, "3", "d"}}
	items, err := Labelled(rows, m)
	if err != nil {
		t.Fatal(err)
	}
	task, err := NewTask(items, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if got := task.Names(); !slices.Equal(got, []string{"none", "fraud.impersonation", "fraud.loan", "spam_ad|gambling"}) {
		t.Errorf("Names = %v", got)
	}
	tests := []struct {
		cats map[string]float64
		want string
	}{
		{nil, "none"},
		{map[string]float64{"fraud.loan": 0.4}, "none"},
		{map[string]float64{"fraud.loan": 0.6, "fraud.impersonation": 0.7}, "fraud.impersonation"},
		{map[string]float64{"gambling": 0.9, "fraud.loan": 0.6}, "spam_ad|gambling"},
		{map[string]float64{"fraud.loan.extra": 0.8}, "fraud.loan"},
		{map[string]float64{"fraud.loans": 0.8, "incident.fire": 1}, "none"},
	}
	for _, tt := range tests {
		if got := task.Predict(tt.cats, 0); got != tt.want {
			t.Errorf("Predict(%v) = %q, want %q", tt.cats, got, tt.want)
		}
	}
	if _, err := Labelled([]Row{{7, "9", "x"}}, m); err == nil || !strings.Contains(err.Error(), `line 7: label "9"`) {
		t.Errorf("unmapped label err = %v", err)
	}
	if _, err := Labelled([]Row{{3, "体育", "x"}}, nil); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("unmapped raw label err = %v", err)
	}
}

func TestSentimentTask(t *testing.T) {
	m, _ := ParseMap("0=sentiment:negative,1=sentiment:positive")
	items, _ := Labelled([]Row{{1, "0", "a"}, {2, "1", "b"}}, m)
	task, err := NewTask(items, 0.5)
	if err != nil || !task.Sentiment {
		t.Fatalf("task %+v, %v", task, err)
	}
	for s, want := range map[float64]string{-0.2: SentimentNegative, 0.3: SentimentPositive, 0: SentimentNeutral} {
		if got := task.Predict(nil, s); got != want {
			t.Errorf("Predict(sentiment %v) = %s, want %s", s, got, want)
		}
	}
	mixed, _ := ParseMap("0=sentiment:negative,1=fraud")
	items, _ = Labelled([]Row{{1, "0", "a"}, {2, "1", "b"}}, mixed)
	if _, err := NewTask(items, 0.5); !errors.Is(err, ErrMixedTask) {
		t.Errorf("mixed task err = %v", err)
	}
}
