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
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"
)

func main() { os.Exit(Main()) }

// Main runs the command with the process's arguments and streams and
// returns the exit code. The first SIGINT or SIGTERM is acknowledged on
// stderr at once and cancels the command's context: bulk jobs send nothing
// more, let the requests already sent finish and sync their journal. A
// second one stops now (a bulk job cuts its requests in flight and records
// them unknown); a third kills the process the default way.
func Main() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	abort := make(chan struct{})
	ctx = context.WithValue(ctx, abortKey{}, (<-chan struct{})(abort))
	var interrupted atomic.Bool
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		interrupted.Store(true)
		fmt.Fprintln(os.Stderr, "\nchatadmin: stopping: nothing more is sent; waiting for the requests in flight (Ctrl-C again to stop now)")
		cancel()
		if _, ok := <-sigs; !ok {
			return
		}
		signal.Stop(sigs) // the next one is not caught
		fmt.Fprintln(os.Stderr, "chatadmin: stopping now: the requests in flight are cut off")
		close(abort)
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

// abortKey carries the channel the second SIGINT closes (see Main).
type abortKey struct{}

// abortOf returns the channel that a second SIGINT closes: nil outside
// Main.
func abortOf(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(abortKey{}).(<-chan struct{})
	return ch
}
