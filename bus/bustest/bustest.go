package bustest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing-dev/yuqing/bus"
)

// Run runs the contract suite. open must return a Bus on the same
// underlying storage or cluster every time it is called, so that reopening
// after Close can be tested; the suite closes every Bus it opens before
// opening the next one on a subtest's topics. Subtests use their own topic
// and group names and do not run in parallel.
func Run(t *testing.T, open func(t *testing.T) bus.Bus) {
	t.Run("OrderPerKey", func(t *testing.T) { testOrderPerKey(t, open) })
	t.Run("FetchMaxAndWait", func(t *testing.T) { testFetchMaxAndWait(t, open) })
	t.Run("FetchBlocksUntilProduce", func(t *testing.T) { testFetchBlocks(t, open) })
	t.Run("CommitSurvivesReopen", func(t *testing.T) { testCommitSurvivesReopen(t, open) })
	t.Run("CommitAllThenNothingLeft", func(t *testing.T) { testCommitAll(t, open) })
	t.Run("ConcurrentProducers", func(t *testing.T) { testConcurrentProducers(t, open) })
	t.Run("CancelUnblocksFetch", func(t *testing.T) { testCancel(t, open) })
	t.Run("CloseUnblocksFetch", func(t *testing.T) { testCloseConsumer(t, open) })
	t.Run("TwoGroups", func(t *testing.T) { testTwoGroups(t, open) })
	t.Run("ClosedBus", func(t *testing.T) { testClosedBus(t, open) })
}

// seqOf parses the number after the last '-' of a value.
func seqOf(v string) int {
	n, err := strconv.Atoi(v[strings.LastIndexByte(v, '-')+1:])
	if err != nil {
		panic(fmt.Sprintf("bustest: value %q has no sequence number", v))
	}
	return n
}

func testOrderPerKey(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	stamp := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var want []string
	var batch []bus.Message
	for i := range 50 {
		for _, k := range []string{"a", "b", "c"} {
			m := msg(topic, k, fmt.Sprintf("%s-%d", k, i))
			if k == "c" {
				m.Time = stamp
			}
			want = append(want, string(m.Value))
			batch = append(batch, m)
		}
		if i%7 == 6 { // mix single and multi-message calls
			produce(t, b, batch...)
			batch = batch[:0]
		} else if i%2 == 0 {
			for _, m := range batch {
				produce(t, b, m)
			}
			batch = batch[:0]
		}
	}
	produce(t, b, batch...)

	c := consumer(t, b, group, topic)
	got := fetchN(t, c, len(want))
	checkSet(t, got, want)
	checkOrder(t, got, seqOf)
	for _, m := range got {
		if m.Topic != topic {
			t.Fatalf("message %q has Topic %q, want %q", m.Value, m.Topic, topic)
		}
		if k := string(m.Value[:1]); string(m.Key) != k {
			t.Fatalf("message %q has Key %q, want %q", m.Value, m.Key, k)
		}
		if string(m.Key) == "c" && !m.Time.Equal(stamp) {
			t.Fatalf("message %q has Time %v, want the produced %v", m.Value, m.Time, stamp)
		}
		if string(m.Key) != "c" && time.Since(m.Time).Abs() > time.Minute {
			t.Fatalf("message %q produced without Time has Time %v, want about now", m.Value, m.Time)
		}
	}
}

