package bulk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chatadmin/chatadmin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ids(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "u" + strconv.Itoa(i)
	}
	return s
}

func TestConcurrencyBoundIsReachedAndNotExceeded(t *testing.T) {
	const conc = 5
	var inflight, peak atomic.Int64
	gate := make(chan struct{})
	var once sync.Once
	job := &Job[string]{Concurrency: conc, Do: func(ctx context.Context, _ []string) error {
		n := inflight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if n == conc {
			once.Do(func() { close(gate) }) // only a runner that reaches the bound gets past here
		}
		<-gate
		inflight.Add(-1)
		return nil
	}}
	sum, err := job.Run(context.Background(), Slice(ids(200)))
	require.NoError(t, err)
	assert.EqualValues(t, 200, sum.Done)
	assert.EqualValues(t, conc, peak.Load())
}

func TestChunksAreSizedAndCoverEveryItemOnce(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	seen := map[string]int{}
	job := &Job[string]{ChunkSize: chatadmin.MaxUserIDs, Concurrency: 3, Do: func(ctx context.Context, c []string) error {
		mu.Lock()
		defer mu.Unlock()
		sizes = append(sizes, len(c))
		for _, id := range c {
			seen[id]++
		}
		return nil
	}}
	sum, err := job.Run(context.Background(), Slice(ids(250)))
	require.NoError(t, err)
	slices.Sort(sizes)
	assert.Equal(t, []int{50, 100, 100}, sizes)
	assert.Len(t, seen, 250)
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
	assert.EqualValues(t, 250, sum.Done)
}

func TestResultClasses(t *testing.T) {
	boom := errors.New("boom")
	job := &Job[string]{Collect: true, Do: func(ctx context.Context, c []string) error {
		switch c[0][0] {
		case 'f':
			return boom
		case 'u':
			return fmt.Errorf("lost: %w", chatadmin.ErrOutcomeUnknown)
		}
		return nil
	}}
	var got []Result[string]
	job.OnResult = func(r Result[string]) { got = append(got, r) }
	sum, err := job.Run(context.Background(), Slice([]string{"d1", "f1", "u1", "d2", "u2"}))
	require.NoError(t, err)
	assert.EqualValues(t, 2, sum.Done)
	assert.EqualValues(t, 1, sum.Failed)
	assert.EqualValues(t, 2, sum.Unknown)
	assert.ElementsMatch(t, []string{"u1", "u2"}, sum.UnknownKeys)
	require.Len(t, got, 5)
	assert.ElementsMatch(t, got, sum.Results)
	for _, r := range got {
		switch r.Key[0] {
		case 'd':
			assert.Equal(t, Done, r.Status)
			assert.NoError(t, r.Err)
		case 'f':
			assert.Equal(t, Failed, r.Status)
			assert.ErrorIs(t, r.Err, boom)
		case 'u':
			assert.Equal(t, Unknown, r.Status)
			assert.ErrorIs(t, r.Err, chatadmin.ErrOutcomeUnknown)
		}
		assert.Equal(t, r.Key, r.Item)
		assert.False(t, r.FromJournal)
	}
}

func TestProgressAfterEveryItem(t *testing.T) {
	var ps []Progress
	job := &Job[string]{Concurrency: 2, ChunkSize: 3, OnProgress: func(p Progress) { ps = append(ps, p) },
		Do: func(ctx context.Context, c []string) error {
			if c[0] == "u0" {
				return errors.New("no")
			}
			return nil
		}}
	_, err := job.Run(context.Background(), Slice(ids(10)))
	require.NoError(t, err)
	require.Len(t, ps, 10)
	for i, p := range ps {
		assert.EqualValues(t, i+1, p.Done+p.Failed+p.Unknown)
		assert.EqualValues(t, 10, p.Total)
		assert.Positive(t, p.Rate)
	}
	last := ps[9]
	assert.EqualValues(t, 7, last.Done)
	assert.EqualValues(t, 3, last.Failed)
	assert.Zero(t, last.ETA)

	ps = nil
	_, err = job.Run(context.Background(), Lines(strings.NewReader("a\nb\n")))
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.EqualValues(t, -1, ps[1].Total)
	assert.EqualValues(t, -1, ps[1].ETA)
}

