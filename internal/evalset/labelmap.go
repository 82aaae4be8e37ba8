package evalset

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// None is the class of rows that should get no category.
const None = "none"

// Sentiment targets.
const (
	SentimentNegative = "sentiment:negative"
	SentimentPositive = "sentiment:positive"
	SentimentNeutral  = "sentiment:neutral"
)

// ErrMap is wrapped by every label-map error.
var ErrMap = errors.New("bad label map")

var categoryID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// Map maps dataset labels (0, 1, 交通事故) to targets: "none", a sentiment
// label, or one or more category ids. A row whose label maps to several
// ids (1=spam_ad|fraud|gambling) is a hit when any of them scores.
type Map struct {
	targets map[string][]string
	order   []string
}

// LoadMap reads arg as a map file when a file of that name exists, and
// parses it as a map spec otherwise.
func LoadMap(arg string) (*Map, error) {
	if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() {
		return ReadMap(arg)
	}
	return ParseMap(arg)
}

// ParseMap parses `label=target[|target...],...`, e.g.
// `0=none,1=fraud.impersonation,2=fraud.loan` or
// `交通事故=incident.traffic,火灾=incident.fire`.
func ParseMap(spec string) (*Map, error) {
	m := &Map{targets: map[string][]string{}}
	for i, entry := range strings.Split(spec, ",") {
		if err := m.add(entry); err != nil {
			return nil, fmt.Errorf("%w: entry %d %q: %v", ErrMap, i+1, strings.TrimSpace(entry), err)
		}
	}
	return m, nil
}

// ReadMap reads a map file: one `label=target[|target...]` (or
// `label<TAB>target`) a line; blank lines and lines starting with # are
// skipped. Errors name the file and line.
func ReadMap(path string) (*Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &Map{targets: map[string][]string{}}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, "=") {
			line = strings.Replace(line, "\t", "=", 1)
		}
		if err := m.add(line); err != nil {
			return nil, fmt.Errorf("%s:%d: %w: %v", path, n, ErrMap, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(m.order) == 0 {
		return nil, fmt.Errorf("%s: %w: no entries", path, ErrMap)
	}
	return m, nil
}

func (m *Map) add(entry string) error {
	label, spec, ok := strings.Cut(entry, "=")
	label, spec = strings.TrimSpace(label), strings.TrimSpace(spec)
	if !ok {
		return errors.New("want label=target")
	}
	if label == "" {
		return errors.New("empty label")
	}
	if _, dup := m.targets[label]; dup {
		return fmt.Errorf("label %q mapped twice", label)
	}
	targets, err := ParseTargets(spec)
	if err != nil {
		return err
	}
	m.targets[label] = targets
	m.order = append(m.order, label)
	return nil
}

// ParseTargets parses `target[|target...]`: "none" (or an empty string),
// one sentiment label, or category ids.
func ParseTargets(spec string) ([]string, error) {
	if spec == "" || spec == None {
		return []string{None}, nil
	}
	var out []string
	for t := range strings.SplitSeq(spec, "|") {
		t = strings.TrimSpace(t)
		switch {
		case t == None || t == "":
			return nil, fmt.Errorf("%q: none cannot be combined with other targets", spec)
		case strings.HasPrefix(t, "sentiment:"):
			if t != SentimentNegative && t != SentimentPositive && t != SentimentNeutral {
				return nil, fmt.Errorf("%q: want sentiment:negative, sentiment:positive or sentiment:neutral", t)
			}
			if strings.Contains(spec, "|") {
				return nil, fmt.Errorf("%q: a sentiment target stands alone", spec)
			}
		case !categoryID.MatchString(t):
			return nil, fmt.Errorf("%q is not a category id (lower-case words of letters, digits and _ joined by dots, starting with a letter, e.g. fraud.loan)", t)
		}
		out = append(out, t)
	}
	return out, nil
}

// Targets returns what label maps to.
func (m *Map) Targets(label string) ([]string, bool) {
	t, ok := m.targets[label]
	return t, ok
}

// Labels lists the mapped labels in the order they were given.
func (m *Map) Labels() []string { return append([]string(nil), m.order...) }
