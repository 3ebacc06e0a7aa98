package paired

import (
	"fmt"
	"io"
	"time"
)

// Variant is one way of doing the same call.
type Variant struct {
	Name string
	Call func() error
}

// Cost is what a variant took per call in one run.
type Cost struct {
	Wall, CPU time.Duration
}

// Chunk is how long a variant's turn in a round takes when Calls picks
// the number of calls. The garbage collector's work lands on whichever
// variant runs when a cycle starts, so a turn must span several cycles for
// each variant to pay for its own garbage: turns of a few hundred
// microseconds gave ratios spread by ±15 %.
const Chunk = 200 * time.Millisecond

// Calls measures variants against the first one, the baseline. Each of
// runs is rounds rounds; each round makes calls calls with every variant,
// in rotated order, so that drift in the machine's load reaches every
// variant alike. calls 0 picks the number that takes the baseline about
// Chunk. It prints each run's cost per call and ratios to w and returns,
// per variant after the baseline, the per-run ratios of CPU per call
// (wall time where CPU time is unavailable).
func Calls(w io.Writer, variants []Variant, runs, rounds, calls int) ([]Ratios, error) {
	idx := make(map[string]int, len(variants))
	for i, v := range variants {
		idx[v.Name] = i
		for range 10 { // warm up: connections, pools, caches
			if err := v.Call(); err != nil {
				return nil, fmt.Errorf("%s: %w", v.Name, err)
			}
		}
	}
	if calls <= 0 {
		const probe = 20
		t0 := time.Now()
		for range probe {
			if err := variants[0].Call(); err != nil {
				return nil, fmt.Errorf("%s: %w", variants[0].Name, err)
			}
		}
		calls = max(10, int(Chunk*probe/max(time.Since(t0), 1)))
		fmt.Fprintf(w, "%d calls per variant per round\n", calls)
	}
	ratios := make([]Ratios, len(variants)-1)
	for run := range runs {
		costs := make([]Cost, len(variants))
		for round := range rounds {
			for _, v := range Order(variants, run*rounds+round) {
				cpu0, t0 := CPU(), time.Now()
				for range calls {
					if err := v.Call(); err != nil {
						return nil, fmt.Errorf("%s: %w", v.Name, err)
					}
				}
				c := &costs[idx[v.Name]]
				c.Wall += time.Since(t0)
				c.CPU += CPU() - cpu0
			}
		}
		n := time.Duration(rounds * calls)
		fmt.Fprintf(w, "run %d:", run+1)
		for i, v := range variants {
			c := Cost{costs[i].Wall / n, costs[i].CPU / n}
			fmt.Fprintf(w, "  %s %v cpu/call, %v wall/call", v.Name, c.CPU, c.Wall)
			if i > 0 {
				r := ratio(costs[i], costs[0])
				ratios[i-1] = append(ratios[i-1], r)
				fmt.Fprintf(w, " (%.3f)", r)
			}
		}
		fmt.Fprintln(w)
	}
	return ratios, nil
}

// ratio is a's CPU over b's, or the wall times' where CPU time is missing.
func ratio(a, b Cost) float64 {
	if a.CPU > 0 && b.CPU > 0 {
		return float64(a.CPU) / float64(b.CPU)
	}
	return float64(a.Wall) / float64(b.Wall)
}
