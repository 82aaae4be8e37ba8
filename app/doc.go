// Package app wires yuqing's stages into one running server: it opens the
// bus (embedded log or Kafka), the shared state (local file or Redis), the
// segmenter and the index, runs the analysis and index stages as consumer
// groups, and serves the HTTP API. cmd/yuqing builds an App from the config
// and runs it until its context is cancelled; cleanups run in reverse order
// of opening.
//
//	ingest API ─raw─▶ analyze stage ─docs─▶ index stage ─▶ bleve
//
// Each stage commits its input offsets only after its output is durable
// (produced, or persisted in the index), so a crash at any point loses
// nothing that was acknowledged; redelivered records overwrite themselves
// by id.
package app