func testFetchMaxAndWait(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	var all []bus.Message
	for i := range 5 {
		all = append(all, msg(topic, fmt.Sprintf("k%d", i%2), fmt.Sprintf("v-%d", i)))
	}
	produce(t, b, all...)
	c := consumer(t, b, group, topic)
	ctx := ctxFor(t)

	first, err := c.Fetch(ctx, 3, 5*time.Second)
	if err != nil {
		t.Fatalf("Fetch(max 3): %v", err)
	}
	if len(first) != 3 {
		t.Fatalf("Fetch(max 3) with 5 available returned %d messages", len(first))
	}

	const wait = 300 * time.Millisecond
	start := time.Now()
	rest, err := c.Fetch(ctx, 10, wait)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Fetch(max 10): %v", err)
	}
	if len(rest) != 2 {
		t.Fatalf("Fetch(max 10) with 2 left returned %d messages: %v", len(rest), values(rest))
	}
	if elapsed < wait-20*time.Millisecond || elapsed > wait+3*time.Second {
		t.Fatalf("Fetch(max 10, wait %v) with fewer available returned after %v", wait, elapsed)
	}
	checkSet(t, append(first, rest...), values(all))

	produce(t, b, msg(topic, "k0", "v-5"))
	start = time.Now()
	one, err := c.Fetch(ctx, 10, 0)
	if err != nil || len(one) != 1 || string(one[0].Value) != "v-5" {
		t.Fatalf("Fetch(wait 0) = %v, %v; want [v-5]", values(one), err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Fetch(wait 0) with a message available took %v", d)
	}
}

func testFetchBlocks(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)
	ctx := ctxFor(t)
	type result struct {
		msgs []bus.Message
		err  error
	}
	for i := range 12 {
		res := make(chan result, 1)
		go func() {
			msgs, err := c.Fetch(ctx, 1, 0)
			res <- result{msgs, err}
		}()
		switch {
		case i == 0:
			// The first fetch must block until something is produced.
			select {
			case r := <-res:
				t.Fatalf("Fetch on an empty topic returned %v, %v", values(r.msgs), r.err)
			case <-time.After(200 * time.Millisecond):
			}
		case i%3 == 1:
			time.Sleep(20 * time.Millisecond) // let Fetch park
		}
		want := fmt.Sprintf("v-%d", i)
		produce(t, b, msg(topic, "k", want))
		select {
		case r := <-res:
			if r.err != nil || len(r.msgs) != 1 || string(r.msgs[0].Value) != want {
				t.Fatalf("round %d: Fetch = %v, %v; want [%s]", i, values(r.msgs), r.err, want)
			}
		case <-time.After(opTimeout):
			t.Fatalf("round %d: Fetch did not return after Produce (lost wakeup?)", i)
		}
	}
}

func testCommitSurvivesReopen(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	var want []string
	{
		b := openBus(t, open, topic)
		var msgs []bus.Message
		for i := range 10 {
			m := msg(topic, fmt.Sprintf("k%d", i%3), fmt.Sprintf("v-%d", i))
			msgs = append(msgs, m)
			want = append(want, string(m.Value))
		}
		produce(t, b, msgs...)
		c := consumer(t, b, group, topic)
		got := fetchN(t, c, 10)
		checkSet(t, got, want)
		if err := c.Commit(ctxFor(t), got[:4]...); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		// Committing an older message must not move the commit back.
		if err := c.Commit(ctxFor(t), got[0]); err != nil {
			t.Fatalf("Commit of an older message: %v", err)
		}
		want = values(got[4:])
		if err := c.Close(); err != nil {
			t.Fatalf("closing consumer: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Fatalf("closing bus: %v", err)
		}
	}
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)
	got := fetchN(t, c, len(want))
	checkSet(t, got, want) // uncommitted messages come again, committed ones do not
	checkOrder(t, got, seqOf)
	expectNone(t, c, 500*time.Millisecond)
}

func testCommitAll(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	{
		b := openBus(t, open, topic)
		var msgs []bus.Message
		for i := range 20 {
			msgs = append(msgs, msg(topic, fmt.Sprintf("k%d", i%4), fmt.Sprintf("v-%d", i)))
		}
		produce(t, b, msgs...)
		c := consumer(t, b, group, topic)
		got := fetchN(t, c, 20)
		if lag := c.Lag(); lag != 20 && lag != -1 {
			t.Fatalf("Lag before commit = %d, want 20 (or -1 for unknown)", lag)
		}
		if err := c.Commit(ctxFor(t), got...); err != nil {
			t.Fatalf("Commit: %v", err)
		}
		if lag := c.Lag(); lag != 0 && lag != -1 {
			t.Fatalf("Lag after committing everything = %d, want 0 (or -1 for unknown)", lag)
		}
		if err := c.Close(); err != nil {
			t.Fatalf("closing consumer: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Fatalf("closing bus: %v", err)
		}
	}
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)
	// A message produced now proves the consumer is reading; anything
	// redelivered would be at the committed positions, fetched no later.
	produce(t, b, msg(topic, "k0", "after-20"))
	got := fetchN(t, c, 1)
	if string(got[0].Value) != "after-20" {
		t.Fatalf("after committing everything and reopening, got %q, want only the newly produced message", got[0].Value)
	}
	expectNone(t, c, 500*time.Millisecond)
}

