package chatadmin

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/backoff"
	"github.com/chatadmin/chatadmin-go/internal/redirect"
	policy "github.com/chatadmin/chatadmin-go/internal/retrypolicy"
	"github.com/chatadmin/chatadmin-go/internal/sendonce"
	"github.com/chatadmin/chatadmin-go/internal/stream"
)

// The retry policy is internal/retrypolicy.Decide; afterAttempt applies
// it and the limits that apply to any retry (attempts, the retry budget,
// the waits).

// afterAttempt applies the policy to the attempt that just ended and
// reports it (limiter, log, observer). It returns whether to try again
// and after how long.
func (c *Client) afterAttempt(ctx context.Context, st *callState, resp *http.Response, err error) (time.Duration, bool) {
	a := policy.End{Safe: st.safe}
	var advised time.Duration
	hasAdvice := false
	if resp != nil {
		c.scrubResponse(resp) // a redirect refused comes with its response, too
	}
	switch {
	case resp != nil && err == nil:
		a.Reach, a.Status = policy.Answered, resp.StatusCode
		if advised, hasAdvice = backoff.RetryAfter(resp.Header); hasAdvice {
			st.retryAfter = advised
		}
		// The body is read only where the policy looks at it: the code of a
		// 4xx (400311 is throttling), and whether an unsafe call's 5xx is
		// the API's own error body. A retried 5xx is drained unread.
		if s := resp.StatusCode; s >= 400 && s != http.StatusTooManyRequests && (s < 500 || !st.safe) {
			a.RateLimited = st.errorCode(ctx, resp) == CodeRateLimited
			a.Envelope = st.envelope
		}
	default:
		a.Reach = st.reach()
		a.Canceled = ctx.Err() != nil
		a.Permanent = permanentError(err)
	}
	v := policy.Decide(a)
	st.outcomeUnknown = v == policy.Unknown
	again := v == policy.Retry && !st.oneShot && ctx.Err() == nil && st.attempts < st.maxAttempts
	wait := time.Duration(0)
	if again {
		wait, again = c.retryWait(ctx, st, advised, hasAdvice)
	}
	switch {
	case again && !c.budget.Take():
		again = false
		st.budgetExhausted = true
	case !again && err == nil && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		c.budget.Succeed()
	}
	c.observeAnswer(ctx, st, resp)
	c.logAttempt(ctx, st, resp, err, again)
	c.observeAttempt(st, resp, err, again, hasAdvice)
	return wait, again
}

// reach is how far the failed attempt got, from the send trace and the
// transport guard.
func (st *callState) reach() policy.Reach {
	switch {
	case st.send.NotProcessed.Load():
		return policy.Unprocessed
	case !st.send.Sent.Load():
		return policy.NotSent
	case st.send.Whole.Load() || st.safe:
		return policy.WholeSent
	}
	return policy.HeadersSent
}

// permanentError reports the transport failures a retry cannot mend,
// from their types.
func permanentError(err error) bool {
	var (
		verr     *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return redirect.Refused(err) || errors.Is(err, stream.ErrReplay) || errors.As(err, &verr) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

// retryWait is the wait before the next attempt: the server's Retry-After
// when it gave one, else the jittered backoff. It refuses a retry whose
// wait the call cannot afford: an advice longer than WithMaxRetryAfter or
// than the context has left, or a wait past WithMaxRetryWaitTotal.
func (c *Client) retryWait(ctx context.Context, st *callState, advised time.Duration, hasAdvice bool) (time.Duration, bool) {
	if hasAdvice {
		if advised > c.maxRetryAfter {
			return 0, false
		}
		if deadline, has := ctx.Deadline(); has && advised > time.Until(deadline) {
			return 0, false
		}
	}
	// A backoff counts at its ceiling: the jitter only shortens it, so the
	// bound holds for the waits made.
	charge := advised
	if !hasAdvice {
		charge = backoff.Ceiling(c.retryWaitMin, c.retryWaitMax, st.attempts-1)
	}
	if charge > c.maxRetryWait-st.waited {
		return 0, false
	}
	st.waited += charge
	if hasAdvice {
		return advised, true
	}
	return backoff.Jitter(charge), true
}

// errorCode is the body code of this attempt's error answer, read once
// however many of the retry policy, the limiter and the observer ask.
func (st *callState) errorCode(ctx context.Context, resp *http.Response) ErrorCode {
	if st.answerCode < 0 {
		e := peekErrorBody(ctx, resp)
		st.answerCode, st.envelope = e.Code, e.Code != 0 || e.Message != ""
	}
	return st.answerCode
}

// peekErrorBody reads an error body (capped at 1 MiB) to parse it, and puts
// the bytes back so that the caller can still build the error from it.
func peekErrorBody(ctx context.Context, resp *http.Response) *APIError {
	body := readErrorBody(ctx, resp)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if int64(len(body)) > maxErrorBodyBytes {
		body = body[:maxErrorBodyBytes]
	}
	return parseErrorBody(body)
}

// readErrorBody reads at most 1 MiB + 1 byte of a non-2xx body, and no
// longer than ctx lives: the transport ties most bodies to the request's
// context, but not all (the body of a 101 answer is the bare connection), and
// a server that holds its body open must not hold the call past its deadline.
func readErrorBody(ctx context.Context, resp *http.Response) []byte {
	stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
	defer stop()
	body, _ := stream.ReadLimited(nil, resp.Body, maxErrorBodyBytes, resp.ContentLength)
	return body
}

// logAttempt logs under the call's context, so that a handler that reads a
// trace or request id from it (as tracing bridges for slog do) can add it.
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

// httpClientWithRedirectPolicy copies hc (or a default client) and installs
// the redirect policy (internal/redirect) and the send-once guard.
func httpClientWithRedirectPolicy(hc *http.Client) *http.Client {
	var out http.Client
	if hc != nil {
		out = *hc
	} else {
		out.Transport = NewTransport()
	}
	out.Transport = sendonce.Wrap(out.Transport)
	out.CheckRedirect = redirect.Policy(out.CheckRedirect)
	return &out
}
