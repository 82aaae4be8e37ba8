package rule

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/yuqing-dev/yuqing/analysis/classify"
)

func knownCategory(id string) bool {
	_, ok := classify.Lookup(id)
	return ok
}

func writeTemp(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func removeTemp(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}
