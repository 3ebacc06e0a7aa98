// Package chatadminotel reports the calls of a chatadmin.Client to
// OpenTelemetry: a span per call with a child span per HTTP attempt, and
// metrics for call durations, attempts, retries, waits, the retry budget
// and the rate limiter.
//
//	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tp), chatadminotel.WithMeterProvider(mp))
//	client, err := chatadmin.NewClient(token, chatadmin.WithObserver(obs))
//
// The call span (kind internal) is named after the SDK method,
// "chatadmin.Channels.BanUsers"; it is a child of the span in the caller's
// context and the parent of everything the call does, including the spans
// of an instrumented transport. Each attempt is a client span named
// "POST /api/v2/channel/:channelId/users/ban" with the HTTP client
// semantic-convention attributes, as otelhttp makes them, plus the wait
// before it and why it was retried. Spans and metrics carry the route
// template, never the expanded path (ids can be personal data), and never
// the token, a body, a query string or an error message (which can quote a
// URL).
package chatadminotel

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/chatadmin/chatadmin-go/otel"

// Attribute keys: the semantic-convention HTTP client keys, and the
// chatadmin-specific ones.
const (
	KeyHTTPMethod    = attribute.Key("http.request.method")
	KeyURLTemplate   = attribute.Key("url.template")
	KeyStatusCode    = attribute.Key("http.response.status_code")
	KeyResendCount   = attribute.Key("http.request.resend_count")
	KeyServerAddress = attribute.Key("server.address")
	KeyServerPort    = attribute.Key("server.port")
	KeyErrorType     = attribute.Key("error.type")

	KeyOperation   = attribute.Key("chatadmin.operation")    // "Channels.BanUsers"
	KeyErrorCode   = attribute.Key("chatadmin.error.code")   // the API's error code, e.g. 400311
	KeyOutcome     = attribute.Key("chatadmin.outcome")      // chatadmin.Outcome of the call
	KeyAttempts    = attribute.Key("chatadmin.attempts")     // attempts the call made
	KeyRetryReason = attribute.Key("chatadmin.retry.reason") // why an attempt was retried
	KeyWaitCause   = attribute.Key("chatadmin.wait.cause")   // backoff, retry_after, limiter
	KeyWait        = attribute.Key("chatadmin.wait.seconds") // retry wait before an attempt
	KeyLimiterWait = attribute.Key("chatadmin.limiter.wait.seconds")
)

// Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider (default: the global one).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the meter provider (default: the global one).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// Observer is a chatadmin.Observer that reports to OpenTelemetry. One
// Observer can serve many Clients; it is safe for concurrent use.
type Observer struct {
	tracer trace.Tracer
	m      instruments
	ops    opCache

	mu    sync.Mutex
	stats map[server]chatadmin.ClientStats // last seen, per server
	reg   metric.Registration
}

type server struct {
	addr string
	port int
}

var _ chatadmin.Observer = (*Observer)(nil)

// New returns an Observer. It fails only if the meter provider refuses to
// create an instrument.
func New(opts ...Option) (*Observer, error) {
	cfg := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		o(&cfg)
	}
	o := &Observer{
		tracer: cfg.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(chatadmin.Version)),
		stats:  make(map[server]chatadmin.ClientStats),
	}
	meter := cfg.mp.Meter(ScopeName, metric.WithInstrumentationVersion(chatadmin.Version))
	if err := o.m.init(meter); err != nil {
		return nil, fmt.Errorf("chatadminotel: %w", err)
	}
	reg, err := meter.RegisterCallback(o.observeGauges, o.m.budget, o.m.limiterRate)
	if err != nil {
		return nil, fmt.Errorf("chatadminotel: %w", err)
	}
	o.reg = reg
	return o, nil
}

// Shutdown unregisters the gauges' callback, for an Observer that is done
// while its meter provider lives on.
func (o *Observer) Shutdown() error { return o.reg.Unregister() }

// Span kinds, as start options made once.
var (
	kindInternal = trace.WithSpanKind(trace.SpanKindInternal)
	kindClient   = trace.WithSpanKind(trace.SpanKindClient)
)

// StartCall starts the call's span under ctx's span and returns ctx with
// the call's span in it.
func (o *Observer) StartCall(ctx context.Context, cs *chatadmin.CallStart) (context.Context, chatadmin.CallObserver) {
	a := o.attrsFor(cs)
	c := &call{o: o, a: a, start: cs.Start}
	// The attributes go in at the start, where a sampler sees them; the
	// option that carries them is built once per operation. The options
	// live in c, which is allocated anyway.
	c.opts = [...]trace.SpanStartOption{kindInternal, a.callStart, trace.WithTimestamp(cs.Start)}
	spanCtx, span := o.tracer.Start(ctx, a.callName, c.opts[:]...)
	if !span.IsRecording() && !span.SpanContext().IsValid() && !o.m.enabled() {
		// A no-op provider, for traces and metrics: nothing to record and
		// no trace context to pass on. The caller's ctx goes on unchanged,
		// which spares the call a copy of its request. (The gauges then
		// show the client state as of the last call that recorded.)
		return ctx, nopCall{}
	}
	c.ctx, c.span = spanCtx, span
	return spanCtx, c
}

