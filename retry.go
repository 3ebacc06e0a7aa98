package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// callStateKey carries a call's *callState in its request context: the
// retry hooks of go-retryablehttp see the context but not our endpoint.
type callStateKey struct{}

// callState is what the retry hooks learn and decide about one call.
type callState struct {
	ep       *endpoint
	retry    bool // the call is safe to repeat
	oneShot  bool // the body cannot be sent twice
	streamed bool // the body is a stream (an upload), not bytes in memory

	sent  atomic.Bool // this attempt's request headers reached the wire
	whole atomic.Bool // the transport has this attempt's whole body (see sendOnce)

	// Per round trip of an unsafe call, for sendOnce (see there).
	inflight atomic.Pointer[http.Request] // the request the transport has
	rtSent   atomic.Bool                  // its headers reached the wire
	poisoned atomic.Bool                  // a resend of it was stopped

	// Written by the hooks, which go-retryablehttp runs one after another
	// on the caller's goroutine.
	attempts        int
	attemptStart    time.Time
	nextWait        time.Duration // the server's Retry-After for the next wait
	waited          time.Duration // the waits before retries so far, charged by reserveWait
	retryAfter      time.Duration // the Retry-After of the last answer that carried one
	outcomeUnknown  bool          // an unsafe request failed after it was sent
	budgetExhausted bool          // a retry was refused by the client's retry budget

	answerCode   ErrorCode        // the body code of this attempt's error answer; -1 until read (see errorCode)
	limiterAsked time.Time        // when this attempt asked the rate limiter (ratelimit.go)
	ob           *callObservation // nil unless the Client has an Observer (observe.go)
}

func (st *callState) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		WroteHeaders: func() {
			st.sent.Store(true)
			st.rtSent.Store(true)
		},
		GotConn: st.gotConn,
	}
}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

// newRetryClient wires go-retryablehttp to the SDK's policy: our own retry
// decision and backoff, no stderr logger, and the last response handed back
// (not "giving up after N attempts") so that it becomes a typed error.
func newRetryClient(cfg *config, c *Client) *retryablehttp.Client {
	rc := &retryablehttp.Client{
		HTTPClient:     httpClientWithRedirectPolicy(cfg.httpClient),
		Logger:         nil,
		RetryWaitMin:   cfg.retryWaitMin,
		RetryWaitMax:   cfg.retryWaitMax,
		RetryMax:       cfg.maxAttempts - 1,
		CheckRetry:     c.checkRetry,
		Backoff:        backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: beforeAttempt,
	}
	if cfg.limiter != nil {
		rc.PrepareRetry = c.waitRetry
	}
	return rc
}

func beforeAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if st := stateOf(req.Context()); st != nil {
		st.attempts++
		st.attemptStart = time.Now()
		st.sent.Store(false)
		st.whole.Store(false)
		st.answerCode = -1
	}
}

// checkRetry decides, after each attempt, whether to try again.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateOf(ctx)
	if st == nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	if resp != nil {
		c.scrubResponse(resp)
		if wait, ok := retryAfter(resp); ok {
			st.retryAfter = wait
		}
	}
	retry := c.shouldRetry(ctx, st, resp, err)
	c.observeAnswer(ctx, st, resp)
	if retry && st.attempts >= c.maxAttempts {
		// go-retryablehttp will not try again: a retry not made must not
		// cost a budget token, nor be logged as one.
		retry = false
	}
	if retry && !c.reserveWait(st) {
		retry = false
	}
	switch {
	case retry && !c.budget.take():
		retry = false
		st.budgetExhausted = true
	case !retry && err == nil && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		c.budget.succeed()
	}
	err = c.scrubError(err)
	c.logAttempt(ctx, st, resp, err, retry)
	c.observeAttempt(st, resp, err, retry && ctx.Err() == nil)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if !retry && err != nil {
		// Returned as the call's error in place of the transport's, which
		// may quote a URL the server redirected to.
		return false, err
	}
	return retry, nil
}

func (c *Client) shouldRetry(ctx context.Context, st *callState, resp *http.Response, err error) bool {
	if err != nil && !st.retry && st.mayHaveActed(ctx) {
		// The server may have acted on it: repeating could duplicate a
		// channel, a message or an upload. Decided before the context
		// check, so that a deadline that cuts the wait for the answer
		// still reports the unknown outcome.
		st.outcomeUnknown = true
		return false
	}
	if ctx.Err() != nil || st.oneShot {
		return false
	}
	if err != nil {
		if errors.Is(err, errRedirectDowngrade) {
			return false // the same redirect would be refused again
		}
		ok, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err)
		return ok
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// Rate limiting means the request was refused, so even an unsafe
		// call can be repeated.
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if !st.retry {
			return false
		}
	default:
		if resp.StatusCode < 400 || st.errorCode(ctx, resp) != CodeRateLimited {
			return false
		}
	}
	wait, ok := retryAfter(resp)
	if !ok {
		return true
	}
	if wait > c.maxRetryAfter {
		return false
	}
	if deadline, has := ctx.Deadline(); has && wait > time.Until(deadline) {
		return false
	}
	st.nextWait = wait
	return true
}

