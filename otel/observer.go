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

// StartCall starts the call's span under ctx's span and returns ctx with
// the call's span in it.
func (o *Observer) StartCall(ctx context.Context, cs *chatadmin.CallStart) (context.Context, chatadmin.CallObserver) {
	c := &call{o: o, start: *cs}
	ctx, c.span = o.tracer.Start(ctx, "chatadmin."+cs.Op,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(cs.Start),
		trace.WithAttributes(
			KeyOperation.String(cs.Op),
			KeyHTTPMethod.String(cs.Method),
			KeyURLTemplate.String(cs.Route),
			KeyServerAddress.String(cs.ServerAddress),
			KeyServerPort.Int(cs.ServerPort),
		))
	c.ctx = ctx
	return ctx, c
}

// call reports one call.
type call struct {
	o     *Observer
	start chatadmin.CallStart
	ctx   context.Context // with the call's span
	span  trace.Span
}

// Attempt makes the attempt's client span after the fact, with the
// attempt's own start and end times, and counts it.
func (c *call) Attempt(a *chatadmin.AttemptEvent) {
	errType := attemptErrorType(a)
	_, span := c.o.tracer.Start(c.ctx, c.start.Method+" "+c.start.Route,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(a.Start))
	// The attributes are set after the start, and only on a span that
	// records: a no-op provider or an unsampled trace then costs nothing
	// more than the span itself.
	if span.IsRecording() {
		attrs := make([]attribute.KeyValue, 0, 14)
		attrs = append(attrs,
			KeyHTTPMethod.String(c.start.Method),
			KeyURLTemplate.String(c.start.Route),
			KeyServerAddress.String(c.start.ServerAddress),
			KeyServerPort.Int(c.start.ServerPort),
			KeyOperation.String(c.start.Op),
		)
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

	ctx := context.Background()
	op := KeyOperation.String(c.start.Op)
	c.o.m.attempts.Add(ctx, 1, metric.WithAttributes(op))
	if a.Retry {
		c.o.m.retries.Add(ctx, 1, metric.WithAttributes(op, KeyRetryReason.String(a.RetryReason)))
	}
	if a.RetryWaitCause != chatadmin.WaitNone {
		c.o.m.wait.Record(ctx, a.RetryWait.Seconds(), metric.WithAttributes(op, KeyWaitCause.String(a.RetryWaitCause.String())))
	}
	if a.LimiterWait > 0 {
		c.o.m.wait.Record(ctx, a.LimiterWait.Seconds(), metric.WithAttributes(op, KeyWaitCause.String(chatadmin.WaitLimiter.String())))
	}
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
	c.span.SetAttributes(KeyAttempts.Int(e.Attempts), KeyOutcome.String(string(e.Outcome)))
	if e.StatusCode != 0 {
		c.span.SetAttributes(KeyStatusCode.Int(e.StatusCode))
	}
	if e.Code != 0 {
		c.span.SetAttributes(KeyErrorCode.Int(int(e.Code)))
	}
	if e.Outcome != chatadmin.OutcomeOK {
		c.span.SetAttributes(KeyErrorType.String(string(e.Outcome)))
		c.span.SetStatus(codes.Error, string(e.Outcome))
	}
	c.span.End(trace.WithTimestamp(e.End))

	c.o.m.duration.Record(context.Background(), e.End.Sub(c.start.Start).Seconds(), metric.WithAttributes(
		KeyOperation.String(c.start.Op), KeyOutcome.String(string(e.Outcome)),
		KeyServerAddress.String(c.start.ServerAddress), KeyServerPort.Int(c.start.ServerPort)))
	c.o.mu.Lock()
	c.o.stats[server{c.start.ServerAddress, c.start.ServerPort}] = e.Stats
	c.o.mu.Unlock()
}
