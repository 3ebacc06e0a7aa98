package chatadmin

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Observer sees every call a Client makes and every HTTP attempt inside
// it, for tracing and metrics (the chatadminotel module adapts it to
// OpenTelemetry). Install one with WithObserver.
//
// A call is one SDK method invocation that reaches the network (Pages and
// All make one List call per page); input refused before sending makes no
// call. StartCall is invoked when the call starts and returns the context
// the call runs under, so that a tracer can start a span for the call and
// have everything below it (an instrumented transport, header propagation)
// nest under that span; return ctx itself to change nothing. The returned
// CallObserver receives one Attempt per HTTP attempt, after the attempt,
// and one End. Attempts are reported after the fact, carrying their start
// and end times, rather than through a start/end pair, so an attempt span
// is made with explicit timestamps.
//
// The context StartCall returns lends the call its values (a span); the
// call keeps the caller's deadline and cancellation and its own state
// whatever it returns, so a tracer that starts from context.Background()
// cannot make a call outlive its deadline or lose its send-once guard.
//
// Events are passed by pointer and are valid only during the method call:
// copy what you keep. The methods of one CallObserver are called from the
// call's goroutine, one after another; StartCall is called concurrently
// for concurrent calls. Events never carry the token, a body, a query
// string or an expanded path: only the route template.
//
// With no Observer installed nothing of this runs and calls cost what they
// did before (BENCHMARKS.md, "Observability").
type Observer interface {
	StartCall(ctx context.Context, call *CallStart) (context.Context, CallObserver)
}

// CallObserver receives the events of one call. See Observer.
type CallObserver interface {
	// Attempt reports an HTTP attempt once its response headers (or its
	// transport error) arrived and the retry policy has decided.
	Attempt(a *AttemptEvent)
	// End reports the call's result. For a call that returns a value the
	// body has been read and decoded; for a download, the headers have
	// arrived and the caller now holds the body.
	End(e *CallEnd)
}

// WithObserver installs an Observer that sees every call and attempt. nil
// removes it.
func WithObserver(o Observer) Option {
	return func(c *config) error { c.observer = o; return nil }
}

// CallStart describes a call as it starts.
type CallStart struct {
	// Op names the SDK method: the service field and the Go method name,
	// e.g. "Channels.BanUsers".
	Op string
	// Method is the HTTP method; Route the route template, e.g.
	// "/api/v2/channel/:channelId/users/ban", never the expanded path (ids
	// can be personal data).
	Method, Route string
	// ServerAddress and ServerPort are the base URL's host and port (the
	// scheme's default port when the URL has none).
	ServerAddress string
	ServerPort    int
	// Idempotent is false for calls that are not retried once sent
	// (creates, uploads, close) unless WithRetrySafe was given.
	Idempotent bool
	Start      time.Time
}

// WaitCause says what held an attempt back before it was sent.
type WaitCause uint8

// Causes of a wait before an attempt.
const (
	WaitNone       WaitCause = iota // the first attempt: nothing waited
	WaitBackoff                     // the jittered exponential backoff
	WaitRetryAfter                  // the server's Retry-After advice
	WaitLimiter                     // the client-side rate limiter (WithRateLimiter)
)

// String is the cause as a metric attribute value: "none", "backoff",
// "retry_after" or "limiter".
func (w WaitCause) String() string {
	return [...]string{"none", "backoff", "retry_after", "limiter", "none"}[min(w, 4)]
}

// Retry reasons: why an attempt is followed by another. The set is small
// and fixed (the retry policy retries nothing else), so the values can be
// metric attributes.
const (
	RetryReasonTransport   = "transport error"
	RetryReasonStatus429   = "status 429"
	RetryReasonStatus500   = "status 500"
	RetryReasonStatus502   = "status 502"
	RetryReasonStatus503   = "status 503"
	RetryReasonStatus504   = "status 504"
	RetryReasonRateLimited = "code 400311"
)

