// Package bustest is the contract test suite that every bus.Bus
// implementation (bus/logbus, bus/kafkabus) must pass.
//
// The bus carries records between the pipeline stages (collectors -> raw
// topic -> analysis -> docs topic -> index) with at-least-once delivery: a
// stage commits its input only after its output is durable, and document
// ids make redeliveries idempotent. The suite checks the properties the
// stages rely on: per-key order, bounded and blocking fetches, committed
// offsets surviving a restart, redelivery of uncommitted messages, exactly
// one copy of every message under concurrent producers, cancellation, and
// independent consumer groups.
package bustest
