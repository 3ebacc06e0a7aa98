package bulk

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// idReader produces n lines "user0000000\n" … without holding them.
type idReader struct {
	i, n int
	line []byte
}

func (r *idReader) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) {
		if len(r.line) == 0 {
			if r.i == r.n {
				break
			}
			r.line = fmt.Appendf(r.line[:0], "user%07d\n", r.i)
			r.i++
		}
		c := copy(p[w:], r.line)
		w += c
		r.line = r.line[c:]
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

func noop(context.Context, []string) error { return nil }

// BenchmarkRunnerOverhead is the runner's cost per item around an
// operation that does nothing: ns/op is per item.
func BenchmarkRunnerOverhead(b *testing.B) {
	for _, tc := range []struct {
		name    string
		journal bool
		safe    bool
	}{{"no-journal", false, true}, {"journal-idempotent", true, true}, {"journal-unsafe", true, false}} {
		b.Run(tc.name, func(b *testing.B) {
			job := &Job[string]{Name: "bench", Idempotent: tc.safe, Concurrency: 8, Do: noop}
			if tc.journal {
				job.Journal = filepath.Join(b.TempDir(), "j.jsonl")
			}
			items := make([]string, b.N)
			for i := range items {
				items[i] = "user" + strconv.Itoa(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			sum, err := job.Run(context.Background(), Slice(items))
			if err != nil || sum.Done != int64(b.N) {
				b.Fatal(sum, err)
			}
		})
	}
}

// BenchmarkStreamMemory streams n ids from a reader through a job and
// reports the peak live heap above the starting point (sampled every 1,000
// items, after a GC): it must not grow with n.
func BenchmarkStreamMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var peak uint64
			for range b.N {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				var seen int
				job := &Job[string]{Concurrency: 8, Do: noop, OnProgress: func(p Progress) {
					if seen++; seen%1000 == 0 {
						runtime.GC()
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
							peak = ms.HeapAlloc - base
						}
					}
				}}
				sum, err := job.Run(context.Background(), Lines(&idReader{n: n}))
				if err != nil || sum.Done != int64(n) {
					b.Fatal(sum, err)
				}
			}
			b.ReportMetric(float64(peak)/1024, "peak-heap-KiB")
		})
	}
}
