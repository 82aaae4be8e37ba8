package rule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Options adjust what the loader accepts.
type Options struct {
	// Validate checks a match expression (the query-language parser). Nil
	// accepts any expression.
	Validate func(expr string) error
	// KnownReceivers, when not nil, is the set of receiver names a rule
	// may send to (the server config's receivers).
	KnownReceivers map[string]bool
}

// Error is one problem in a rule file. ParseFile and LoadDir return every
// problem they find, joined with errors.Join and ordered by file and line;
// use errors.As to reach the first, or unwrap the join for all.
type Error struct {
	File  string
	Line  int
	Rule  string // the rule's id, or "#N" (the Nth rule of the file) when it has none
	Field string // key path such as num_events or filter.categories.fraud
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Rule != "" {
		b.WriteString("rule " + e.Rule + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadDir reads every rule file of dir (DirFiles) like LoadFiles.
func LoadDir(dir string, o Options) ([]Rule, error) {
	names, err := DirFiles(dir)
	if err != nil {
		return nil, err
	}
	return LoadFiles(names, o)
}

// DirFiles lists the rule files of dir: every *.yaml and *.yml file
// directly in it (not in subdirectories), in name order.
func DirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading rules directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	return names, nil
}

// LoadFiles reads the rule files in the order given. Rule ids must be
// unique across the files. On error it still returns the rules that are
// valid, so that a caller can show them, but a server reloading its rules
// must keep the old set.
func LoadFiles(names []string, o Options) ([]Rule, error) {
	var rules []Rule
	var errs []*Error
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			msg := err.Error()
			if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
				msg = pe.Op + ": " + pe.Err.Error()
			}
			errs = append(errs, &Error{File: name, Msg: msg})
			continue
		}
		rs, es := parseFile(name, data, o)
		rules, errs = append(rules, rs...), append(errs, es...)
	}
	return finish(rules, errs)
}

// ParseFile reads the rules in data, which came from the file name (used
// in errors and Rule.File). A file holds one rule (a mapping), a YAML list
// of rules, or several --- documents of either. Like LoadDir, it returns
// the valid rules beside the error.
func ParseFile(name string, data []byte, o Options) ([]Rule, error) {
	rules, errs := parseFile(name, data, o)
	return finish(rules, errs)
}

// finish refuses duplicate ids, computes versions and joins the errors.
func finish(rules []Rule, errs []*Error) ([]Rule, error) {
	first := map[string]*Rule{}
	out := rules[:0]
	for i := range rules {
		r := &rules[i]
		if f, dup := first[r.ID]; dup {
			errs = append(errs, &Error{File: r.File, Line: r.Line, Rule: r.ID, Field: "id",
				Msg: fmt.Sprintf("duplicate id, first defined at %s:%d", f.File, f.Line)})
			continue
		}
		first[r.ID] = r
		r.Version = r.computeVersion()
		out = append(out, *r)
	}
	if len(errs) == 0 {
		return out, nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Field+a.Msg, b.Field+b.Msg)
	})
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return out, errors.Join(joined...)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func parseFile(name string, data []byte, o Options) ([]Rule, []*Error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var rules []Rule
	var errs []*Error
	n := 0
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			e := &Error{File: name, Msg: err.Error()}
			if m := yamlLine.FindStringSubmatch(e.Msg); m != nil {
				e.Line, _ = strconv.Atoi(m[1])
				e.Msg = e.Msg[len(m[0]):]
			}
			e.Msg = "YAML syntax: " + strings.TrimPrefix(e.Msg, "yaml: ")
			return rules, append(errs, e)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		root = deref(root)
		items := []*yaml.Node{root}
		switch {
		case root.Kind == yaml.SequenceNode:
			items = root.Content
		case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
			continue
		case root.Kind != yaml.MappingNode:
			errs = append(errs, &Error{File: name, Line: root.Line,
				Msg: "a rule file holds one rule (a mapping of keys), a list of rules or several --- documents"})
			continue
		}
		for _, it := range items {
			n++
			r, es := parseRule(name, n, deref(it), o)
			if len(es) > 0 {
				errs = append(errs, es...)
				continue
			}
			rules = append(rules, r)
		}
	}
	return rules, errs
}

// deref follows YAML aliases (*name) to the node they refer to.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func parseRule(file string, n int, node *yaml.Node, o Options) (Rule, []*Error) {
	r := Default()
	r.File, r.Line = file, node.Line
	p := &parser{file: file, rule: "#" + strconv.Itoa(n), ruleLine: node.Line, lines: map[string]int{}}
	if node.Kind != yaml.MappingNode {
		p.errorf("", "a rule is a mapping of keys such as id, severity, type and match")
		return r, p.errs
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if k, v := node.Content[i], deref(node.Content[i+1]); k.Value == "id" && v.Kind == yaml.ScalarNode && v.Value != "" {
			p.rule = v.Value
		}
	}
	p.mapping(node, reflectValue(&r), "")
	p.fillDefaults(&r)
	p.validate(&r, o)
	return r, p.errs
}
