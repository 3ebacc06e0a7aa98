//go:build !linux

package main

import "github.com/rogpeppe/go-internal/testscript"

// cmdPTY needs Linux's /dev/ptmx; the scripts skip it elsewhere.
func cmdPTY(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("pty: Linux only")
}
