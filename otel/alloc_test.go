package chatadminotel_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// oneCall is the events of a call with a retried attempt and a second
// one, made once so that the allocations counted are the adapter's.
type oneCall struct {
	start    chatadmin.CallStart
	attempts [2]chatadmin.AttemptEvent
	end      chatadmin.CallEnd
}

func newOneCall() *oneCall {
	now := time.Now()
	return &oneCall{
		start: chatadmin.CallStart{Op: "Channels.BanUsers", Method: "POST", Route: "/api/v2/channel/:channelId/users/ban",
			ServerAddress: "127.0.0.1", ServerPort: 8080, Idempotent: true, Start: now},
		attempts: [2]chatadmin.AttemptEvent{
			{Attempt: 1, Start: now, End: now, StatusCode: 503, Retry: true, RetryReason: chatadmin.RetryReasonStatus503},
			{Attempt: 2, Start: now, End: now, StatusCode: 200, RetryWaitCause: chatadmin.WaitBackoff, RetryWait: time.Millisecond},
		},
		end: chatadmin.CallEnd{Attempts: 2, Outcome: chatadmin.OutcomeOK, StatusCode: 200, End: now},
	}
}

// observe drives obs through the call, as a Client would, and returns the
// context StartCall gave.
func (c *oneCall) observe(obs *chatadminotel.Observer) context.Context {
	ctx, co := obs.StartCall(context.Background(), &c.start)
	co.Attempt(&c.attempts[0])
	co.Attempt(&c.attempts[1])
	co.End(&c.end)
	return ctx
}

func TestNoopProvidersCostAlmostNothing(t *testing.T) {
	// On no-op providers the adapter used to build every span and metric
	// attribute set anyway: 29 allocations a call. Now it starts the call
	// span (the tracer might record) and stops there.
	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		chatadminotel.WithMeterProvider(noop.NewMeterProvider()))
	require.NoError(t, err)
	call := newOneCall()
	assert.Equal(t, context.Background(), call.observe(obs), "nothing to pass on: the caller's context goes on")
	allocs := testing.AllocsPerRun(200, func() { call.observe(obs) })
	t.Logf("%.0f allocations per call", allocs)
	assert.LessOrEqual(t, allocs, 3.0, "allocations per call on no-op providers")
}

func TestSDKMetricsReuseAttributeSets(t *testing.T) {
	// With a real meter the attribute sets of an operation are built once,
	// not per call: a call records four measurements without building a set.
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		chatadminotel.WithMeterProvider(mp))
	require.NoError(t, err)
	call := newOneCall()
	call.observe(obs)
	allocs := testing.AllocsPerRun(200, func() { call.observe(obs) })
	t.Logf("%.0f allocations per call", allocs)
	assert.LessOrEqual(t, allocs, 4.0, "allocations per call with the SDK meter and a no-op tracer")
}

func TestUnsampledCallPassesItsTraceContextOn(t *testing.T) {
	// An unsampled call span records nothing but has a trace context that
	// an instrumented transport propagates: StartCall must return it.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tp), chatadminotel.WithMeterProvider(noop.NewMeterProvider()))
	require.NoError(t, err)
	sc := trace.SpanContextFromContext(newOneCall().observe(obs))
	assert.True(t, sc.IsValid())
	assert.False(t, sc.IsSampled())
	require.NoError(t, errors.Join(tp.Shutdown(context.Background())))
}
