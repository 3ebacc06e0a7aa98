//go:build unix

package paired

import (
	"syscall"
	"time"
)

// CPU is the CPU time this process has used, user and system, all
// goroutines (a loopback server in the process included). Unlike wall
// time it does not count the time other processes hold the CPU, so ratios
// of it can be read on a shared machine.
func CPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
