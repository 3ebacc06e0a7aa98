// Command ratebench measures how close the SDK's calls get to a tenant rate
// limit, and how many are throttled, with and without the adaptive limiter
// (BENCHMARKS.md, "Rate limiting"):
//
//	go run ./internal/cmd/ratebench -limiter adaptive   # 10,000 bans at 200 rps
//	go run ./internal/cmd/ratebench -limiter none
//	go run ./internal/cmd/ratebench -limiter adaptive -procs 4
//
// It starts the emulator limited to -rate (burst -burst), gives it the
// users, and bans them with -workers concurrent calls per process, from
// -procs processes (it starts itself). It prints the achieved rate of
// successful calls and the share of throttled attempts, over the whole run
// and after the warmup; with -procs above 1 also each process's successes
// and their spread (largest over smallest), over both spans. The shared Redis limiter lives in its own module:
// redislimit/internal/cmd/ratebench is this command with -limiter redis.
package main

import (
	"os"

	"github.com/chatadmin/chatadmin-go/internal/ratebench"
)

func main() {
	os.Exit(ratebench.Main(os.Args[1:], os.Stdout, os.Stderr, ratebench.Modes, nil))
}
