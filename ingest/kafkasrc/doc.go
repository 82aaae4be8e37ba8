// Package kafkasrc is the kafka source type: it reads another team's
// topic (a crawler's output, say) in yuqing's own consumer group and hands
// its records to the collect runner.
//
//	external topic ─▶ kafkasrc (group yuqing-source-NAME) ─▶ collect runner ─raw topic─▶ analysis
//
// Each message value is parsed with ingest.ParseFrom under the source's
// mapping, kind, region and labels. A value normally holds one JSON object;
// a value holding NDJSON (several objects, one a line) or a JSON array is
// accepted too and yields one record per object.
//
// The group's committed offsets are the source's cursor: Read ignores the
// runner's cursor and returns none, and a Batch's Ack commits its
// messages. Nothing is committed before Ack, so a crash between Read and
// Ack delivers the same messages again, and records get the same ids
// (given, from source+url, or from the content), which the index stores
// once. A group that has never committed starts at the oldest retained
// message: a new kafka source reads the topic's whole retained history
// first.
package kafkasrc
