package analysis

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-ego/gse"
)

// DictFile is one user dictionary: its name (a path, for messages) and
// content. A line is `word [frequency [part-of-speech]]` separated by
// spaces or tabs; blank lines and lines starting with # are ignored. The
// word is normalised like text (full-width, traditional, case), so a
// dictionary may be written in either script. Frequency defaults to
// DefaultDictFreq; higher makes gse prefer the word over splitting it.
type DictFile struct {
	Name string
	Data []byte
}

// DictEntry is one parsed dictionary line.
type DictEntry struct {
	Word string
	Freq float64
	POS  string
}

// DefaultDictFreq is the frequency of a user word that gives none: enough
// for gse to keep a domain term such as 安全账户 whole.
const DefaultDictFreq = 2000

// DictInfo describes the dictionaries a Segmenter is using.
type DictInfo struct {
	Files    []string  `json:"files"`
	Words    int       `json:"user_words"`
	LoadedAt time.Time `json:"loaded_at"`
	Took     string    `json:"took"`
	digest   [32]byte
}

// dictDigest identifies a list of dictionary files by names and contents.
func dictDigest(files []DictFile) [32]byte {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%d:%s%d:", len(f.Name), f.Name, len(f.Data))
		h.Write(f.Data)
	}
	return [32]byte(h.Sum(nil))
}

// ParseDict parses a user dictionary. Errors name the file and line.
func ParseDict(f DictFile) ([]DictEntry, error) {
	var out []DictEntry
	sc := bufio.NewScanner(bytes.NewReader(f.Data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) > 3 {
			return nil, fmt.Errorf("%s:%d: %d fields, want `word [frequency [part-of-speech]]` (a word cannot contain spaces)", f.Name, line, len(fields))
		}
		word := Normalize(fields[0]).Text
		if word == "" || !meaningful(word) {
			return nil, fmt.Errorf("%s:%d: %q is not a word", f.Name, line, fields[0])
		}
		e := DictEntry{Word: word, Freq: DefaultDictFreq}
		if len(fields) > 1 {
			v, err := strconv.ParseFloat(fields[1], 64)
			if err != nil || v <= 0 || v > 1e9 {
				return nil, fmt.Errorf("%s:%d: frequency %q must be a number between 0 and 1e9", f.Name, line, fields[1])
			}
			e.Freq = v
		}
		if len(fields) > 2 {
			e.POS = fields[2]
			if strings.IndexFunc(e.POS, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
				return nil, fmt.Errorf("%s:%d: part of speech %q must be letters (e.g. n, nz, v)", f.Name, line, e.POS)
			}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return out, nil
}

// LoadDicts (re)builds the dictionary: gse's embedded one plus the user
// dictionaries files, where a user word overrides gse's entry for it. On
// any error (a bad line names its file and line) the current dictionary
// stays in use. The new dictionary is built while segmentation goes on
// with the old one and swapped in atomically; calls are serialised.
func (s *Segmenter) LoadDicts(files ...DictFile) error {
	start := time.Now()
	var user strings.Builder
	info := &DictInfo{digest: dictDigest(files)}
	for _, f := range files {
		entries, err := ParseDict(f)
		if err != nil {
			return fmt.Errorf("loading user dictionary: %w", err)
		}
		info.Files = append(info.Files, f.Name)
		info.Words += len(entries)
		for _, e := range entries {
			fmt.Fprintf(&user, "%s %g %s\n", e.Word, e.Freq, e.POS)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seg := new(gse.Segmenter)
	// User words go in first: gse keeps the first entry of a word, so they
	// override its frequencies.
	if user.Len() > 0 {
		if err := seg.LoadDictStr(user.String()); err != nil {
			return fmt.Errorf("loading user dictionaries: %w", err)
		}
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return fmt.Errorf("loading gse embedded dictionary: %w", err)
	}
	s.cur.Store(seg)
	info.LoadedAt = time.Now().UTC()
	info.Took = time.Since(start).Round(time.Millisecond).String()
	s.info.Store(info)
	return nil
}

// Dicts describes the dictionaries in use.
func (s *Segmenter) Dicts() DictInfo {
	if i := s.info.Load(); i != nil {
		return *i
	}
	return DictInfo{}
}
