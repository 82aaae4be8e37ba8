package filesrc

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// File formats.
const (
	formatJSONL = "jsonl"
	formatJSON  = "json"
	formatCSV   = "csv"
)

// entry is a file waiting in the drop folder.
type entry struct {
	id     fileID
	format string
	gz     bool
}

// fileFormat returns the format of a file name and whether it is
// gzipped; ok is false for names that are not picked up.
func fileFormat(name string) (format string, gz, ok bool) {
	if name == "" || name[0] == '.' || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") {
		return "", false, false
	}
	base, gz := strings.CutSuffix(name, ".gz")
	switch filepath.Ext(base) {
	case ".jsonl", ".ndjson":
		return formatJSONL, gz, true
	case ".json":
		return formatJSON, gz, true
	case ".csv":
		return formatCSV, gz, true
	}
	return "", false, false
}

// list returns the files to read, oldest first (mod time, then name).
func (s *Source) list() ([]entry, error) {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", s.dir, err)
	}
	var out []entry
	for _, de := range des {
		format, gz, ok := fileFormat(de.Name())
		if !ok || !de.Type().IsRegular() || (s.format != "" && format != s.format) {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // vanished since the listing
		}
		out = append(out, entry{id: idOf(de.Name(), info), format: format, gz: gz})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].id, out[j].id
		if a.MTime != b.MTime {
			return a.MTime < b.MTime
		}
		return a.Name < b.Name
	})
	return out, nil
}

func idOf(name string, info fs.FileInfo) fileID {
	return fileID{Name: name, Size: info.Size(), MTime: info.ModTime().UnixNano()}
}

// present reports whether id is still in the drop folder, unchanged.
func (s *Source) present(id fileID) bool {
	info, err := os.Stat(filepath.Join(s.dir, id.Name))
	return err == nil && info.Mode().IsRegular() && idOf(id.Name, info) == id
}

// stream is a file's uncompressed, decoded content.
type stream struct {
	io.Reader
	f *os.File
}

func (st *stream) Close() error { return st.f.Close() }

// open returns e's stream decoded from enc and positioned at offset. An
// error wraps fs.ErrNotExist when the file has vanished.
func (s *Source) open(e entry, enc string, offset int64) (*stream, error) {
	f, err := os.Open(filepath.Join(s.dir, e.id.Name))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", e.id.Name, err)
	}
	st := &stream{Reader: f, f: f}
	if offset > 0 && !e.gz && enc != encGB18030 {
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			f.Close()
			return nil, fmt.Errorf("seeking %s to %d: %w", e.id.Name, offset, err)
		}
		return st, nil
	}
	if e.gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("reading gzip header of %s: %w", e.id.Name, err)
		}
		st.Reader = zr
	}
	if enc == encGB18030 {
		st.Reader = transform.NewReader(st.Reader, simplifiedchinese.GB18030.NewDecoder())
	}
	if offset > 0 {
		n, err := io.CopyN(io.Discard, st.Reader, offset)
		if err != nil {
			f.Close()
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("skipping to offset %d of %s (reached %d): %w", offset, e.id.Name, n, err)
		}
	}
	return st, nil
}

// detect returns the encoding of a streamed file: UTF-8, or GB18030 when
// the file is not valid UTF-8 but decodes as GB18030 without a
// replacement character. Read errors are left to the read proper.
func (s *Source) detect(e entry) (string, error) {
	st, err := s.open(e, encUTF8, 0)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(io.Discard, transform.NewReader(st, encoding.UTF8Validator))
	st.Close()
	if !errors.Is(err, encoding.ErrInvalidUTF8) {
		return encUTF8, nil
	}
	st, err = s.open(e, encGB18030, 0)
	if err != nil {
		return "", err
	}
	defer st.Close()
	if !cleanDecode(st) {
		return encUTF8, nil
	}
	s.log.Info("file is not UTF-8; decoding it as GB18030", "file", e.id.Name)
	return encGB18030, nil
}

// replacement is U+FFFD in UTF-8, what the decoder writes for bytes it
// cannot decode.
var replacement = []byte("\uFFFD")

// cleanDecode reports whether r holds no replacement character before
// its end (or a read error).
func cleanDecode(r io.Reader) bool {
	buf := make([]byte, 64<<10)
	carry := 0 // bytes kept from the previous read, so a split U+FFFD is seen
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		if bytes.Contains(buf[:n], replacement) {
			return false
		}
		if err != nil {
			return true
		}
		carry = min(n, len(replacement)-1)
		copy(buf, buf[n-carry:n])
	}
}

// decodeAll decodes a whole file held in memory the same way detect
// decides for a streamed one.
func (s *Source) decodeAll(name string, data []byte) ([]byte, string) {
	if utf8.Valid(data) {
		return data, encUTF8
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.Contains(dec, replacement) {
		return data, encUTF8
	}
	s.log.Info("file is not UTF-8; decoding it as GB18030", "file", name)
	return dec, encGB18030
}
