package chatadmin

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rateLimited answers 429 with code 400311 and the given Retry-After.
func rateLimited(w http.ResponseWriter, retryAfter string) {
	w.Header().Set("Retry-After", retryAfter)
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(`{"status":"error","code":400311,"message":"RateLimit Exceed."}`))
}

// The default bound: a 40 s Retry-After is under WithMaxRetryAfter's
// minute, so before the bound existed the call slept 40 s per attempt
// (up to 2 min in all). Now it does not fit in 30 s: the call ends at once
// with the advice.
func TestRetryWaitTotalDefaultRefusesLongAdvice(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) { rateLimited(w, "40") })
	c := newServerClient(t, srv)
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrRateLimited))
	assert.Equal(t, 40*time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, apiErr.Attempts)
	assert.EqualValues(t, 1, n.Load())
}

// A Retry-After that WithMaxRetryAfter allows but the total bound does not.
func TestRetryWaitTotalRefusesRetryAfter(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) { rateLimited(w, "20") })
	c := newServerClient(t, srv, WithMaxRetryWaitTotal(10*time.Second), WithMaxAttempts(2))
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrRateLimited))
	assert.Equal(t, 20*time.Second, apiErr.RetryAfter)
	assert.EqualValues(t, 1, n.Load(), "gives up instead of waiting")
}

// Backoffs add up: each 1 ms backoff is charged, and the fourth does not
// fit in 3.5 ms, so the call makes 4 attempts of the 10 it may.
func TestRetryWaitTotalBoundsBackoffs(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"error","code":500000,"message":"try later"}`))
	})
	c := newServerClient(t, srv, WithRetryWait(time.Millisecond, time.Millisecond),
		WithMaxAttempts(10), WithMaxRetryWaitTotal(3500*time.Microsecond))
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode, "the last answer's error")
	assert.Equal(t, 4, apiErr.Attempts)
	assert.EqualValues(t, 4, n.Load())
}

// Backoffs and Retry-After share one total: after a 1 ms backoff, a 1 s
// advice no longer fits in a 1 s bound, though it would on its own.
func TestRetryWaitTotalAddsBackoffAndRetryAfter(t *testing.T) {
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			rateLimited(w, "1")
		default:
			w.Write([]byte("OK"))
		}
	})
	c := newServerClient(t, srv, WithRetryWait(time.Millisecond, time.Millisecond), WithMaxRetryWaitTotal(time.Second))
	err := c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, errors.Is(err, ErrRateLimited))
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.Equal(t, 2, apiErr.Attempts)
	assert.EqualValues(t, 2, n.Load())
}

// A transport error's backoff is charged at its ceiling, like any other.
func TestRetryWaitTotalBoundsTransportErrors(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, r *http.Request) { dropAfterRead(w, r) })
	c := newServerClient(t, srv, WithRetryWait(time.Millisecond, time.Millisecond),
		WithMaxAttempts(10), WithMaxRetryWaitTotal(2500*time.Microsecond))
	var info ResponseInfo
	err := c.Channels.Unmute(context.Background(), "lobby", WithResponseInfo(&info))
	require.Error(t, err)
	var apiErr *APIError
	assert.False(t, errors.As(err, &apiErr), "no answer came: %v", err)
	assert.Equal(t, 3, info.Attempts)
	assert.EqualValues(t, 3, n.Load())
}

// 0 allows no wait: a retry that needs one is not made.
func TestRetryWaitTotalZero(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newServerClient(t, srv, WithMaxRetryWaitTotal(0))
	assert.Error(t, c.Channels.Unmute(context.Background(), "lobby"))
	assert.EqualValues(t, 1, n.Load())

	_, err := NewClient(testToken, WithMaxRetryWaitTotal(-time.Second))
	assert.ErrorContains(t, err, "WithMaxRetryWaitTotal(-1s): negative")
}
