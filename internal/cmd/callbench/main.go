// Command callbench pairs three SDK calls with the same calls written by
// hand with net/http and encoding/json (issue 19: create a text message,
// query a page of 100 channels, ban 100 users; internal/callpairs), on a
// loopback server in this process, in process (a RoundTripper that hands
// the request to the handler, no socket) and on a loopback server in a
// child process (the CPU measured is then the client's alone, as in a
// backend calling the API). SDK and raw take turns in every round; it prints
// the SDK/raw ratio of CPU per call of each run, then their medians and
// spreads (BENCHMARKS.md §1):
//
//	go run ./internal/cmd/callbench -runs 5
//	go run ./internal/cmd/callbench -runs 3 -rounds 2 -calls 20   # a check that it runs
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"github.com/chatadmin/chatadmin-go/internal/callpairs"
	"github.com/chatadmin/chatadmin-go/internal/paired"
)

func main() {
	callpairs.ServeChild() // the "server process" pairs' server is this program too
	runs := flag.Int("runs", 5, "runs; each gives one ratio per call")
	rounds := flag.Int("rounds", 5, "rounds per run; SDK and raw take turns in each")
	calls := flag.Int("calls", 0, "calls per client per round; 0: as many as take about 200 ms")
	only := flag.String("only", "", "run only the pairs whose name contains this")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "callbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*runs, *rounds, *calls, *only); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "callbench:", err)
		os.Exit(1)
	}
}

func run(runs, rounds, calls int, only string) error {
	fmt.Printf("callbench: %d runs × %d rounds × %d calls per client, %s, GOMAXPROCS=%d\n",
		runs, rounds, calls, runtime.Version(), runtime.GOMAXPROCS(0))
	type result struct {
		name string
		r    paired.Ratios
	}
	var results []result
	ctx := context.Background()
	for _, where := range callpairs.Wheres {
		for _, call := range callpairs.Calls {
			name := call + ", " + where
			if only != "" && !strings.Contains(name, only) {
				continue
			}
			p, err := callpairs.New(call, where)
			if err != nil {
				return err
			}
			fmt.Printf("\n%s\n", name)
			ratios, err := paired.Calls(os.Stdout, []paired.Variant{
				{Name: "raw", Call: func() error { return p.Raw(ctx) }},
				{Name: "sdk", Call: func() error { return p.SDK(ctx) }},
			}, runs, rounds, calls)
			p.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			results = append(results, result{name, ratios[0]})
		}
	}
	fmt.Println("\nSDK/raw, CPU per call of this process (the server's too, except for \"server process\"):")
	for _, r := range results {
		fmt.Printf("  %-38s %s\n", r.name, r.r)
	}
	return nil
}
