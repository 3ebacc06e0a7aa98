package chatadmin

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingServer answers each request with respond(n), n counting from 1,
// and reports how many requests it saw.
func countingServer(t *testing.T, respond func(n int32, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// newServerClient returns a Client for srv with fast retries.
func newServerClient(t *testing.T, srv *httptest.Server, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := NewClient(testToken, all...)
	require.NoError(t, err)
	return c
}

func TestRetrySafeCallSurvivesTwo503s(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"results":[{"channel":{"channelId":"a"}}]}`))
	})
	c := newServerClient(t, srv)
	var info ResponseInfo
	page, err := c.Channels.List(context.Background(), nil, WithResponseInfo(&info))
	require.NoError(t, err)
	assert.Equal(t, "a", page.Items[0].Channel.ChannelID)
	assert.EqualValues(t, 3, n.Load())
	assert.Equal(t, 3, info.Attempts)
	assert.Equal(t, 200, info.StatusCode)
}

func TestRetryUnsafeCallNotRetriedAfter500(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"status":"error","code":500000,"message":"boom"}`))
	})
	c := newServerClient(t, srv)
	_, err := c.Channels.Create(context.Background(), "x", nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.EqualValues(t, 1, n.Load(), "the server must see exactly one create")
}

func TestRetryUnsafeCallMarkedSafeIsRetried(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte(`{"channel":{"channelId":"x"}}`))
	})
	c := newServerClient(t, srv)
	res, err := c.Channels.Create(context.Background(), "x", nil, WithRetrySafe())
	require.NoError(t, err)
	assert.Equal(t, "x", res.Channel.ChannelID)
	assert.EqualValues(t, 2, n.Load())
}

func TestRetryUnsafeCallRetriedOn429(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"channel":{"channelId":"x"}}`))
	})
	c := newServerClient(t, srv)
	_, err := c.Channels.Create(context.Background(), "x", nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, n.Load(), "a rate-limited create did not happen, so it is repeated")
}

func TestRetryOnRateLimitCodeWithOtherStatus(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"status":"error","code":400311,"message":"RateLimit Exceed."}`))
			return
		}
		w.Write([]byte(`OK`))
	})
	c := newServerClient(t, srv)
	require.NoError(t, c.Channels.BanUsers(context.Background(), "lobby", []string{"u1"}))
	assert.EqualValues(t, 2, n.Load())
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	var first time.Time
	var gap time.Duration
	srv, _ := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		gap = time.Since(first)
		w.Write([]byte(`OK`))
	})
	c := newServerClient(t, srv)
	require.NoError(t, c.Channels.Unmute(context.Background(), "lobby"))
	assert.GreaterOrEqual(t, gap, 900*time.Millisecond, "Retry-After: 1 is waited out")
	assert.Less(t, gap, 5*time.Second)
}

func TestRetryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"status":"error","code":400311,"message":"RateLimit Exceed."}`))
	})
	c := newServerClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := c.Channels.Unmute(ctx, "lobby")
	elapsed := time.Since(start)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrRateLimited))
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
	assert.EqualValues(t, 1, n.Load())
	assert.Less(t, elapsed, time.Second, "gives up at once instead of sleeping")
}

func TestRetryAfterBeyondMaximumFailsAtOnce(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newServerClient(t, srv, WithMaxRetryAfter(10*time.Second))
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2*time.Minute, apiErr.RetryAfter)
	assert.EqualValues(t, 1, n.Load())
}

func TestRetryCancelDuringBackoffReturnsPromptly(t *testing.T) {
	srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newServerClient(t, srv, WithRetryWait(10*time.Second, 10*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := c.Channels.Unmute(ctx, "lobby")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestRetryExhaustedReturnsLastAPIError(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+string(rune('0'+n)))
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"error","code":500000,"message":"try later"}`))
	})
	c := newServerClient(t, srv, WithMaxAttempts(3))
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "try later", apiErr.Message)
	assert.Equal(t, 3, apiErr.Attempts)
	assert.Equal(t, "req-3", apiErr.RequestID, "the error is the last response's")
	assert.EqualValues(t, 3, n.Load())
	assert.NotContains(t, err.Error(), "giving up")
}

func TestRetryNotOnClientErrors(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"status":"error","code":400400,"message":"Channel Not Found."}`))
	})
	c := newServerClient(t, srv)
	err := c.Channels.Unmute(context.Background(), "lobby")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.EqualValues(t, 1, n.Load())
}

// dropAfterRead reads the request and closes the connection without an
// answer: the server may have acted, the client cannot know.
func dropAfterRead(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryUnsafeDroppedConnectionIsOutcomeUnknown(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, r *http.Request) { dropAfterRead(w, r) })
	c := newServerClient(t, srv)
	_, err := c.Channels.Create(context.Background(), "x", nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 1, n.Load())
}

func TestRetrySafeDroppedConnectionIsRetried(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			dropAfterRead(w, r)
			return
		}
		w.Write([]byte("OK"))
	})
	c := newServerClient(t, srv)
	require.NoError(t, c.Channels.BanUsers(context.Background(), "lobby", []string{"u1"}))
	assert.EqualValues(t, 2, n.Load())
}

func TestRetryUnsafeRefusedConnectionIsRetried(t *testing.T) {
	// Nothing listens: the create surely did not happen, so it is retried
	// (and fails again) instead of reporting an unknown outcome.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c, err := NewClient(testToken, WithBaseURL("http://"+addr), WithRetryWait(time.Millisecond, time.Millisecond), WithMaxAttempts(3))
	require.NoError(t, err)
	var info ResponseInfo
	_, err = c.Channels.Create(context.Background(), "x", nil, WithResponseInfo(&info))
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.Equal(t, 3, info.Attempts)
}
