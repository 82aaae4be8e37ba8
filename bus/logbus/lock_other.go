//go:build !unix

package logbus

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir opens dir/LOCK. On this platform it does not lock: the caller must
// make sure only one process opens the log.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "LOCK")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	return f, nil
}
