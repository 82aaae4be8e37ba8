package filesrc

import (
	"reflect"
	"testing"

	"github.com/yuqing-dev/yuqing/configs"
)

// FuzzResume reads arbitrary files whole and in batches of two, each
// batch by a new Source from the last cursor: both must see the same
// posts and rejects, and the file must end up in done/ or failed/.
func FuzzResume(f *testing.F) {
	f.Add(uint8(0), []byte("{\"text\":\"a\"}\n\nbad\n{\"text\":\"b\"}"))
	f.Add(uint8(1), []byte("[{\"text\":\"a\"},\n{\"text\":\n\"b\"}, 3, {\"bad\"}"))
	f.Add(uint8(2), []byte("text,author\na,x\n\"b\nc\",y\n\n1,2,3\n\"open"))
	f.Add(uint8(2), []byte("\xef\xbb\xbf\xc4\xda\xc8\xdd\n\xc4\xb3\xb5\xd8\n"))
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		name := []string{"x.jsonl", "x.json", "x.csv"}[format%3]
		whole := newSource(t, configs.Source{})
		put(t, whole, name, data, 0)
		var want run
		want.poll(t, whole, 1000)
		dir := t.TempDir()
		var got run
		for i := 0; ; i++ {
			s := newSource(t, configs.Source{Path: dir})
			s.batch = 2
			if i == 0 {
				put(t, s, name, data, 0)
			}
			if b := got.step(t, s, true); !b.More {
				break
			}
			if i > len(data)+2 {
				t.Fatal("no end")
			}
		}
		if !reflect.DeepEqual(got.posts, want.posts) || !reflect.DeepEqual(got.rejects, want.rejects) {
			t.Errorf("in batches of 2:\n got %q %+v\nwant %q %+v", got.texts(), got.rejects, want.texts(), want.rejects)
		}
		if left := dirNames(t, dir); len(left) != 0 {
			t.Errorf("drop folder still holds %q", left)
		}
	})
}