func TestProgressDoesNotAllocate(t *testing.T) {
	s := &Summary[string]{Total: 100, Done: 40}
	var sink Progress
	allocs := testing.AllocsPerRun(100, func() { sink = s.progress(1e9) })
	assert.Zero(t, allocs)
	assert.EqualValues(t, 40, sink.Rate)
}

func TestNonStringItemsNeedAKey(t *testing.T) {
	job := &Job[int]{Do: func(context.Context, []int) error { return nil }}
	_, err := job.Run(context.Background(), Slice([]int{1}))
	require.ErrorContains(t, err, "Key is nil")
	job.Key = strconv.Itoa
	sum, err := job.Run(context.Background(), Slice([]int{1, 2}))
	require.NoError(t, err)
	assert.EqualValues(t, 2, sum.Done)
}

func TestItemsErrorStopsTheJob(t *testing.T) {
	boom := errors.New("page 3 failed")
	seq := func(yield func(string, error) bool) {
		for i := range 5 {
			if !yield(strconv.Itoa(i), nil) {
				return
			}
		}
		if yield("", boom) {
			t.Error("the runner asked for more after the iterator's error")
		}
	}
	var n atomic.Int64
	sum, err := (&Job[string]{Do: func(context.Context, []string) error { n.Add(1); return nil }}).Run(context.Background(), Seq2(seq))
	require.ErrorIs(t, err, boom)
	assert.EqualValues(t, 5, sum.Done, "the items before the error still run")
	assert.EqualValues(t, 5, n.Load())
}

func TestCancelDrainsInFlightAndStartsNothingNew(t *testing.T) {
	const conc = 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var started atomic.Int64
	var entered sync.WaitGroup
	entered.Add(conc)
	job := &Job[string]{Concurrency: conc, Collect: true, Do: func(ctx context.Context, c []string) error {
		if started.Add(1) <= conc {
			entered.Done()
		}
		<-ctx.Done()
		// What the SDK answers for an unsafe call cancelled after sending.
		return fmt.Errorf("%w: %w", chatadmin.ErrOutcomeUnknown, ctx.Err())
	}}
	go func() { entered.Wait(); cancel() }()
	sum, err := job.Run(ctx, Slice(ids(1000)))
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, conc, started.Load(), "no item starts after the cancel")
	assert.EqualValues(t, conc, sum.Unknown, "the items in flight are reported")
	assert.Len(t, sum.Results, conc)
}

func TestGraceLetsInFlightCallsFinish(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	entered := make(chan struct{})
	job := &Job[string]{Concurrency: 1, Grace: DefaultJournalSyncInterval * 1000, Do: func(opCtx context.Context, c []string) error {
		close(entered)
		<-ctx.Done()
		return opCtx.Err() // still alive: the grace has not run out
	}}
	go func() { <-entered; cancel() }()
	sum, err := job.Run(ctx, Slice(ids(5)))
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, sum.Done)
}

func TestLines(t *testing.T) {
	in := "  a \r\n\n\t\nb\nc  "
	var got []string
	for s, err := range Lines(strings.NewReader(in)).seq {
		require.NoError(t, err)
		got = append(got, s)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got)

	long := "ok\n" + strings.Repeat("x", MaxLineBytes+1) + "\nnever\n"
	var errs []error
	got = nil
	for s, err := range Lines(strings.NewReader(long)).seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, s)
	}
	assert.Equal(t, []string{"ok"}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrLineTooLong)
	assert.ErrorContains(t, errs[0], "line 2")

	// Exactly MaxLineBytes after trimming is accepted, with CRLF.
	ok := strings.Repeat("y", MaxLineBytes) + "\r\n"
	for s, err := range Lines(strings.NewReader(ok)).seq {
		require.NoError(t, err)
		assert.Len(t, s, MaxLineBytes)
	}
}
