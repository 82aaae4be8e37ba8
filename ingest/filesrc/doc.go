// Package filesrc is the "file" source type: a drop folder that other
// systems (SMS gateways, partner exports, scrapers run elsewhere) put
// files into, read by the collect Runner like any polled source.
//
//	file drop ─▶ filesrc (Read, cursor, Ack) ─▶ collect Runner ─raw topic─▶ analysis
//
// # The drop folder
//
// Files are picked up directly in the configured path (not in its done/
// and failed/ subfolders), oldest first (modification time, then name):
//
//	*.jsonl, *.ndjson  one JSON object a line
//	*.json             a JSON array of objects (or one object)
//	*.csv              a header row naming the columns, then one row a record
//
// each optionally gzip-compressed (*.jsonl.gz, …). When the source's
// format is set only files of that format (and its .gz) are read. Files
// whose name starts with a dot or ends in .tmp or .part are ignored.
//
// A file must be complete when it appears under its final name: writers
// write to NAME.tmp (or .NAME, or NAME.part) and rename it when done.
// A file that grows after it was first read is treated as a new file
// (its size and modification time are part of the cursor) and is read
// again from its start.
//
// # Cursor, Ack and crashes
//
// The cursor names the file being read and the position in its
// uncompressed (and, for GB18030 files, decoded) stream: the byte offset
// of the next record, the records and lines done, the detected encoding
// and, for CSV, the header. A Read returns at most 1000 records; the
// batch that finishes a file carries an Ack that moves it to done/ and a
// cursor that names no file but remembers the finished one. If the
// process dies after that cursor was stored but before the Ack ran, the
// next Read moves the file and emits nothing; if it dies before the
// cursor was stored, the last batch is read again with the same ids,
// which the pipeline deduplicates.
//
// # Bad records, bad files
//
// A record that cannot be turned into a Post is a Reject whose Index is
// its record number in the file, whose Line is its line in the file and
// whose Message starts with FILE:LINE. A file whose records are all bad
// is still done. A file that cannot be read at all (a corrupt gzip
// header, no CSV header row, a JSON file over 256 MiB, unreadable) is
// moved to failed/ with FILE.reason.txt beside it and reported as one
// Reject with code bad_file; a gzip stream that breaks in the middle
// first yields the records before the break. Other files go on.
//
// A file that is not valid UTF-8 but decodes cleanly as GB18030 (which
// includes GBK) is decoded; otherwise its bad records are rejected with
// invalid_utf8 as usual.
package filesrc
