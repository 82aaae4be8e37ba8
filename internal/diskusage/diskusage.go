// Package diskusage measures disk: how much a directory tree takes (for
// benchmarks that report index sizes) and how much room is left (the index
// stage stops before its disk is full).
package diskusage

import (
	"io/fs"
	"path/filepath"
)

// Dir returns the total size in bytes of the regular files under dir;
// unreadable entries are skipped.
func Dir(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
