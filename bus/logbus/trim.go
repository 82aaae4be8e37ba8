package logbus

import (
	"errors"
	"fmt"
	"os"
)

// trim deletes the segments wholly below every group's committed offset,
// keeping the active segment. Segments are removed from the in-memory list
// before their files are deleted; readers hold their own file descriptors.
func (t *topic) trim() error {
	t.mu.Lock()
	if len(t.commits) == 0 {
		t.mu.Unlock()
		return nil
	}
	low := int64(-1)
	for _, off := range t.commits {
		if low < 0 || off < low {
			low = off
		}
	}
	var drop []*segment
	for len(t.segs) > 1 && t.segs[1].base <= low {
		drop = append(drop, t.segs[0])
		t.segs = t.segs[1:]
	}
	start := t.segs[0].base
	t.mu.Unlock()
	if len(drop) == 0 {
		return nil
	}
	var errs []error
	var freed int64
	for _, s := range drop {
		if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("trimming topic %s: deleting segment %s: %w", t.name, s.path, err))
			continue
		}
		freed += s.size
	}
	if err := syncDir(t.dir); err != nil {
		errs = append(errs, fmt.Errorf("trimming topic %s: %w", t.name, err))
	}
	t.log.Info("logbus: trimmed topic", "segments", len(drop), "bytes", freed,
		"min_committed", low, "log_start", start)
	return errors.Join(errs...)
}

// commit durably records next as the committed offset of group. A next not
// beyond the current commit is ignored.
func (t *topic) commit(group string, next int64) error {
	t.commitMu.Lock()
	defer t.commitMu.Unlock()
	t.mu.Lock()
	cur, ok := t.commits[group]
	end := t.next
	t.mu.Unlock()
	if ok && next <= cur {
		return nil
	}
	if next > end {
		return fmt.Errorf("committing offset %d of group %s on topic %s: beyond end offset %d", next, group, t.name, end)
	}
	if err := writeOffset(t.groupsDir, group, next); err != nil {
		return fmt.Errorf("committing offset %d of group %s on topic %s: %w", next, group, t.name, err)
	}
	t.mu.Lock()
	t.commits[group] = next
	t.mu.Unlock()
	return nil
}
