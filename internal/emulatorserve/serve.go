// Package emulatorserve serves the chatadmintest emulator on a TCP address
// until a context ends. It is shared by cmd/chatadmin-emulator and the
// `chatadmin emulator` command so that both start, announce and stop the
// emulator the same way.
package emulatorserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// Config is what to serve and where.
type Config struct {
	Addr            string // host:port; port 0 picks a free port
	Token           string // bearer token the emulator accepts
	Demo            bool   // load the demo users, channels and messages
	MessagePageSize int    // page size of token-paged message queries
	NoMessageTokens bool   // message queries return no paging tokens
	// RateLimit, when above 0, is a tenant-wide limit in requests per
	// second, with a bucket of RateBurst (chatadmintest.WithRateLimit).
	RateLimit float64
	RateBurst int
	// Public allows a non-loopback address. The emulator has a well-known
	// default token and no TLS, so exposing it by accident would be a hole.
	Public bool
	// Options are appended to those Config implies.
	Options []chatadmintest.Option
}

// ErrNotLoopback is returned by Serve for a non-loopback Addr without Public.
var ErrNotLoopback = errors.New("refusing to listen on a non-loopback address")

// Serve listens on cfg.Addr, calls ready with the base URL and the token
// once requests can be made, serves until ctx ends and then shuts down
// gracefully (cutting requests still held by fault delays after 5s).
func Serve(ctx context.Context, cfg Config, ready func(baseURL, token string)) error {
	if !cfg.Public && !IsLoopback(cfg.Addr) {
		return fmt.Errorf("%w %q", ErrNotLoopback, cfg.Addr)
	}
	opts := []chatadmintest.Option{chatadmintest.WithToken(cfg.Token)}
	if cfg.MessagePageSize > 0 {
		opts = append(opts, chatadmintest.WithMessagePageSize(cfg.MessagePageSize))
	}
	if cfg.Demo {
		opts = append(opts, chatadmintest.WithDemoData())
	}
	if cfg.NoMessageTokens {
		opts = append(opts, chatadmintest.WithoutMessageTokens())
	}
	if cfg.RateLimit > 0 {
		opts = append(opts, chatadmintest.WithRateLimit(cfg.RateLimit, cfg.RateBurst))
	}
	em := chatadmintest.New(append(opts, cfg.Options...)...)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: em, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ready("http://"+ln.Addr().String(), em.Token())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		_ = srv.Close() // requests held by long delays: cut them
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// IsLoopback reports whether a listen address binds only the loopback
// interface: "localhost" or a loopback IP. An empty host (all interfaces) is
// not loopback.
func IsLoopback(addr string) bool {
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
