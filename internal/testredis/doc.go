// Package testredis starts a throwaway redis-server for tests.
//
// It serves the tests of state/redisstate (distributed mode, where Redis
// holds what pipeline replicas share) and of anything else that needs a real
// Redis. Each call to Start runs a private server on a free loopback port
// with persistence off and its working directory in t.TempDir(), and stops it
// when the test ends. It never connects to a server it did not start, so it
// cannot touch a developer's or CI's real Redis.
//
// A missing redis-server binary fails the test (it is not skipped): install
// it with `apt-get install redis-server`.
package testredis
