package chatadmin

import (
	"context"
	"testing"
	"time"
)

// Iteration benchmarks (BENCHMARKS.md §4, command 4).

// BenchmarkIterateChannels100k sweeps 100,000 channels in pages of 100
// from a loopback server. Besides time and allocations per sweep it
// reports, from one more sweep outside the timer (measureSweep, which
// counts rather than times), the most pages alive at once (pages-alive:
// 1 plain, 2 with read-ahead), the highest live heap growth during the
// sweep (peak-KiB) and that figure in decoded pages (pages-held):
//
//	go test -run '^$' -bench IterateChannels100k -benchtime 1x -count 3 .
func BenchmarkIterateChannels100k(b *testing.B) {
	const total = 100_000
	srv := newChannelSweepServer(b, total, 0)
	for _, mode := range []struct {
		name string
		opts []RequestOption
	}{{"mode=plain", nil}, {"mode=readahead", []RequestOption{WithReadAhead()}}} {
		b.Run(mode.name, func(b *testing.B) {
			c := sweepClient(b, srv)
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, err := range c.Channels.All(context.Background(), &ChannelListOptions{Limit: 100}, mode.opts...) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != total {
					b.Fatalf("got %d channels", n)
				}
			}
			b.StopTimer()
			m := measureSweep(b, c, total, 100, 50, mode.opts...)
			b.ReportMetric(float64(m.alive), "pages-alive")
			b.ReportMetric(float64(m.peak)/1024, "peak-KiB")
			b.ReportMetric(m.pagesHeld(), "pages-held")
		})
	}
}

// BenchmarkReadAhead sweeps 50 pages of 100 channels from a server that
// takes 5 ms per page, with 5 ms of caller work per page (a sleep, as for
// a loop that writes each page somewhere). Without read-ahead the two add
// up; with it they overlap, so readahead/plain approaches 0.5.
func BenchmarkReadAhead(b *testing.B) {
	const (
		perPage = 100
		total   = 50 * perPage
		latency = 5 * time.Millisecond
		work    = 5 * time.Millisecond
	)
	srv := newChannelSweepServer(b, total, latency)
	for _, mode := range []struct {
		name string
		opts []RequestOption
	}{{"mode=plain", nil}, {"mode=readahead", []RequestOption{WithReadAhead()}}} {
		b.Run(mode.name, func(b *testing.B) {
			c := sweepClient(b, srv)
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for page, err := range c.Channels.Pages(context.Background(), &ChannelListOptions{Limit: perPage}, mode.opts...) {
					if err != nil {
						b.Fatal(err)
					}
					time.Sleep(work)
					n += len(page.Items)
				}
				if n != total {
					b.Fatalf("got %d channels", n)
				}
			}
		})
	}
}
