package rule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Examples are the posts a rule must and must not fire on, kept beside the
// rule packs in examples/<rule-id>.yaml and run as tests by the rule
// engine. Each Case is a short timeline, so stream rules (frequency,
// spike, flatline) can be shown as well as single posts.
type Examples struct {
	Rule        string `yaml:"rule"`
	Fires       []Case `yaml:"fires"`
	DoesNotFire []Case `yaml:"does_not_fire"`

	File string `yaml:"-"`
}

// ExampleStart is the instant a Case's timeline starts: a Wednesday
// morning in China, so that active and mute windows behave predictably.
const ExampleStart = "2026-03-04T10:00:00+08:00"

// Case is one example timeline. The clock starts at ExampleStart; each
// post arrives At after the start (default: when the previous entry's last
// copy did, 0 for the first), Count times, Every apart. The case ends
// Until after the start, or at the last post.
type Case struct {
	Note  string        `yaml:"note"`
	Posts []ExamplePost `yaml:"posts"`
	Until Duration      `yaml:"until,omitempty"`
}

// ExamplePost is a Post (the ingest contract) with its place on the
// timeline. Scores are not given: the analyser computes them from the text.
type ExamplePost struct {
	Source string   `yaml:"source"`
	Kind   string   `yaml:"kind,omitempty"` // default post
	Title  string   `yaml:"title,omitempty"`
	Text   string   `yaml:"text"`
	Author string   `yaml:"author,omitempty"`
	Region string   `yaml:"region,omitempty"`
	At     Duration `yaml:"at,omitempty"`
	Count  int      `yaml:"count,omitempty"` // default 1
	Every  Duration `yaml:"every,omitempty"`
	// Vary appends the copy number to Text and Author of each copy, so
	// copies are distinct posts of one repost cluster by distinct authors.
	Vary bool `yaml:"vary,omitempty"`
}

// LoadExamples reads every *.yaml file in dir, strictly, and checks that
// each has a rule id, at least one case that fires and one that does not,
// and posts with text and a source.
func LoadExamples(dir string) ([]Examples, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []Examples
	var errs []error
	for _, name := range names {
		ex, err := readExamples(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		out = append(out, ex)
	}
	return out, errors.Join(errs...)
}

func readExamples(name string) (Examples, error) {
	ex := Examples{File: name}
	data, err := os.ReadFile(name)
	if err != nil {
		return ex, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&ex); err != nil && !errors.Is(err, io.EOF) {
		return ex, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	switch {
	case ex.Rule == "":
		return ex, errors.New("rule: required (the id of the rule the examples are for)")
	case len(ex.Fires) == 0 || len(ex.DoesNotFire) == 0:
		return ex, errors.New("needs at least one case in fires and one in does_not_fire")
	}
	for i, c := range append(append([]Case(nil), ex.Fires...), ex.DoesNotFire...) {
		if len(c.Posts) == 0 && c.Until == 0 {
			return ex, fmt.Errorf("case %d (%s): no posts and no until", i+1, c.Note)
		}
		for _, p := range c.Posts {
			if p.Text == "" || p.Source == "" || p.Count < 0 {
				return ex, fmt.Errorf("case %d (%s): every post needs text and source, and count must not be negative", i+1, c.Note)
			}
		}
	}
	return ex, nil
}
