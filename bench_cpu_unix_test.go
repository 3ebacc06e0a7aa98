//go:build unix

package chatadmin

import (
	"syscall"
	"testing"
)

// reportCPU returns a func that, deferred in a benchmark, reports the
// process's CPU time per op (user and system, client and loopback server
// together) as cpu-ns/op. Unlike ns/op it does not count the time other
// processes on a shared machine hold the CPU, so SDK/raw ratios can be
// read on a busy machine (BENCHMARKS.md).
func reportCPU(b *testing.B) func() {
	start := cpuNanos()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
