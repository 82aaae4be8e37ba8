// Package statetest is the contract suite for state.Store. Every
// implementation (state/redisstate for distributed mode, where Redis holds
// what replicas share; state/localstate for embedded single-process mode)
// runs it from its own tests:
//
//	func TestContract(t *testing.T) {
//		statetest.Run(t, func(t *testing.T) state.Store { ... })
//	}
//
// The suite is the executable form of the semantics documented on
// state.Store. It exercises expiry with short real TTLs (a few hundred
// milliseconds) rather than a fake clock, because Redis expires keys on its
// own clock; assertions poll against deadlines so they hold on a loaded CI
// machine. Subtests run in parallel and each uses keys derived from its own
// t.Name(), so one backing store can serve them all.
package statetest
