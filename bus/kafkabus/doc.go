// Package kafkabus is the distributed-mode bus: bus.Bus on Apache Kafka
// through github.com/segmentio/kafka-go.
//
// It sits between the pipeline stages (collectors -> raw topic -> analysis
// -> docs topic -> index) when they run as separate processes. Messages are
// partitioned by Key (the document id) with kafka.Hash, so every version of
// a document lands in the same partition and is consumed in order.
//
// Produce waits for acks from all in-sync replicas. Consumers are kafka-go
// group readers that commit synchronously, and only when the stage calls
// Commit, which a stage does once its output is durable: delivery is
// at-least-once end to end, and document ids make redeliveries idempotent.
//
// Topics are never created implicitly: call EnsureTopics (with the
// configured partitions and replication factor) before producing.
package kafkabus
