package index

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/encoding/json"

	"github.com/yuqing-dev/yuqing/analysis"
	"github.com/yuqing-dev/yuqing/ingest"
)

// TestGoldenSearches runs every suite in testdata/<case>/: docs.ndjson
// (Posts, with an optional cluster_id standing for the analysis stage's)
// are analysed and indexed, then each line of searches.txt is searched and
// the ids found compared with the expected ones.
func TestGoldenSearches(t *testing.T) {
	cases, _ := filepath.Glob("testdata/*/searches.txt")
	if len(cases) == 0 {
		t.Fatal("no golden suites in testdata")
	}
	seg, err := analysis.Default()
	if err != nil {
		t.Fatal(err)
	}
	an, err := analysis.NewAnalyzer(seg)
	if err != nil {
		t.Fatal(err)
	}
	for _, searches := range cases {
		dir := filepath.Dir(searches)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ix, _ := openTest(t)
			docs := readGoldenDocs(t, an, filepath.Join(dir, "docs.ndjson"))
			if err := ix.Index(context.Background(), docs); err != nil {
				t.Fatal(err)
			}
			runGoldenSearches(t, ix, searches)
		})
	}
}

func readGoldenDocs(t *testing.T, an *analysis.Analyzer, path string) []analysis.Doc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []analysis.Doc
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var in struct {
			ingest.Post
			ClusterID string `json:"cluster_id"`
		}
		if err := json.Unmarshal([]byte(line), &in); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		d := an.Analyze(in.Post)
		d.ClusterID = in.ClusterID
		docs = append(docs, d)
	}
	// Reposts cluster with their original as the analysis stage would:
	// the first doc with the same SimHash.
	first := map[string]string{}
	for i := range docs {
		if docs[i].ClusterID != "" {
			continue
		}
		if id, ok := first[docs[i].SimHash]; ok {
			docs[i].ClusterID = id
		} else {
			first[docs[i].SimHash], docs[i].ClusterID = docs[i].ID, docs[i].ID
		}
	}
	return docs
}

func runGoldenSearches(t *testing.T, ix *Index, path string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var now time.Time
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "@now "):
			if now, err = time.Parse(time.RFC3339, strings.TrimPrefix(line, "@now ")); err != nil {
				t.Fatalf("%s:%d: %v", path, n, err)
			}
			continue
		}
		q, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: want query<TAB>expected", path, n)
		}
		res, err := ix.Search(context.Background(), Request{Q: q, Size: MaxSize, Now: now})
		if pos, isErr := strings.CutPrefix(want, "error "); isErr {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("%s:%d: %q: got %v, want a query error", path, n, q, err)
				continue
			}
			if p, _ := strconv.Atoi(pos); qe.Err.Pos != p {
				t.Errorf("%s:%d: %q: error at %d (%v), want at %s", path, n, q, qe.Err.Pos, qe.Err, pos)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s:%d: %q: %v", path, n, q, err)
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		exp := strings.Fields(want)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("%s:%d: %q found %v, want %v", path, n, q, got, exp)
		}
	}
}
