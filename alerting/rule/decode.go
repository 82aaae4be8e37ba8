package rule

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// parser decodes one rule node strictly, remembering the line of every
// key so that validation errors can name it.
type parser struct {
	file     string
	rule     string
	ruleLine int
	lines    map[string]int // key path → line; present means the key was written
	failed   map[string]bool
	errs     []*Error
}

// errorf records a problem with field, at the line where field was
// written (the rule's first line when it was not).
// A field whose value could not be decoded was reported already and is
// not validated again.
func (p *parser) errorf(field, format string, args ...any) {
	if !p.failed[field] {
		p.errorAt(p.line(field), field, format, args...)
	}
}

// decodeError reports a value that could not be decoded into field.
func (p *parser) decodeError(line int, field, format string, args ...any) {
	if p.failed == nil {
		p.failed = map[string]bool{}
	}
	p.failed[field] = true
	p.errorAt(line, field, format, args...)
}

func (p *parser) errorAt(line int, field, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Rule: p.rule, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// line is where field was written or, when it was not, where its
// nearest written parent was (require for require.within), else the
// rule's first line.
func (p *parser) line(field string) int {
	for field != "" {
		if l, ok := p.lines[field]; ok {
			return l
		}
		field = field[:max(strings.LastIndexAny(field, ".["), 0)]
	}
	return p.ruleLine
}

// set reports whether the file wrote the key.
func (p *parser) set(field string) bool {
	_, ok := p.lines[field]
	return ok
}

func reflectValue(r *Rule) reflect.Value { return reflect.ValueOf(r).Elem() }

var durationType = reflect.TypeFor[Duration]()

// fieldIndex maps the yaml key names of a struct type to field indexes.
var fieldIndex sync.Map // reflect.Type → map[string]int

func keysOf(t reflect.Type) map[string]int {
	if m, ok := fieldIndex.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	fieldIndex.Store(t, m)
	return m
}

// mapping decodes a mapping node into the struct v, refusing unknown and
// repeated keys.
func (p *parser) mapping(n *yaml.Node, v reflect.Value, prefix string) {
	field := strings.TrimSuffix(prefix, ".")
	if n.Kind != yaml.MappingNode {
		p.errorAt(n.Line, field, "must be a mapping of keys%s", got(n))
		return
	}
	keys := keysOf(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], deref(n.Content[i+1])
		name := prefix + k.Value
		if first, dup := p.lines[name]; dup {
			p.errorAt(k.Line, name, "repeated key (first written at line %d)", first)
			continue
		}
		p.lines[name] = k.Line
		fi, ok := keys[k.Value]
		if !ok {
			p.errorAt(k.Line, name, "unknown key%s", suggest(k.Value, keys))
			continue
		}
		p.value(val, v.Field(fi), name)
	}
}

// value decodes one value node into f, recording the lines of list items
// and map keys so that validation can point at them.
func (p *parser) value(n *yaml.Node, f reflect.Value, name string) {
	switch {
	case f.Type() == durationType:
		if n.Kind != yaml.ScalarNode {
			p.decodeError(n.Line, name, "must be a duration like 10m, 2h or 7d%s", got(n))
			return
		}
		d, err := ParseDuration(n.Value)
		if err != nil {
			p.decodeError(n.Line, name, "%v", err)
			return
		}
		f.Set(reflect.ValueOf(d))
		return
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		nv := reflect.New(f.Type().Elem())
		p.mapping(n, nv.Elem(), name+".")
		f.Set(nv)
		return
	}
	if err := n.Decode(f.Addr().Interface()); err != nil {
		found := got(n)
		if (n.Kind == yaml.SequenceNode && f.Kind() == reflect.Slice) || (n.Kind == yaml.MappingNode && f.Kind() == reflect.Map) {
			found = "" // the shape is right, an element is not
		}
		p.decodeError(n.Line, name, "must be %s%s", describe(f.Type()), found)
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, it := range n.Content {
			p.lines[name+"["+strconv.Itoa(i)+"]"] = it.Line
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p.lines[name+"."+n.Content[i].Value] = n.Content[i].Line
		}
	}
}

// describe names what a field of type t must hold.
func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	case reflect.Map:
		return "a mapping of names to " + strings.TrimPrefix(strings.TrimPrefix(describe(t.Elem()), "a "), "an ") + "s"
	}
	return t.String()
}

// got describes the value that was found instead.
func got(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return fmt.Sprintf(", not %q", v)
	case yaml.MappingNode:
		return ", not a mapping"
	case yaml.SequenceNode:
		return ", not a list"
	}
	return ""
}

// suggest names the closest known key, for typos like num_event.
func suggest(key string, keys map[string]int) string {
	best, bestD := "", 3
	for k := range keys {
		if d := editDistance(key, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" || bestD*2 > len(key) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
