// Package syncbuf is a bytes buffer that several goroutines may write and
// read at once: the output of a child process that os/exec copies in while
// a test reads it, or a logger's output that a test checks. It sits beside
// the tests and test helpers (testkafka, testredis, the crash tests).
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is safe for concurrent use. The zero value is empty and ready.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Len is how many bytes were written.
func (b *Buffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// String is everything written so far.
func (b *Buffer) String() string { return b.From(0) }

// From is what was written from byte offset i on ("" past the end).
func (b *Buffer) From(i int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i >= b.buf.Len() {
		return ""
	}
	return string(b.buf.Bytes()[max(i, 0):])
}
