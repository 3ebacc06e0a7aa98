//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package bulk

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock on f without waiting. It reports false
// when another open file holds the lock. The kernel drops the lock when
// the holder's file is closed or its process dies, so a crashed run never
// blocks the next one.
func lockFile(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}
