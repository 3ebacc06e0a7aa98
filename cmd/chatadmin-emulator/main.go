// Command chatadmin-emulator serves the chatadmintest Admin API v2 emulator
// on a local port, for trying the SDK examples or a client by hand.
//
//	chatadmin-emulator [-addr 127.0.0.1:8086] [-token T] [-demo]
//	                   [-message-page-size 20] [-no-message-tokens] [-public]
//	                   [-rate-limit RPS [-rate-burst N]]
//
// It prints one line with the base URL and the token, serves until SIGINT or
// SIGTERM and then shuts down gracefully. It refuses a non-loopback address
// unless -public is given: the emulator has a well-known default token and
// no TLS, so exposing it by accident would be a hole. `chatadmin emulator`
// does the same (both use internal/emulatorserve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/emulatorserve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run parses flags, serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chatadmin-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg emulatorserve.Config
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8086", "listen address (host:port)")
	fs.StringVar(&cfg.Token, "token", chatadmintest.DefaultToken, "bearer token to accept")
	fs.BoolVar(&cfg.Demo, "demo", false, "load demo users, channels and messages")
	fs.IntVar(&cfg.MessagePageSize, "message-page-size", chatadmintest.DefaultMessagePageSize, "page size of token-paged message queries")
	fs.BoolVar(&cfg.NoMessageTokens, "no-message-tokens", false, "message queries return no paging tokens (clients walk segment windows)")
	fs.BoolVar(&cfg.Public, "public", false, "allow listening on a non-loopback address")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", 0, "tenant rate limit in requests per second, shared by all clients (0: none); past it requests get 429, code 400311 and Retry-After")
	fs.IntVar(&cfg.RateBurst, "rate-burst", 1, "requests the -rate-limit bucket lets through at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	err := emulatorserve.Serve(ctx, cfg, func(baseURL, token string) {
		fmt.Fprintf(stdout, "chatadmin-emulator listening on %s token %s\n", baseURL, token)
	})
	switch {
	case errors.Is(err, emulatorserve.ErrNotLoopback):
		fmt.Fprintf(stderr, "chatadmin-emulator: %v (use -public to allow)\n", err)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "chatadmin-emulator: %v\n", err)
		return 1
	}
	return 0
}

// isLoopback is emulatorserve.IsLoopback, kept under the name the tests use.
func isLoopback(addr string) bool { return emulatorserve.IsLoopback(addr) }