// nopCall is the CallObserver of a call that records nothing.
type nopCall struct{}

func (nopCall) Attempt(*chatadmin.AttemptEvent) {}
func (nopCall) End(*chatadmin.CallEnd)          {}

// call reports one call.
type call struct {
	o     *Observer
	a     *opAttrs
	start time.Time
	ctx   context.Context // with the call's span
	span  trace.Span
	opts  [3]trace.SpanStartOption
}

// Attempt makes the attempt's client span after the fact, with the
// attempt's own start and end times, and counts it.
func (c *call) Attempt(a *chatadmin.AttemptEvent) {
	// An attempt span is made only under a call span that records: a
	// no-op provider or an unsampled trace then costs no span at all (a
	// child of an unsampled call would not be sampled either, and one
	// recorded alone would have no parent to belong to).
	if c.span.IsRecording() {
		c.attemptSpan(a)
	}
	ctx := context.Background()
	m := &c.o.m
	if m.attempts.Enabled(ctx) {
		m.attempts.Add(ctx, 1, c.a.attempts...)
	}
	if a.Retry && m.retries.Enabled(ctx) {
		m.retries.Add(ctx, 1, c.a.retry(a.RetryReason)...)
	}
	if (a.RetryWaitCause != chatadmin.WaitNone || a.LimiterWait > 0) && m.wait.Enabled(ctx) {
		if a.RetryWaitCause != chatadmin.WaitNone {
			m.wait.Record(ctx, a.RetryWait.Seconds(), c.a.wait(a.RetryWaitCause)...)
		}
		if a.LimiterWait > 0 {
			m.wait.Record(ctx, a.LimiterWait.Seconds(), c.a.wait(chatadmin.WaitLimiter)...)
		}
	}
}

// attemptSpan records the attempt's span.
func (c *call) attemptSpan(a *chatadmin.AttemptEvent) {
	errType := attemptErrorType(a)
	_, span := c.o.tracer.Start(c.ctx, c.a.attemptName, kindClient, trace.WithTimestamp(a.Start))
	// The attributes are set after the start, and only on a span that
	// records.
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 14)
		attrs = append(attrs, c.a.spanAttrs...)
		if a.Attempt > 1 {
			attrs = append(attrs, KeyResendCount.Int(a.Attempt-1))
		}
		if a.StatusCode != 0 {
			attrs = append(attrs, KeyStatusCode.Int(a.StatusCode))
		}
		if a.Code != 0 {
			attrs = append(attrs, KeyErrorCode.Int(int(a.Code)))
		}
		if errType != "" {
			attrs = append(attrs, KeyErrorType.String(errType))
		}
		if a.Retry {
			attrs = append(attrs, KeyRetryReason.String(a.RetryReason))
		}
		if a.RetryWaitCause != chatadmin.WaitNone {
			attrs = append(attrs, KeyWaitCause.String(a.RetryWaitCause.String()), KeyWait.Float64(a.RetryWait.Seconds()))
		}
		if a.LimiterWait > 0 {
			attrs = append(attrs, KeyLimiterWait.Float64(a.LimiterWait.Seconds()))
		}
		span.SetAttributes(attrs...)
		if errType != "" {
			// The error's text is left out: it can quote the request's URL.
			span.SetStatus(codes.Error, errType)
		}
	}
	span.End(trace.WithTimestamp(a.End))
}

// attemptErrorType is error.type for an attempt: the status code of an
// error response, as the HTTP conventions say, or the kind of failure
// when none arrived.
func attemptErrorType(a *chatadmin.AttemptEvent) string {
	switch {
	case a.StatusCode >= 400:
		return strconv.Itoa(a.StatusCode)
	case a.OutcomeUnknown:
		return string(chatadmin.OutcomeOutcomeUnknown)
	case a.Err != nil:
		return string(chatadmin.ErrorOutcome(a.Err))
	}
	return ""
}

// End ends the call's span and records its duration.
func (c *call) End(e *chatadmin.CallEnd) {
	if c.span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 5)
		attrs = append(attrs, KeyAttempts.Int(e.Attempts), KeyOutcome.String(string(e.Outcome)))
		if e.StatusCode != 0 {
			attrs = append(attrs, KeyStatusCode.Int(e.StatusCode))
		}
		if e.Code != 0 {
			attrs = append(attrs, KeyErrorCode.Int(int(e.Code)))
		}
		if e.Outcome != chatadmin.OutcomeOK {
			attrs = append(attrs, KeyErrorType.String(string(e.Outcome)))
			c.span.SetStatus(codes.Error, string(e.Outcome))
		}
		c.span.SetAttributes(attrs...)
		c.span.End(trace.WithTimestamp(e.End))
	} else {
		c.span.End()
	}

	ctx := context.Background()
	if c.o.m.duration.Enabled(ctx) {
		c.o.m.duration.Record(ctx, e.End.Sub(c.start).Seconds(), c.a.duration(e.Outcome)...)
	}
	c.o.mu.Lock()
	c.o.stats[c.a.server] = e.Stats
	c.o.mu.Unlock()
}
