// Package paired is what the benchmark commands of internal/cmd (and of
// the otel module) share: per-run ratios of variants measured in the same
// run, in alternating order, summed up as a median and a spread, so that
// every figure in BENCHMARKS.md is one line of a command's output.
package paired

import (
	"fmt"
	"slices"
	"strings"
)

// Ratios are one ratio per run.
type Ratios []float64

// Median is the middle ratio (the mean of the two middle ones for an
// even count).
func (r Ratios) Median() float64 {
	if len(r) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(r))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// String is "1.02 (3 runs: 0.98 1.02 1.05; spread ±3.4 %)": the median,
// each run's ratio, and half the range as a share of the median.
func (r Ratios) String() string {
	if len(r) == 0 {
		return "no runs"
	}
	var b strings.Builder
	m := r.Median()
	fmt.Fprintf(&b, "%.3f (%d runs:", m, len(r))
	for _, v := range r {
		fmt.Fprintf(&b, " %.3f", v)
	}
	lo, hi := slices.Min(r), slices.Max(r)
	spread := 0.0
	if m != 0 {
		spread = (hi - lo) / 2 / m * 100
	}
	fmt.Fprintf(&b, "; spread ±%.1f %%)", spread)
	return b.String()
}

// Order returns the variants' order for run (or round) i: rotated by one
// each time, so that each variant goes first, and follows each other one,
// equally often over len(names) runs.
func Order[T any](variants []T, i int) []T {
	n := len(variants)
	out := make([]T, 0, n)
	for j := range n {
		out = append(out, variants[(i+j)%n])
	}
	return out
}
