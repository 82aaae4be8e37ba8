package evalset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Row is one labelled record.
type Row struct {
	Line  int // 1-based line number in its file
	Label string
	Text  string
}

// ErrSyntax is wrapped by every malformed-line error, which reads
// "FILE:LINE: reason".
var ErrSyntax = errors.New("malformed line")

// maxLine is the longest line Read accepts.
const maxLine = 16 << 20

// ReadFile reads a labelled TSV file; see Read.
func ReadFile(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read parses `label<TAB>text` lines (UTF-8; a leading byte-order mark
// and trailing CR are ignored, blank lines are skipped; the text is
// everything after the first tab). Any other malformed line (no tab, an
// empty label or text, invalid UTF-8) stops reading with an error naming
// name:line that wraps ErrSyntax: a silently skipped line would bias the
// measurement.
func Read(r io.Reader, name string) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var rows []Row
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		row, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w: %s", name, n, ErrSyntax, err)
		}
		row.Line = n
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return rows, nil
}

func parseLine(line string) (Row, error) {
	if !utf8.ValidString(line) {
		return Row{}, errors.New("invalid UTF-8")
	}
	label, text, ok := strings.Cut(line, "\t")
	if !ok {
		return Row{}, errors.New("no tab between label and text")
	}
	label, text = strings.TrimSpace(label), strings.TrimSpace(text)
	if label == "" {
		return Row{}, errors.New("empty label")
	}
	if text == "" {
		return Row{}, errors.New("empty text")
	}
	return Row{Label: label, Text: text}, nil
}
