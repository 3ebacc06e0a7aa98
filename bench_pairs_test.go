package chatadmin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/callpairs"
)

// BenchmarkCallPairs is issue 19's SDK/raw comparison as benchmarks, for
// benchstat: create a text message, query 100 channels and ban 100 users,
// on loopback and in process, each as the SDK call and the same call by
// hand (internal/callpairs, public API only). go test's -count repeats
// each sub-benchmark back to back, so the loop below alternates the
// clients instead, one run of every pair per pass:
//
//	go test -c -o pairs.test . && for i in 1 2 3 4 5 6; do
//	  ./pairs.test -test.run '^$' -test.bench CallPairs -test.benchmem; done > pairs.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /client pairs.txt
//
// go run ./internal/cmd/callbench prints the same ratios, interleaved
// within each run.
func BenchmarkCallPairs(b *testing.B) {
	for _, where := range callpairs.Wheres[:2] { // callbench alone runs the server in a child process
		for _, call := range callpairs.Calls {
			p, err := callpairs.New(call, where)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(p.Close)
			for _, client := range []struct {
				name string
				call func(context.Context) error
			}{{"raw", p.Raw}, {"sdk", p.SDK}} {
				name := "call=" + strings.ReplaceAll(call, " ", "-") + "/where=" + where + "/client=" + client.name
				b.Run(name, func(b *testing.B) {
					ctx := context.Background()
					b.ReportAllocs()
					for b.Loop() {
						if err := client.call(ctx); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
