package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
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
	ep      *endpoint
	retry   bool // the call is safe to repeat
	oneShot bool // the body cannot be sent twice

	sent atomic.Bool // this attempt's request headers reached the wire

	// Written by the hooks, which go-retryablehttp runs one after another
	// on the caller's goroutine.
	attempts         int
	attemptStart     time.Time
	nextWait         time.Duration // the server's Retry-After for the next wait
	gaveUpRetryAfter time.Duration // the advised wait we refused to sit out
	outcomeUnknown   bool          // an unsafe request failed after it was sent
	budgetExhausted  bool          // a retry was refused by the client's retry budget
	limiterAsked     time.Time     // when this attempt asked the rate limiter (ratelimit.go)
}

func (st *callState) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{WroteHeaders: func() { st.sent.Store(true) }}
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
	}
	retry := c.shouldRetry(ctx, st, resp, err)
	c.observeAnswer(ctx, st, resp)
	if retry && st.attempts >= c.maxAttempts {
		// go-retryablehttp will not try again: a retry not made must not
		// cost a budget token, nor be logged as one.
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
	c.logAttempt(st, resp, err, retry)
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
	if ctx.Err() != nil || st.oneShot {
		return false
	}
	if err != nil {
		if !st.retry && st.sent.Load() {
			// The server may have acted on it: repeating could duplicate
			// a channel, a message or an upload.
			st.outcomeUnknown = true
			return false
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
		if resp.StatusCode < 400 || peekErrorCode(resp) != CodeRateLimited {
			return false
		}
	}
	wait, ok := retryAfter(resp)
	if !ok {
		return true
	}
	if wait > c.maxRetryAfter {
		st.gaveUpRetryAfter = wait
		return false
	}
	if deadline, has := ctx.Deadline(); has && time.Now().Add(wait).After(deadline) {
		st.gaveUpRetryAfter = wait
		return false
	}
	st.nextWait = wait
	return true
}

// peekErrorCode reads an error body (capped at 1 MiB) to find its code, and
// puts the bytes back so that the caller can still build the error from it.
func peekErrorCode(resp *http.Response) int {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes+1))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if int64(len(body)) > maxErrorBodyBytes {
		body = body[:maxErrorBodyBytes]
	}
	return parseErrorBody(body).Code
}

// retryAfter parses Retry-After as seconds or an HTTP date.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
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
	ceiling := max
	if attempt < 32 && min<<uint(attempt) < max && min<<uint(attempt) > 0 {
		ceiling = min << uint(attempt)
	}
	if ceiling <= 0 {
		return 0
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

func (c *Client) logAttempt(st *callState, resp *http.Response, err error, retry bool) {
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
	c.logger.LogAttrs(context.Background(), level, "chatadmin request", attrs...)
}

// errRedirectDowngrade stops a redirect from https to http, which would send
// the request (and any token a server put in the URL) in clear text.
var errRedirectDowngrade = errors.New("chatadmin: refusing redirect from https to http")

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
	userPolicy := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("chatadmin: stopped after 10 redirects")
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

// minScrubbedSecret is the shortest token scrubbed from responses: masking a
// shorter string would mangle ordinary data (a real token is far longer).
const minScrubbedSecret = 8

// secret is the token, or "" when it is too short to scrub.
func (c *Client) secret() string {
	if len(c.creds.token) < minScrubbedSecret {
		return ""
	}
	return string(c.creds.token)
}

// scrubResponse masks the token in the header values of a response, in
// case a server (or a proxy that dumps request headers into its answer)
// echoed it: header values reach APIError.RequestID, ResponseInfo and logs.
// Bodies are masked by mask once they are read.
func (c *Client) scrubResponse(resp *http.Response) {
	tok := c.secret()
	if tok == "" {
		return
	}
	for _, vs := range resp.Header {
		for i, v := range vs {
			if strings.Contains(v, tok) {
				vs[i] = strings.ReplaceAll(v, tok, redacted)
			}
		}
	}
}

// mask returns body with the token replaced, so that an echoed token cannot
// reach a decoded result, an *APIError or an error string. The common case,
// no trace of the token, costs one search and no allocation. Downloads are
// the caller's files and are never masked.
func (c *Client) mask(body []byte) []byte {
	if len(c.creds.token) < minScrubbedSecret || !bytes.Contains(body, c.creds.token) {
		return body
	}
	return bytes.ReplaceAll(body, c.creds.token, []byte(redacted))
}

// scrubError masks the token in a transport error: net/http quotes the URL
// of a failed request, and a redirect target is the server's to choose.
// Errors still match what they wrapped with errors.Is.
func (c *Client) scrubError(err error) error {
	tok := c.secret()
	if err == nil || tok == "" || !strings.Contains(err.Error(), tok) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err && !strings.Contains(ue.Err.Error(), tok) {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, tok, redacted), Err: ue.Err}
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), tok, redacted), err: err}
}

// scrubbedError is an error whose text had the token in it. It matches the
// original with errors.Is but does not unwrap to it, which would hand the
// token back.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }
