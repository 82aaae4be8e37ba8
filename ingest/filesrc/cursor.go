package filesrc

import (
	"encoding/json"
	"fmt"
)

// cursorVersion is the version of the cursor's JSON; a cursor of another
// version is refused rather than guessed at.
const cursorVersion = 1

// Encodings of a file's stream, as stored in the cursor.
const (
	encUTF8    = "utf-8"
	encGB18030 = "gb18030"
)

// fileID tells a file from a later one of the same name.
type fileID struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"` // unix nanoseconds
}

// cursor is a source's position in its drop folder.
type cursor struct {
	V int `json:"v"`
	// File is the file being read (empty: take the oldest).
	File *fileID `json:"file,omitempty"`
	// Offset is the byte offset of the next record in the file's
	// uncompressed, decoded stream; Records the records done (the next
	// record's index); Line the lines done.
	Offset  int64 `json:"offset,omitempty"`
	Records int   `json:"records,omitempty"`
	Line    int   `json:"line,omitempty"`
	// Enc is the file's detected encoding.
	Enc string `json:"enc,omitempty"`
	// Header is a CSV file's header row.
	Header []string `json:"header,omitempty"`
	// Finished is a file that a batch finished and whose Ack (moving it
	// to done/ or failed/) may not have run yet.
	Finished *finished `json:"finished,omitempty"`
}

// finished is a file waiting to be moved out of the drop folder.
type finished struct {
	fileID
	// Failed moves it to failed/ with Reason beside it instead of done/.
	Failed bool   `json:"failed,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// parseCursor reads a stored cursor; nil or empty is the start.
func parseCursor(raw []byte) (cursor, error) {
	if len(raw) == 0 {
		return cursor{V: cursorVersion}, nil
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil {
		return cursor{}, fmt.Errorf("reading cursor %q: %w", raw, err)
	}
	if c.V != cursorVersion {
		return cursor{}, fmt.Errorf("reading cursor %q: version %d is not %d", raw, c.V, cursorVersion)
	}
	return c, nil
}

// encode returns the cursor's JSON.
func (c cursor) encode() []byte {
	c.V = cursorVersion
	b, err := json.Marshal(c)
	if err != nil {
		panic("filesrc: encoding cursor: " + err.Error()) // only strings and ints
	}
	return b
}
