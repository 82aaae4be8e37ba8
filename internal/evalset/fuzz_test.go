package evalset

import (
	"errors"
	"strings"
	"testing"
)

func FuzzRead(f *testing.F) {
	for _, s := range []string{"0\t你好\n", "a\tb\tc\r\n\n", "\ufeffx\ty", "no tab", "\t\n", "1\t\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Read(strings.NewReader(in), "f.tsv")
		if err != nil {
			if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "f.tsv:") {
				t.Fatalf("error %q does not name the file and wrap ErrSyntax", err)
			}
			return
		}
		for _, r := range rows {
			if r.Label == "" || r.Text == "" || r.Line < 1 {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}

func FuzzParseMap(f *testing.F) {
	for _, s := range []string{"0=none,1=fraud.loan", "交通事故=incident.traffic", "1=spam_ad|fraud", "x", "=", "1=sentiment:positive,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := ParseMap(spec)
		if err != nil {
			if !errors.Is(err, ErrMap) {
				t.Fatalf("error %v does not wrap ErrMap", err)
			}
			return
		}
		for _, l := range m.Labels() {
			targets, ok := m.Targets(l)
			if !ok || len(targets) == 0 {
				t.Fatalf("label %q maps to %v", l, targets)
			}
		}
	})
}
