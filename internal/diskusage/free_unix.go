//go:build unix

package diskusage

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Free returns the bytes available to an unprivileged writer on the file
// system holding dir.
func Free(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil //nolint:gosec // sizes are non-negative
}
