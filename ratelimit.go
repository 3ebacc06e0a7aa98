package chatadmin

import (
	"context"
	"fmt"
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
// first and reports each answer to l (see Limiter). nil keeps the default:
// a Client of its own gets an AdaptiveLimiter without a ceiling, which lets
// every call through at no cost until the server first throttles one (429
// or code 400311) and from then on paces the Client just under the
// server's limit. Give one Limiter to every Client of a token in a
// process; for several processes that share a token, the redislimit
// module's limiter holds them together at the limit, where unshared
// adaptive limiters each find their share only by being throttled.
func WithRateLimiter(l Limiter) Option {
	return func(c *config) error { c.limiter, c.noLimiter = l, false; return nil }
}

// WithoutRateLimiter turns the default pacing off: calls are sent without
// waiting, and the client relies on the server's 429s and the retry policy
// alone.
func WithoutRateLimiter() Option {
	return func(c *config) error { c.limiter, c.noLimiter = nil, true; return nil }
}

// defaultLimiter is the Limiter of a Client configured without one.
func defaultLimiter(cfg *config) {
	if cfg.limiter == nil && !cfg.noLimiter {
		cfg.limiter = NewAdaptiveLimiter(AdaptiveLimiterConfig{})
	}
}

// waitFirst waits for the limiter before a call's first attempt, and is
// the last look before it is sent. The call has sent nothing yet, so an
// error here is never ErrOutcomeUnknown: it wraps ErrNotSent. The wait and
// the look also end with StopSending's stop, which rides in the caller's
// ctx (grace.go); rctx is the call's own context (attempts).
func (c *Client) waitFirst(ctx, rctx context.Context, st *callState) error {
	wctx, stop := rctx, sendStop(ctx)
	if stop != nil {
		var cancel context.CancelCauseFunc
		wctx, cancel = context.WithCancelCause(rctx)
		unhook := context.AfterFunc(stop, func() { cancel(context.Cause(stop)) })
		defer func() { unhook(); cancel(nil) }()
	}
	if err := c.waitLimiter(wctx, st); err != nil {
		if wctx.Err() != nil && rctx.Err() == nil {
			err = context.Cause(wctx) // StopSending's stop, not the caller's context
		}
		return fmt.Errorf("%w: %s %s: waiting for the rate limiter: %w", ErrNotSent, st.ep.method, st.ep.route, err)
	}
	if stop != nil && stop.Err() != nil {
		return fmt.Errorf("%w: %s %s: stopped before sending: %w", ErrNotSent, st.ep.method, st.ep.route, context.Cause(stop))
	}
	return nil
}

// waitLimiter waits for the limiter before each attempt of a call, the
// first (through waitFirst) and every retry: the one place a call waits
// for permission. A Limiter whose Wait ignores its context must not hold
// the call past it, so Wait runs on a goroutine of its own unless the
// Limiter is known to honour ctx; an abandoned Wait ends on its own.
func (c *Client) waitLimiter(ctx context.Context, st *callState) error {
	if c.limiter == nil {
		return nil
	}
	paced := pacing(c.limiter)
	st.limiterAsked = time.Now()
	if paced {
		defer func() { st.noteLimiterWait(time.Since(st.limiterAsked)) }()
	}
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

// pacing reports whether l may hold an attempt: false for an
// AdaptiveLimiter that lets everything through until the first throttle
// (the default), whose waits are no waits, for the Observer either.
func pacing(l Limiter) bool {
	a, ok := l.(*AdaptiveLimiter)
	return !ok || a.pacing.Load()
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
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		// The rate-limit code comes with a 4xx (or a 2xx: observeThrottledBody).
		// A 5xx body is not read for it: the limiter is on by default, and
		// reading every retried 5xx's body (up to the 1 MiB error cap) would
		// cost each attempt of a failing server that much memory.
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