// AttemptEvent describes one HTTP attempt.
type AttemptEvent struct {
	Attempt int // 1 for the first
	// Start is when the attempt was handed to the transport (after any
	// wait); End when its response headers or its error arrived.
	Start, End time.Time
	// RetryWait is the time between the previous attempt's end and this
	// one's start, less LimiterWait; RetryWaitCause says whether it was
	// the backoff or the server's Retry-After (WaitNone on attempt 1).
	RetryWait      time.Duration
	RetryWaitCause WaitCause
	// LimiterWait is the time the rate limiter held this attempt (cause
	// WaitLimiter); 0 without a limiter.
	LimiterWait time.Duration
	StatusCode  int       // 0 when no response arrived
	Code        ErrorCode // the error body's API code, when the response was an error with one
	Err         error     // the transport error, with the token scrubbed; nil when a response arrived
	// OutcomeUnknown is set when the request was sent, no answer came and
	// the call is not safe to repeat: the server may have acted.
	OutcomeUnknown bool
	// Retry says another attempt follows; RetryReason says why (one of the
	// RetryReason… constants).
	Retry       bool
	RetryReason string
}

// Outcome classifies how a call ended, by error family: the values are
// few and fixed, fit for metric attributes and span error types.
type Outcome string

// Outcomes of a call.
const (
	OutcomeOK                 Outcome = "ok"
	OutcomeOutcomeUnknown     Outcome = "outcome_unknown"
	OutcomeCanceled           Outcome = "canceled"
	OutcomeDeadlineExceeded   Outcome = "deadline_exceeded"
	OutcomeTransportError     Outcome = "transport_error"
	OutcomeUnexpectedResponse Outcome = "unexpected_response"
	OutcomeBadRequest         Outcome = "bad_request"
	OutcomeUnauthorized       Outcome = "unauthorized"
	OutcomeForbidden          Outcome = "forbidden"
	OutcomeMuted              Outcome = "muted"
	OutcomeBanned             Outcome = "banned"
	OutcomeContentRejected    Outcome = "content_rejected"
	OutcomeNotFound           Outcome = "not_found"
	OutcomeConflict           Outcome = "conflict"
	OutcomeRateLimited        Outcome = "rate_limited"
	OutcomeServerError        Outcome = "server_error"
	OutcomeAPIError           Outcome = "api_error" // an *APIError of no family
)

// ErrorOutcome classifies err as an Outcome; nil is OutcomeOK.
func ErrorOutcome(err error) Outcome {
	if err == nil {
		return OutcomeOK
	}
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		return OutcomeOutcomeUnknown
	case errors.Is(err, context.Canceled):
		return OutcomeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return OutcomeDeadlineExceeded
	case errors.Is(err, ErrUnexpectedResponse):
		return OutcomeUnexpectedResponse
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return OutcomeTransportError
	}
	for _, f := range outcomeFamilies {
		if errors.Is(apiErr, f.err) {
			return f.outcome
		}
	}
	return OutcomeAPIError
}

var outcomeFamilies = []struct {
	err     error
	outcome Outcome
}{
	{ErrRateLimited, OutcomeRateLimited},
	{ErrServer, OutcomeServerError},
	{ErrBadRequest, OutcomeBadRequest},
	{ErrUnauthorized, OutcomeUnauthorized},
	{ErrForbidden, OutcomeForbidden},
	{ErrMuted, OutcomeMuted},
	{ErrBanned, OutcomeBanned},
	{ErrContentRejected, OutcomeContentRejected},
	{ErrNotFound, OutcomeNotFound},
	{ErrConflict, OutcomeConflict},
}

// CallEnd describes a call's result.
type CallEnd struct {
	End      time.Time
	Attempts int
	Err      error // what the caller got
	Outcome  Outcome
	// StatusCode is the last response's status (0 when none arrived);
	// Code the API error code the caller got, if any.
	StatusCode int
	Code       ErrorCode
	// Stats is the client's state as the call ends, for gauges.
	Stats ClientStats
}

// ClientStats is the client-wide state that shapes retries and pacing.
type ClientStats struct {
	// RetryBudget is the number of retries in hand (WithRetryBudget), and
	// RetryBudgetCapacity its ceiling; both are 0 when the budget is off.
	RetryBudget, RetryBudgetCapacity float64
	// LimiterRate is the rate, in requests per second, that the client's
	// rate limiter allows now; 0 without a limiter or while it does not
	// pace (the default limiter before the first throttle).
	LimiterRate float64
}

// Stats reports the client's retry budget and rate limiter state.
func (c *Client) Stats() ClientStats {
	var s ClientStats
	if c.budget != nil {
		s.RetryBudget, s.RetryBudgetCapacity = c.budget.Level()
	}
	s.LimiterRate = c.limiterRate()
	return s
}

