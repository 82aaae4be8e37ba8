package rule

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// ReplaceInFile returns the rule file data with the rule whose id is id
// replaced by the single rule in replacement (a YAML mapping, as sent to
// PUT /api/v1/rules). The other rules of the file, its documents, comments
// and key order are kept, so an analyst tuning a shipped rule from the
// console edits that rule where it is defined instead of adding a second
// rule with the same id. The whole file is re-encoded (2-space indent):
// spacing inside a line may change, the content does not. It fails when
// no rule of the file has the id, or replacement is not one mapping.
func ReplaceInFile(data []byte, id string, replacement []byte) ([]byte, error) {
	repl, err := oneMapping(replacement)
	if err != nil {
		return nil, err
	}
	docs, err := decodeDocs(data)
	if err != nil {
		return nil, err
	}
	found := false
	for _, doc := range docs {
		root := docRoot(doc)
		switch {
		case root.Kind == yaml.MappingNode && idOf(root) == id:
			keepHeadComment(repl, root)
			*root = *repl
			found = true
		case root.Kind == yaml.SequenceNode:
			for i, it := range root.Content {
				if it.Kind == yaml.MappingNode && idOf(it) == id {
					keepHeadComment(repl, it)
					root.Content[i] = repl
					found = true
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("no rule with id %q in the file", id)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for _, doc := range docs {
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("writing the rule file: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing the rule file: %w", err)
	}
	return out.Bytes(), nil
}

// keepHeadComment carries the comment above the old rule (often the
// file's introduction) over to its replacement when that has none.
// yaml.v3 puts a comment above a mapping on the mapping or on its first
// key, depending on where the mapping starts.
func keepHeadComment(repl, old *yaml.Node) {
	if repl.HeadComment == "" {
		repl.HeadComment = old.HeadComment
	}
	if len(repl.Content) > 0 && len(old.Content) > 0 && repl.Content[0].HeadComment == "" {
		repl.Content[0].HeadComment = old.Content[0].HeadComment
	}
}

func decodeDocs(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the rule file: %w", err)
		}
		docs = append(docs, &doc)
	}
}

// oneMapping is the single rule mapping of data.
func oneMapping(data []byte) (*yaml.Node, error) {
	docs, err := decodeDocs(data)
	if err != nil {
		return nil, err
	}
	var found []*yaml.Node
	for _, doc := range docs {
		root := docRoot(doc)
		switch root.Kind {
		case yaml.MappingNode:
			found = append(found, root)
		case yaml.SequenceNode:
			found = append(found, root.Content...)
		}
	}
	if len(found) != 1 || found[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the replacement must be exactly one rule (a mapping), got %d", len(found))
	}
	return found[0], nil
}

// RuleYAML returns the YAML text of each rule mapping in data by id (with
// the comments inside and above it), for splitting a request that carries
// several rules.
func RuleYAML(data []byte) (map[string][]byte, error) {
	docs, err := decodeDocs(data)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	add := func(n *yaml.Node) error {
		id := idOf(n)
		if id == "" {
			return nil
		}
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(n); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		out[id] = b.Bytes()
		return nil
	}
	for _, doc := range docs {
		root := docRoot(doc)
		items := []*yaml.Node{root}
		if root.Kind == yaml.SequenceNode {
			items = root.Content
		}
		for _, it := range items {
			if it.Kind == yaml.MappingNode {
				if err := add(it); err != nil {
					return nil, fmt.Errorf("writing rule YAML: %w", err)
				}
			}
		}
	}
	return out, nil
}

// idOf is the scalar value of a mapping's id key ("" when none).
func idOf(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], deref(n.Content[i+1]); k.Value == "id" && v.Kind == yaml.ScalarNode {
			return v.Value
		}
	}
	return ""
}

// docRoot is the node a YAML document holds.
func docRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0]
	}
	return doc
}
