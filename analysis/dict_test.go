package analysis

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

func terms(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

func TestParseDictErrorsNameFileAndLine(t *testing.T) {
	cases := map[string]string{
		"安全账户 abc n\n":        "d.txt:1: frequency \"abc\"",
		"# c\n\n杀猪盘 10 n x\n": "d.txt:3: 4 fields",
		"跑分 10 n1\n":          "d.txt:1: part of speech \"n1\"",
		"ok 1\n，，， 5\n":       "d.txt:2: \"，，，\" is not a word",
		"断卡 -1\n":             "d.txt:1: frequency \"-1\"",
	}
	for data, want := range cases {
		_, err := ParseDict(DictFile{Name: "d.txt", Data: []byte(data)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDict(%q) = %v, want error containing %q", data, err, want)
		}
	}
	es, err := ParseDict(DictFile{Name: "d.txt", Data: []byte("\ufeff# 注释\n安全賬戶\n刷单返利 500\n跑分 300 nz\n")})
	if err != nil {
		t.Fatal(err)
	}
	want := []DictEntry{{"安全账户", DefaultDictFreq, ""}, {"刷单返利", 500, ""}, {"跑分", 300, "nz"}}
	if !slices.Equal(es, want) {
		t.Fatalf("entries %+v, want %+v", es, want)
	}
}

// TestReloadDictsWhileSegmenting reloads user dictionaries while other
// goroutines segment (run with -race): every segmentation sees either the
// old or the new dictionary, a bad file keeps the current one.
func TestReloadDictsWhileSegmenting(t *testing.T) {
	const text = "骗子让他把钱转到所谓的安全账户，还要求下载会议软件共享屏幕。"
	s, err := NewSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	before := terms(s.Tokens(text))
	if slices.Contains(before, "安全账户") {
		t.Fatalf("gse alone keeps 安全账户 whole (%v): pick another test word", before)
	}
	dict := DictFile{Name: "fraud.txt", Data: []byte("安全账户 3000 n\n共享屏幕 3000 n\n")}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				got := terms(s.Tokens(text))
				if !slices.Equal(got, before) && !slices.Contains(got, "安全账户") {
					t.Errorf("segmentation during reload is neither old nor new: %v", got)
					return
				}
			}
		})
	}
	err = s.LoadDicts(dict)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	after := terms(s.Tokens(text))
	if !slices.Contains(after, "安全账户") || !slices.Contains(after, "共享屏幕") {
		t.Fatalf("user words not whole after reload: %v", after)
	}
	if info := s.Dicts(); info.Words != 2 || !slices.Equal(info.Files, []string{"fraud.txt"}) {
		t.Fatalf("dict info %+v", info)
	}

	err = s.LoadDicts(DictFile{Name: "broken.txt", Data: []byte("好词 100\n坏词 many\n")})
	if err == nil || !strings.Contains(err.Error(), "broken.txt:2") {
		t.Fatalf("bad dictionary: err %v, want one naming broken.txt:2", err)
	}
	if got := terms(s.Tokens(text)); !slices.Equal(got, after) {
		t.Fatalf("a failed reload changed segmentation: %v, want %v", got, after)
	}
}
