package chatadmin

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/redirect"
)

// holdingServer is a raw TCP server that answers each request with answer
// and then holds the connection open until the test ends.
func holdingServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				c.Write([]byte(answer))
				io.Copy(io.Discard, c) // until the client or the test closes it
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "http://" + ln.Addr().String()
}

// TestSwitchingProtocolsHeldOpen: a 101 answer turns the response body into
// the bare connection, which no deadline governs. A server that sends one
// and holds the socket open must not hold a call past its deadline.
func TestSwitchingProtocolsHeldOpen(t *testing.T) {
	base := holdingServer(t, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\nleftover")
	c, err := NewClient(testToken, WithBaseURL(base), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	for _, call := range []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"safe query", func(ctx context.Context) error { _, err := c.Channels.List(ctx, nil); return err }},
		{"unsafe create", func(ctx context.Context) error {
			_, err := c.Channels.Create(ctx, "x", nil)
			return err
		}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- call.do(ctx) }()
		select {
		case err := <-done:
			t.Logf("%s: returned after %s: %v", call.name, time.Since(start).Round(time.Millisecond), err)
			assert.ErrorIs(t, err, ErrUnexpectedResponse, call.name)
			assert.Contains(t, err.Error(), "101")
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: a 300ms call still blocked after 5s on a held 101 answer", call.name)
		}
		cancel()
	}
}

// TestRetryAfterHuge: a Retry-After too large for a time.Duration (in
// seconds, or even for int64) is advice to wait longer than
// WithMaxRetryAfter: the call ends at once with the advice in RetryAfter,
// instead of overflowing into a short wait and retrying.
func TestRetryAfterHuge(t *testing.T) {
	for _, v := range []string{"18446744074", "9223372037", "99999999999999999999999"} {
		t.Run(v, func(t *testing.T) {
			srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", v)
				w.WriteHeader(http.StatusTooManyRequests)
			})
			c := newServerClient(t, srv)
			defer c.CloseIdleConnections()
			_, err := c.Channels.List(context.Background(), nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.ErrorIs(t, err, ErrRateLimited)
			assert.EqualValues(t, 1, n.Load(), "not retried")
			assert.Equal(t, 1, apiErr.Attempts)
			assert.Greater(t, apiErr.RetryAfter, DefaultMaxRetryAfter)
			assert.Equal(t, time.Duration(math.MaxInt64), apiErr.RetryAfter, "saturated")
		})
	}
}

// TestRetryAfterKeptWhenRetriesRunOut: when every attempt is told to wait
// and the attempts run out, the error still carries the last advice.
func TestRetryAfterKeptWhenRetriesRunOut(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newServerClient(t, srv, WithMaxAttempts(2))
	defer c.CloseIdleConnections()
	_, err := c.Channels.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.EqualValues(t, 2, n.Load())
	assert.Equal(t, 2, apiErr.Attempts)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.Contains(t, err.Error(), "retry after 1s")
}

// TestErrorTextsHaveOnePrefix walks the kinds of error the SDK builds and
// checks that each message says "chatadmin:" exactly once.
func TestErrorTextsHaveOnePrefix(t *testing.T) {
	check := func(t *testing.T, what string, err error) {
		t.Helper()
		if !assert.Error(t, err, what) {
			return
		}
		t.Logf("%s: %v", what, err)
		assert.Equal(t, 1, strings.Count(err.Error(), "chatadmin:"), "%s: %q", what, err.Error())
	}
	for _, s := range []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrMuted, ErrBanned, ErrContentRejected,
		ErrNotFound, ErrConflict, ErrRateLimited, ErrServer, ErrInvalidInput, ErrOutcomeUnknown, ErrUnexpectedResponse} {
		check(t, "sentinel", s)
	}
	ctx := context.Background()

	emu := chatadmintest.NewServer()
	defer emu.Close()
	ec := emulatorClient(t, emu, WithMaxAttempts(2))
	_, err := ec.Messages.Get(ctx, "missing")
	check(t, "API error", err)
	check(t, "validation error", ec.Channels.Close(ctx, ""))
	emu.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel", Drop: chatadmintest.DropAfterHandler})
	_, err = ec.Channels.Create(ctx, "c", nil)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	check(t, "outcome unknown", err)
	emu.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channels", Status: 503, Times: 2})
	_, err = ec.Channels.List(ctx, nil)
	check(t, "API error after retries", err)
	file := FileFromFunc(func() (io.ReadCloser, error) { return nil, errors.New("disk gone") }, 5, "a.txt")
	file.ContentType = "text/plain"
	_, err = ec.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{File: file})
	check(t, "file that fails to open", err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = ec.Channels.List(cancelled, nil)
	check(t, "cancelled", err)

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	dc := newServerClient(t, dead, WithMaxAttempts(2))
	_, err = dc.Channels.List(ctx, nil)
	check(t, "transport error after attempts", err)

	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
	}))
	defer loop.Close()
	_, err = newServerClient(t, loop).Channels.List(ctx, nil)
	check(t, "redirect loop", err)

	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer tlsSrv.Close()
	_, err = newServerClient(t, tlsSrv, WithHTTPClient(tlsSrv.Client())).Channels.List(ctx, nil)
	require.ErrorIs(t, err, redirect.ErrDowngrade)
	check(t, "redirect downgrade", err)
	assert.NotContains(t, err.Error(), "attempts", "a refused redirect is not retried")

	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>portal</html>"))
	}))
	defer html.Close()
	_, err = newServerClient(t, html).Channels.List(ctx, nil)
	check(t, "unexpected response", err)

	sw := holdingServer(t, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: chat\r\nConnection: Upgrade\r\n\r\n")
	swc, err := NewClient(testToken, WithBaseURL(sw))
	require.NoError(t, err)
	_, err = swc.Channels.List(ctx, nil)
	check(t, "101", err)

	var verr *ValidationError
	_, err = NewClient("")
	check(t, "NewClient", err)
	require.ErrorAs(t, ec.Channels.Close(ctx, ""), &verr)
}
