package chatadmin

import (
	"context"
	"net/http"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/backoff"
)

// Limiter paces the requests of a Client (WithRateLimiter). The Client asks
// it before every attempt, retries included, and tells it what each answer
// said about the rate limit, so that an implementation can slow down when
// the server pushes back. One Limiter may be shared by several Clients that
// use the same token: the provider's limit is per user, not per connection.
//
// Implementations must be safe for concurrent use. NewAdaptiveLimiter is
// the in-process one; the redislimit module shares one limit between
// processes through Redis. A Limiter that also has a method
// Rate() float64 (requests per second) has it reported to an Observer as
// ClientStats.LimiterRate.
type Limiter interface {
	// Wait blocks until one more attempt may be sent. An error ends the call
	// without sending the attempt: when ctx ends first, Wait returns the
	// context's error; a Limiter may also fail at once when the wait would
	// outlast ctx's deadline (wrapping context.DeadlineExceeded).
	Wait(ctx context.Context) error
	// Observe reports an answer to an attempt that Wait let through. It is
	// called on the caller's goroutine before the call goes on, so it must
	// not block for long.
	Observe(ctx context.Context, o LimitObservation)
}

// LimitObservation is what one answer said about the rate limit.
type LimitObservation struct {
	// Throttled is set for a 429 answer or an error body with code 400311
	// (CodeRateLimited), whatever its HTTP status.
	Throttled bool
	// StatusCode is the answer's HTTP status.
	StatusCode int
	// RetryAfter is the server's Retry-After advice, 0 when it gave none.
	// The call's own retry already sits it out; a Limiter may use it to hold
	// back other calls too.
	RetryAfter time.Duration
	// Asked is when the attempt asked Wait for permission. An attempt that
	// asked before the limiter last slowed down was let through under the
	// old rate (a limiter may schedule its waiters ahead), so its being
	// throttled says nothing about the new rate.
	Asked time.Time
}

// WithRateLimiter makes every attempt of the Client's calls wait for l
// first and reports each answer to l (see Limiter). nil, the default,
// sends without waiting: the client then relies on the server's 429s and
// the retry policy alone. NewAdaptiveLimiter is the usual choice.
func WithRateLimiter(l Limiter) Option {
	return func(c *config) error { c.limiter = l; return nil }
}

// waitLimiter waits for the limiter before each attempt of a call, the
// first and every retry: the one place a call waits for permission. A
// Limiter whose Wait ignores its context must not hold the call past it,
// so Wait runs on a goroutine of its own unless the Limiter is known to
// honour ctx; an abandoned Wait ends on its own.
func (c *Client) waitLimiter(ctx context.Context, st *callState) error {
	if c.limiter == nil {
		return nil
	}
	st.limiterAsked = time.Now()
	defer func() { st.noteLimiterWait(time.Since(st.limiterAsked)) }()
	if _, ok := c.limiter.(*AdaptiveLimiter); ok || ctx.Done() == nil {
		return c.limiter.Wait(ctx)
	}
	done := make(chan error, 1) // buffered: an abandoned Wait does not block
	go func() { done <- c.limiter.Wait(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// observeAnswer tells the limiter what an answer said. A 2xx whose body
// turns out to be a 400311 error is reported again, as throttled, by
// observeThrottledBody once the body is read: a 2xx is only known to be an
// error after decoding, and the retry hook must not read success bodies.
func (c *Client) observeAnswer(ctx context.Context, st *callState, resp *http.Response) {
	if c.limiter == nil || resp == nil {
		return
	}
	o := LimitObservation{StatusCode: resp.StatusCode, Asked: st.limiterAsked}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		o.Throttled = true
	case resp.StatusCode >= 400:
		o.Throttled = st.errorCode(ctx, resp) == CodeRateLimited
	}
	if o.Throttled {
		o.RetryAfter, _ = backoff.RetryAfter(resp.Header)
	}
	c.limiter.Observe(ctx, o)
}

// observeThrottledBody reports a 2xx answer whose body was a 400311 error.
func (c *Client) observeThrottledBody(ctx context.Context, st *callState, resp *http.Response, code ErrorCode) {
	if c.limiter == nil || code != CodeRateLimited {
		return
	}
	o := LimitObservation{Throttled: true, StatusCode: resp.StatusCode, Asked: st.limiterAsked}
	o.RetryAfter, _ = backoff.RetryAfter(resp.Header)
	c.limiter.Observe(ctx, o)
}