// limiterRate is the rate limiter's current rate (requests per second),
// for a Limiter that reports one (see Limiter), else 0; 0 too for +Inf,
// no pacing, which a metrics backend cannot plot.
func (c *Client) limiterRate() float64 {
	if r, ok := c.limiter.(interface{ Rate() float64 }); ok && !math.IsInf(r.Rate(), 1) {
		return r.Rate()
	}
	return 0
}

// callObservation is a call's observer and what it needs between hooks. It
// exists only when the Client has an Observer, so that calls without one
// pay a nil check and nothing else.
type callObservation struct {
	obs         CallObserver
	start       CallStart
	attempt     AttemptEvent
	end         CallEnd
	lastEnd     time.Time // end of the previous attempt
	waitCause   WaitCause // of the wait before the next attempt
	limiterWait time.Duration
	status      int // of the last response
}

// observeCall starts observing a call and returns the context the
// Observer chose (see bindCall for what the call keeps of it).
func (c *Client) observeCall(ctx context.Context, st *callState) context.Context {
	ob := &callObservation{start: CallStart{
		Op: st.ep.op, Method: st.ep.method, Route: st.ep.route,
		ServerAddress: c.serverAddress, ServerPort: c.serverPort,
		Idempotent: st.safe, Start: time.Now(),
	}}
	octx, obs := c.observer.StartCall(ctx, &ob.start)
	if obs == nil {
		return nil
	}
	ob.obs = obs
	st.ob = ob
	return octx
}

// noteLimiterWait records that the rate limiter held the coming attempt for
// d. The limiter's wait comes before the attempt's start is stamped, so
// that the attempt's span does not include it.
func (st *callState) noteLimiterWait(d time.Duration) {
	if st.ob != nil {
		st.ob.limiterWait += d
	}
}

// observeAttempt reports the attempt that just ended, with the policy's
// final decision. An Observer that panics is let panic, after the
// response's body is closed: the connection is not leaked with it.
func (c *Client) observeAttempt(st *callState, resp *http.Response, err error, retry, advised bool) {
	ob := st.ob
	if ob == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			if resp != nil {
				resp.Body.Close()
			}
			panic(p)
		}
	}()
	now := time.Now()
	a := &ob.attempt
	*a = AttemptEvent{Attempt: st.attempts, Start: st.attemptStart, End: now,
		LimiterWait: ob.limiterWait, Err: err, OutcomeUnknown: st.outcomeUnknown, Retry: retry}
	if st.attempts > 1 {
		a.RetryWait = max(st.attemptStart.Sub(ob.lastEnd)-ob.limiterWait, 0)
		a.RetryWaitCause = ob.waitCause
	}
	if resp != nil {
		a.StatusCode = resp.StatusCode
		ob.status = resp.StatusCode
		if resp.StatusCode >= 400 {
			a.Code = st.errorCode(resp.Request.Context(), resp)
		}
	}
	if retry {
		a.RetryReason = retryReason(a.StatusCode, a.Code)
		ob.waitCause = WaitBackoff
		if advised {
			ob.waitCause = WaitRetryAfter
		}
	}
	ob.obs.Attempt(a)
	ob.lastEnd = now
	ob.limiterWait = 0
}

// retryReason is one of the RetryReason… values: the statuses the policy
// retries are spelled "status N".
func retryReason(status int, code ErrorCode) string {
	switch {
	case status == 0:
		return RetryReasonTransport
	case code == CodeRateLimited:
		return RetryReasonRateLimited
	}
	return "status " + strconv.Itoa(status)
}

// observeEnd reports the end of the call whose state is st (nil when the
// call failed before sending) with the error the caller gets.
func (c *Client) observeEnd(st *callState, err *error) {
	if st == nil || st.ob == nil {
		return
	}
	ob := st.ob
	st.ob = nil // report once
	e := &ob.end
	*e = CallEnd{End: time.Now(), Attempts: st.attempts, Err: *err, Outcome: ErrorOutcome(*err),
		StatusCode: ob.status, Stats: c.Stats()}
	var apiErr *APIError
	if errors.As(*err, &apiErr) {
		e.Code = apiErr.Code
		if apiErr.StatusCode != 0 {
			e.StatusCode = apiErr.StatusCode
		}
	}
	ob.obs.End(e)
}
