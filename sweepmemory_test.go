package chatadmin

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heapAfterGC is the live heap once garbage is collected. Two cycles also
// empty sync.Pool's victim cache, so pooled buffers do not count.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// sweepMemory is what a channel sweep held at its fullest.
type sweepMemory struct {
	alive    int    // most pages alive at once, counted (weak pointers to their items)
	pageHeap uint64 // live heap of one decoded page
	peak     uint64 // highest live heap growth during the sweep
}

// pagesHeld is peak in pages.
func (m sweepMemory) pagesHeld() float64 { return float64(m.peak) / float64(m.pageHeap) }

// measureSweep sweeps total channels in pages of perPage, as Channels.Pages
// does (tokenPages over Channels.List), and every sampleEvery pages counts
// the pages still alive after GC and the live heap growth. Nothing is
// timed: with read-ahead, a sample first waits until the page after the one
// in hand has been fetched, so it sees the most the sweep holds (the page in
// hand and the one ahead, which the fetcher is handing over); without it,
// nothing is in flight while the loop body runs.
func measureSweep(tb testing.TB, c *Client, total, perPage, sampleEvery int, opts ...RequestOption) sweepMemory {
	tb.Helper()
	ctx := context.Background()
	var m sweepMemory
	// A first sweep, unmeasured: the live heap of a fresh process grows by
	// tens of bytes a call over its first thousand or so loopback calls,
	// hand-written net/http calls too (runtime and net/http caches), which
	// would read as a sweep that grows.
	var err error
	for _, err = range c.Channels.Pages(ctx, &ChannelListOptions{Limit: perPage}, opts...) {
		require.NoError(tb, err)
	}
	// One page's heap is the average of eight from the middle of the
	// sweep (ids grow longer further on, and so do the pages); one page
	// alone is within the few KiB the heap moves between samples.
	const ref = 8
	held := make([]*Page[ChannelResult], ref)
	for i := range held {
		token := strconv.Itoa(total/2+i*perPage) + "-" + strconv.Itoa(perPage)
		held[i], err = c.Channels.List(ctx, &ChannelListOptions{Token: token})
		require.NoError(tb, err)
	}
	with := heapAfterGC()
	runtime.KeepAlive(held)
	held = nil
	pages := (total + perPage - 1) / perPage
	refs := make([]weak.Pointer[ChannelResult], 0, pages) // one per page not yet seen collected
	landed := make(chan struct{}, pages)                  // one per page fetched
	list := func(ctx context.Context, o *ChannelListOptions) (*Page[ChannelResult], error) {
		p, err := c.Channels.List(ctx, o, opts...)
		if err == nil && len(p.Items) > 0 {
			refs = append(refs, weak.Make(&p.Items[0]))
			landed <- struct{}{}
		}
		return p, err
	}
	base := heapAfterGC()
	if with > base {
		m.pageHeap = (with - base) / ref
	}
	fetched, n := 0, 0
	for page, err := range tokenPages(ctx, &ChannelListOptions{Limit: perPage}, list, opts) {
		require.NoError(tb, err)
		n += len(page.Items)
		k := n / perPage // pages in hand so far
		if k%sampleEvery != 1 && page.Next != "" {
			continue
		}
		want := k
		if page.Next != "" && len(opts) > 0 {
			want++ // read-ahead: the next page is fetched while we hold this one
		}
		for ; fetched < want; fetched++ {
			<-landed
		}
		h := heapAfterGC()
		if h > base {
			m.peak = max(m.peak, h-base)
		}
		live := refs[:0]
		for _, r := range refs {
			if r.Value() != nil {
				live = append(live, r)
			}
		}
		clear(refs[len(live):])
		refs = live
		m.alive = max(m.alive, len(live))
		runtime.KeepAlive(page) // a loop body uses its page to the end
	}
	require.Equal(tb, total, n)
	return m
}

func TestSweepHoldsOnePagePlainTwoWithReadAhead(t *testing.T) {
	// A plain sweep holds the page in hand; read-ahead also the one fetched
	// ahead, because its hand-over is unbuffered. Counted, not timed: a
	// page kept by the sweep (a buffered hand-over, a reference to the
	// previous page) is still alive at the next sample.
	const total, perPage = 5_000, 100
	srv := newChannelSweepServer(t, total, 0)
	c := sweepClient(t, srv)
	for _, mode := range []struct {
		name  string
		opts  []RequestOption
		pages int
	}{{"plain", nil, 1}, {"readahead", []RequestOption{WithReadAhead()}, 2}} {
		m := measureSweep(t, c, total, perPage, 7, mode.opts...)
		t.Logf("%s: %d pages alive at most; one page %d KiB live, peak growth %d KiB (%.2f pages)",
			mode.name, m.alive, m.pageHeap>>10, m.peak>>10, m.pagesHeld())
		assert.Equal(t, mode.pages, m.alive, "%s: pages alive", mode.name)
		// The bytes too, coarsely: the live heap of a loopback client and
		// server moves by a few KiB between samples, a tenth of a page.
		// TestTokenGuardMemoryDoesNotGrow checks the sweep's own state.
		assert.Less(t, m.pagesHeld(), float64(mode.pages)+0.5, "%s: live heap in pages", mode.name)
	}
}

func TestTokenGuardMemoryDoesNotGrow(t *testing.T) {
	// Remembering every token cost about 50 bytes a page: 0.4 of a page of
	// 100 channels after 800 pages, 0.5 MiB after 10,000.
	g := newTokenGuard("")
	base := heapAfterGC()
	for i := range 10_000 {
		g.Follow(strconv.Itoa(i*100) + "-100")
	}
	grown := int64(heapAfterGC()) - int64(base)
	require.NoError(t, g.Stopped())
	// The map took 656,000 bytes; the bound leaves room for the heap's noise.
	assert.Less(t, grown, int64(16<<10), "the guard grew by %d bytes over 10,000 tokens", grown)
}

func TestTokenGuardStopsEveryCycle(t *testing.T) {
	// Tokens 0…tail-1 lead into a cycle of length cycle. The guard must
	// not stop before a token repeats, and must stop within three times
	// the tokens that reaching the cycle and going round it take; A→A and
	// A→B→A at the start of a sweep stop at the first repeat.
	for _, tail := range []int{0, 1, 5, 50, 700} {
		for _, cycle := range []int{1, 2, 3, 7, 64, 1000} {
			g := newTokenGuard("start")
			token := func(i int) string {
				if i >= tail {
					i = tail + (i-tail)%cycle
				}
				return "t" + strconv.Itoa(i)
			}
			firstRepeat := tail + cycle // index of the first token seen before
			i := 0
			for ; g.Stopped() == nil && i < 3*(tail+cycle)+2; i++ {
				g.Follow(token(i))
			}
			require.Error(t, g.Stopped(), "tail %d, cycle %d: not stopped after %d tokens", tail, cycle, i)
			assert.ErrorIs(t, g.Stopped(), ErrUnexpectedResponse)
			assert.GreaterOrEqual(t, i-1, firstRepeat, "tail %d, cycle %d: stopped before a token repeated", tail, cycle)
			if cycle <= 2 && tail == 0 {
				assert.Equal(t, firstRepeat, i-1, "tail %d, cycle %d: a short cycle stops at its first repeat", tail, cycle)
			}
		}
	}
}
