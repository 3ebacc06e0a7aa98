// Package exampleenv picks the Admin API the examples talk to: a live
// tenant when CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set, otherwise a
// chatadmintest emulator started in-process, so that
// `go run ./examples/<name>` works on a fresh clone. The examples build
// their client themselves, from the base URL and token it returns.
package exampleenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// Timeout bounds a whole example run, so that an unreachable server ends
// it with an error instead of a hang.
const Timeout = 2 * time.Minute

// Env is where an example runs.
type Env struct {
	Client *chatadmin.Client
	// Emulator is the in-process emulator, or nil against a live server.
	// Examples use it only to seed state the Admin API cannot create (a
	// flagged user), and must skip that step when it is nil.
	Emulator *chatadmintest.Server
	// suffix keeps a live run's channel, user and tag names apart from
	// real data and from other runs; "" on the emulator, which starts empty.
	suffix string
}

// Target returns the API an example talks to: the base URL and token of
// CHATADMIN_BASE_URL and CHATADMIN_TOKEN when both are set, or those of a
// new in-process emulator (emu, announced with one line on w) when neither
// is; opts configure that emulator. Only one of them set is an error: half a
// configuration is more likely a mistake than a wish to use the emulator.
// The example builds its client from baseURL and token itself, in plain
// sight.
func Target(w io.Writer, opts ...chatadmintest.Option) (baseURL, token string, emu *chatadmintest.Server, err error) {
	baseURL, token = os.Getenv(chatadmin.EnvBaseURL), os.Getenv(chatadmin.EnvToken)
	switch {
	case baseURL != "" && token != "":
		fmt.Fprintf(w, "using the live API at %s\n", baseURL)
		return baseURL, token, nil, nil
	case baseURL != "" || token != "":
		return "", "", nil, fmt.Errorf("set both %s and %s to use a live server, or neither to use the emulator",
			chatadmin.EnvBaseURL, chatadmin.EnvToken)
	}
	emu = chatadmintest.NewServer(opts...)
	fmt.Fprintf(w, "%s not set: running against the in-process emulator at %s\n", chatadmin.EnvBaseURL, emu.URL)
	return emu.URL, emu.Token(), emu, nil
}

// New returns the Env of a client: emu is Target's emulator, nil against a
// live server, where names get a per-run suffix.
func New(client *chatadmin.Client, emu *chatadmintest.Server) *Env {
	env := &Env{Client: client, Emulator: emu}
	if emu == nil {
		env.suffix = strconv.FormatInt(time.Now().UnixMilli(), 36)
	}
	return env
}

// Connect is Target and New with a default client, for the examples' tests.
func Connect(w io.Writer) (*Env, error) {
	baseURL, token, emu, err := Target(w)
	if err != nil {
		return nil, err
	}
	c, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(baseURL))
	if err != nil {
		if emu != nil {
			emu.Close()
		}
		return nil, err
	}
	return New(c, emu), nil
}

// Emulated returns an Env backed by a new in-process emulator. The
// examples' tests use it directly.
func Emulated(opts ...chatadmintest.Option) (*Env, error) {
	srv := chatadmintest.NewServer(opts...)
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return New(c, srv), nil
}

// Live reports whether the Env talks to a real server.
func (e *Env) Live() bool { return e.Emulator == nil }

// Name returns name as is on the emulator and with a per-run suffix on a
// live server, where it must not collide with existing data.
func (e *Env) Name(name string) string {
	if e.suffix == "" {
		return name
	}
	return name + "-" + e.suffix
}

// Close stops the emulator, if any.
func (e *Env) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
}

// RunFunc is an example's logic: it does its steps through env and prints
// what it does on w.
type RunFunc func(ctx context.Context, env *Env, w io.Writer) error

// Main runs an example on env: it calls run with a context that ends on
// Ctrl-C or after Timeout, closes the emulator, and exits with status 1
// (after cleaning up) when anything failed.
func Main(env *Env, run RunFunc) {
	err := mainErr(env, run, os.Stdout)
	env.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func mainErr(env *Env, run RunFunc, w io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	return run(ctx, env, w)
}

// Cleanup runs undo after the example's steps, even when one failed, with
// a fresh context so that an interrupted run still removes what it made
// on a live server. Its failure is joined to *err, the example's named
// result.
func Cleanup(w io.Writer, what string, err *error, undo func(ctx context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if uerr := undo(ctx); uerr != nil {
		*err = errors.Join(*err, fmt.Errorf("cleanup (%s): %w", what, uerr))
		return
	}
	fmt.Fprintf(w, "cleaned up: %s\n", what)
}
