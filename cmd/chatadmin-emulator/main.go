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
// no TLS, so exposing it by accident would be a hole.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
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
	addr := fs.String("addr", "127.0.0.1:8086", "listen address (host:port)")
	token := fs.String("token", chatadmintest.DefaultToken, "bearer token to accept")
	demo := fs.Bool("demo", false, "load demo users, channels and messages")
	pageSize := fs.Int("message-page-size", chatadmintest.DefaultMessagePageSize, "page size of token-paged message queries")
	noTokens := fs.Bool("no-message-tokens", false, "message queries return no paging tokens (clients walk segment windows)")
	public := fs.Bool("public", false, "allow listening on a non-loopback address")
	rateLimit := fs.Float64("rate-limit", 0, "tenant rate limit in requests per second, shared by all clients (0: none); past it requests get 429, code 400311 and Retry-After")
	rateBurst := fs.Int("rate-burst", 1, "requests the -rate-limit bucket lets through at once")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !*public && !isLoopback(*addr) {
		fmt.Fprintf(stderr, "chatadmin-emulator: refusing to listen on non-loopback address %q (use -public to allow)\n", *addr)
		return 2
	}
	opts := []chatadmintest.Option{chatadmintest.WithToken(*token), chatadmintest.WithMessagePageSize(*pageSize)}
	if *demo {
		opts = append(opts, chatadmintest.WithDemoData())
	}
	if *noTokens {
		opts = append(opts, chatadmintest.WithoutMessageTokens())
	}
	if *rateLimit > 0 {
		opts = append(opts, chatadmintest.WithRateLimit(*rateLimit, *rateBurst))
	}
	em := chatadmintest.New(opts...)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "chatadmin-emulator: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "chatadmin-emulator listening on http://%s token %s\n", ln.Addr(), em.Token())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "chatadmin-emulator: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		_ = srv.Close() // requests held by long delays: cut them
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "chatadmin-emulator: %v\n", err)
		return 1
	}
	return 0
}

// isLoopback reports whether a listen address binds only the loopback
// interface: "localhost" or a loopback IP. An empty host (all interfaces) is
// not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
