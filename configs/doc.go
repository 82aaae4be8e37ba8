// Package configs loads and validates yuqing's YAML configuration.
//
// The YAML files beside this package document the two ways to run:
// yuqing.yaml is the embedded single-machine default (what `yuqing serve`
// uses with no config), distributed.yaml runs the stages on Kafka + Redis.
//
// Loading is strict: defaults are filled in first, the file is decoded over
// them with unknown keys refused (the error names the key and its line),
// and the result is validated as a whole before anything starts, every
// problem named by its field path.
package configs
