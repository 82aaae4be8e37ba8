package rule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// computeVersion hashes the rule's canonical JSON: struct field order,
// sorted map keys, defaults filled in, without the version itself.
func (r Rule) computeVersion() string {
	r.Version = ""
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("rule %s: canonical JSON: %v", r.ID, err)) // every field type marshals
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// Marshal writes rules as YAML, one --- document per rule, with defaults
// and versions as the loader filled them in. ParseFile reads the output
// back to the same rules and versions.
func Marshal(rules []Rule) ([]byte, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for i := range rules {
		if err := enc.Encode(&rules[i]); err != nil {
			return nil, fmt.Errorf("writing rule %s: %w", rules[i].ID, err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