func testConcurrentProducers(t *testing.T, open func(*testing.T) bus.Bus) {
	const producers, each = 8, 500
	topic, group := names(t)
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make(chan error, producers)
	var want []string
	for p := range producers {
		for i := range each {
			want = append(want, fmt.Sprintf("p%d-%d", p, i))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("p%d", p)
			for i := range each {
				if err := b.Produce(ctx, msg(topic, key, fmt.Sprintf("%s-%d", key, i))); err != nil {
					errs <- fmt.Errorf("producer %d message %d: %w", p, i, err)
					return
				}
			}
		}()
	}
	// Consume while producing.
	got := fetchN(t, c, producers*each)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkSet(t, got, want)
	checkOrder(t, got, seqOf)
	expectNone(t, c, 300*time.Millisecond)
}

func testCancel(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	msgs, err := c.Fetch(ctx, 10, time.Second)
	if !errors.Is(err, context.Canceled) || len(msgs) != 0 {
		t.Fatalf("Fetch with a cancelled ctx = %v, %v; want context.Canceled", values(msgs), err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Fetch took %v to notice cancellation", d)
	}

	dctx, dcancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer dcancel()
	if msgs, err := c.Fetch(dctx, 10, time.Second); !errors.Is(err, context.DeadlineExceeded) || len(msgs) != 0 {
		t.Fatalf("Fetch past its deadline = %v, %v; want context.DeadlineExceeded", values(msgs), err)
	}

	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	if err := b.Produce(cctx, msg(topic, "k", "never")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Produce with a cancelled ctx = %v, want context.Canceled", err)
	}

	// The consumer still works after cancelled fetches.
	produce(t, b, msg(topic, "k", "v-0"))
	got := fetchN(t, c, 1)
	if string(got[0].Value) != "v-0" {
		t.Fatalf("after cancelled fetches got %q, want v-0", got[0].Value)
	}
}

func testCloseConsumer(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	c := consumer(t, b, group, topic)
	ctx := ctxFor(t)
	res := make(chan error, 1)
	go func() {
		_, err := c.Fetch(ctx, 10, 0)
		res <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-res:
		if !errors.Is(err, bus.ErrClosed) {
			t.Fatalf("Fetch blocked during Close returned %v, want bus.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not unblock Fetch")
	}
	if _, err := c.Fetch(ctxFor(t), 10, 0); !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("Fetch after Close = %v, want bus.ErrClosed", err)
	}
}

func testTwoGroups(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, group := names(t)
	b := openBus(t, open, topic)
	var msgs []bus.Message
	for i := range 30 {
		msgs = append(msgs, msg(topic, fmt.Sprintf("k%d", i%5), fmt.Sprintf("v-%d", i)))
	}
	produce(t, b, msgs...)
	c1 := consumer(t, b, group+".one", topic)
	c2 := consumer(t, b, group+".two", topic)
	got1 := fetchN(t, c1, 30)
	if err := c1.Commit(ctxFor(t), got1...); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	got2 := fetchN(t, c2, 30) // unaffected by the other group's commit
	checkSet(t, got1, values(msgs))
	checkSet(t, got2, values(msgs))
	checkOrder(t, got1, seqOf)
	checkOrder(t, got2, seqOf)
}

func testClosedBus(t *testing.T, open func(*testing.T) bus.Bus) {
	topic, _ := names(t)
	b := openBus(t, open, topic)
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Bus.Produce(ctxFor(t), msg(topic, "k", "v")); !errors.Is(err, bus.ErrClosed) {
		t.Fatalf("Produce after Close = %v, want bus.ErrClosed", err)
	}
}
