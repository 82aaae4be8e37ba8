package configs

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

//go:embed dict/*.txt
var builtinDicts embed.FS

// DictSource is one dictionary file's name and content, read by
// ReadDicts.
type DictSource struct {
	Name string
	Data []byte
}

// ReadDicts reads the dictionaries an Analysis config names: the built-in
// starter dictionary (named "builtin:dict/…") when enabled, then every file
// matching the globs, in sorted order. A glob matching nothing is not an
// error (a directory may be empty); an unreadable file is.
func (a Analysis) ReadDicts() ([]DictSource, error) {
	var out []DictSource
	if a.BuiltinDict {
		names, _ := fs.Glob(builtinDicts, "dict/*.txt")
		for _, n := range names {
			data, err := builtinDicts.ReadFile(n)
			if err != nil {
				return nil, fmt.Errorf("reading built-in %s: %w", n, err)
			}
			out = append(out, DictSource{Name: "builtin:" + n, Data: data})
		}
	}
	for _, g := range a.Dicts {
		paths, err := filepath.Glob(g)
		if err != nil {
			return nil, fmt.Errorf("analysis.dicts: %q: %w", g, err)
		}
		sort.Strings(paths)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("reading dictionary: %w", err)
			}
			out = append(out, DictSource{Name: p, Data: data})
		}
	}
	return out, nil
}
