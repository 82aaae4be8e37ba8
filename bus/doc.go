// Package bus defines the transport that carries records between the stages
// of the yuqing pipeline.
//
// The pipeline is
//
//	collectors -> raw topic -> analysis -> docs topic -> index
//
// Collectors produce raw items to the raw topic; the analysis stage consumes
// them and produces analysed documents to the docs topic; the index stage
// consumes those and writes the search index. The bus is the only thing the
// stages share: each stage is a consumer group on its input topic and a
// producer on its output topic.
//
// Delivery is at-least-once end to end. A stage commits its input offsets
// only after its output is durable (Produce returned nil, or the index write
// was flushed), so a crash anywhere replays uncommitted input rather than
// losing it. Replays produce duplicates; every record's Key is its document
// id, and every stage writes by id, which makes the duplicates idempotent.
//
// Two implementations exist:
//
//   - bus/logbus: the embedded mode, a durable append-only log per topic in
//     a local directory, for a single-process deployment.
//   - bus/kafkabus: the distributed mode, Kafka via segmentio/kafka-go.
//
// bus/bustest holds the contract test suite both must pass.
package bus
