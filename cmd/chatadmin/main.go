// Command chatadmin is an operator's command line over the chatadmin SDK:
// every Admin API operation as `chatadmin <service> <verb>`, bulk jobs with
// progress and resume, dry runs that print curl commands, and the local
// emulator. Run `chatadmin help` for the commands and `chatadmin help
// exit-codes` for what its exit status means.
//
//	go install github.com/chatadmin/chatadmin-go/cmd/chatadmin@latest
package main

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"
)

func main() { os.Exit(Main()) }

// Main runs the command with the process's arguments and streams and
// returns the exit code. The first SIGINT or SIGTERM cancels the command's
// context (bulk jobs drain what is in flight and sync their journal); a
// second one kills the process the default way.
func Main() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interrupted atomic.Bool
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; ok {
			interrupted.Store(true)
			signal.Stop(sigs) // the next one is not caught
			cancel()
		}
	}()
	a := &app{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stderrFd:  int(os.Stderr.Fd()),
		getenv:    os.Getenv,
	}
	code := a.execute(ctx, os.Args[1:])
	signal.Stop(sigs)
	close(sigs)
	if interrupted.Load() && code != exitOK {
		return exitInterrupted
	}
	return code
}