// mayHaveActed reports whether the server could have acted on the failed
// attempt. A transport failure counts once the headers were sent (a server
// may act on them before the body ends, and a failure right after the write
// cannot tell); a cancel or deadline of the caller counts once the headers
// were sent and the transport has read the whole body: cutting an upload
// short leaves the server an incomplete request it cannot act on. (The
// transport's own "request written" signal comes after the last bytes are
// on the wire, too late: the server may have answered, or acted, first.)
func (st *callState) mayHaveActed(ctx context.Context) bool {
	if ctx.Err() != nil {
		return st.sent.Load() && st.whole.Load()
	}
	return st.sent.Load()
}

// errorCode is the body code of this attempt's error answer, read once
// however many of the retry policy, the limiter and the observer ask.
func (st *callState) errorCode(ctx context.Context, resp *http.Response) ErrorCode {
	if st.answerCode < 0 {
		st.answerCode = peekErrorCode(ctx, resp)
	}
	return st.answerCode
}

// peekErrorCode reads an error body (capped at 1 MiB) to find its code, and
// puts the bytes back so that the caller can still build the error from it.
func peekErrorCode(ctx context.Context, resp *http.Response) ErrorCode {
	body := readErrorBody(ctx, resp)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if int64(len(body)) > maxErrorBodyBytes {
		body = body[:maxErrorBodyBytes]
	}
	return parseErrorBody(body).Code
}

// readErrorBody reads at most 1 MiB + 1 byte of a non-2xx body, and no
// longer than ctx lives: the transport ties most bodies to the request's
// context, but not all (the body of a 101 answer is the bare connection), and
// a server that holds its body open must not hold the call past its deadline.
func readErrorBody(ctx context.Context, resp *http.Response) []byte {
	stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
	defer stop()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes+1))
	return body
}

// maxRetryAfterSeconds is the largest Retry-After in seconds that a
// time.Duration holds; a larger one saturates instead of overflowing into a
// short (or negative) wait.
const maxRetryAfterSeconds = math.MaxInt64 / int64(time.Second)

// retryAfter parses Retry-After as seconds or an HTTP date. A number of
// seconds too large for a time.Duration (or for int64) is the longest
// Duration: a wait longer than any WithMaxRetryAfter.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > maxRetryAfterSeconds {
			// Only a range error is possible for digits.
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if strings.HasPrefix(v, "-") && isDigits(v[1:]) {
		return 0, false
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// backoff waits what the server advised, or else an exponential delay with
// full jitter, capped at max: jitter keeps many clients that failed together
// from retrying together.
func backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.Request != nil {
		if st := stateOf(resp.Request.Context()); st != nil && st.nextWait > 0 {
			wait := st.nextWait
			st.nextWait = 0
			return wait
		}
	}
	ceiling := backoffCeiling(min, max, attempt)
	if ceiling <= 0 {
		return 0
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

// logAttempt logs under the call's context, so that a handler that reads a
// trace or request id from it (as tracing bridges for slog do) can add it.
// backoffCeiling is the longest backoff before retry number attempt+1:
// min doubled per attempt, capped at max (max itself when min is 0).
func backoffCeiling(min, max time.Duration, attempt int) time.Duration {
	if attempt < 32 && min<<uint(attempt) < max && min<<uint(attempt) > 0 {
		return min << uint(attempt)
	}
	return max
}

// reserveWait charges the wait before the next retry to the call's total
// (WithMaxRetryWaitTotal), or reports that it does not fit what is left:
// the call then ends with this answer's error at once, rather than sleeping
// only to give up later. A Retry-After counts as advised; a backoff counts
// at its ceiling, since go-retryablehttp draws the jitter after this hook
// and a transport error gives that draw no way back to the call. The
// jitter only shortens a wait, so the bound holds for the waits made.
func (c *Client) reserveWait(st *callState) bool {
	wait := st.nextWait
	if wait <= 0 {
		wait = backoffCeiling(c.http.RetryWaitMin, c.http.RetryWaitMax, st.attempts-1)
	}
	if wait > c.maxRetryWait-st.waited {
		st.nextWait = 0
		return false
	}
	st.waited += wait
	return true
}

func (c *Client) logAttempt(ctx context.Context, st *callState, resp *http.Response, err error, retry bool) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", st.ep.method),
		slog.String("route", st.ep.route),
		slog.Int("attempt", st.attempts),
		slog.Duration("duration", time.Since(st.attemptStart)),
	}
	level := slog.LevelDebug
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if retry {
		level = slog.LevelInfo
		attrs = append(attrs, slog.Bool("retrying", true))
	}
	c.logger.LogAttrs(ctx, level, "chatadmin request", attrs...)
}

// errRedirectDowngrade stops a redirect from https to http, which would send
// the request (and any token a server put in the URL) in clear text.
var errRedirectDowngrade = errors.New("refusing redirect from https to http")

// httpClientWithRedirectPolicy copies hc (or a default client) and installs
// a redirect policy that never carries the token to another host. net/http
// alone would keep it for a different port on the same host name.
func httpClientWithRedirectPolicy(hc *http.Client) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	} else {
		out.Transport = NewTransport()
	}
	out.Transport = sendOnce{next: out.Transport}
	userPolicy := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		first := via[0]
		if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
			return errRedirectDowngrade
		}
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			req.Header.Del("Authorization")
		}
		if userPolicy != nil {
			return userPolicy(req, via)
		}
		return nil
	}
	return &out
}
