package chatadminotel_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/otel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The emulator's token and the ids used in the tests: none may show up in
// any span or metric attribute.
const (
	token     = "otel-test-token-5ecret-4711"
	channelID = "lobby-4711"
	userID    = "mallory-0815"
)

type harness struct {
	srv    *chatadmintest.Server
	client *chatadmin.Client
	rec    *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
}

func newHarness(t *testing.T, opts ...chatadmin.Option) *harness {
	t.Helper()
	h := &harness{srv: chatadmintest.NewServer(chatadmintest.WithToken(token)), rec: tracetest.NewSpanRecorder(),
		reader: sdkmetric.NewManualReader()}
	t.Cleanup(h.srv.Close)
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.rec))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(h.tp), chatadminotel.WithMeterProvider(mp))
	require.NoError(t, err)
	all := append([]chatadmin.Option{chatadmin.WithBaseURL(h.srv.URL), chatadmin.WithObserver(obs),
		chatadmin.WithRetryWait(time.Millisecond, 2*time.Millisecond)}, opts...)
	h.client, err = chatadmin.NewClient(token, all...)
	require.NoError(t, err)
	t.Cleanup(h.client.CloseIdleConnections)
	return h
}

// ended returns the spans ended since the last call, checking that none
// carries the token, an id or an expanded path.
func (h *harness) ended(t *testing.T) []sdktrace.ReadOnlySpan {
	t.Helper()
	spans := h.rec.Ended()
	h.rec.Reset()
	for _, s := range spans {
		checkClean(t, s.Name(), s.Name())
		checkClean(t, s.Name(), s.Status().Description)
		for _, kv := range s.Attributes() {
			checkClean(t, s.Name(), kv.Value.String())
		}
		for _, ev := range s.Events() {
			for _, kv := range ev.Attributes {
				checkClean(t, s.Name(), kv.Value.String())
			}
		}
	}
	return spans
}

func checkClean(t *testing.T, where, v string) {
	t.Helper()
	for _, secret := range []string{token, channelID, userID, url.PathEscape(channelID), "/api/v2/channel/" + channelID} {
		assert.NotContains(t, v, secret, "%s: an attribute leaks %q", where, secret)
	}
}

// TestRetriedCallSpanTree checks the exact span tree of a call that got a
// 503 and then a 200, under the caller's span.
func TestRetriedCallSpanTree(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.client.Channels.Create(ctx, channelID, nil)
	require.NoError(t, err)
	h.srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel/:channelId/users/ban", Status: 503})
	h.ended(t)

	ctx, parent := h.tp.Tracer("test").Start(ctx, "handler")
	require.NoError(t, h.client.Channels.BanUsers(ctx, channelID, []string{userID}))
	parent.End()
	spans := h.ended(t)
	tree := spanTree(spans)
	t.Logf("span tree of a retried call:\n%s", tree)
	assert.Equal(t, `handler [internal]
  chatadmin.Channels.BanUsers [internal]
      chatadmin.attempts=2
      chatadmin.operation=Channels.BanUsers
      chatadmin.outcome=ok
      http.request.method=POST
      http.response.status_code=200
      server.address=127.0.0.1
      server.port=<port>
      url.template=/api/v2/channel/:channelId/users/ban
    POST /api/v2/channel/:channelId/users/ban [client] status=Error(503)
        chatadmin.error.code=500000
        chatadmin.operation=Channels.BanUsers
        chatadmin.retry.reason=status 503
        error.type=503
        http.request.method=POST
        http.response.status_code=503
        server.address=127.0.0.1
        server.port=<port>
        url.template=/api/v2/channel/:channelId/users/ban
    POST /api/v2/channel/:channelId/users/ban [client]
        chatadmin.operation=Channels.BanUsers
        chatadmin.wait.cause=backoff
        chatadmin.wait.seconds=<seconds>
        http.request.method=POST
        http.request.resend_count=1
        http.response.status_code=200
        server.address=127.0.0.1
        server.port=<port>
        url.template=/api/v2/channel/:channelId/users/ban
`, tree)

	// Times: the attempts lie inside the call, one after the other, and
	// the port is the emulator's.
	require.Len(t, spans, 4)
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	callSpan := byName["chatadmin.Channels.BanUsers"][0]
	a := byName["POST /api/v2/channel/:channelId/users/ban"]
	require.Len(t, a, 2)
	if a[1].StartTime().Before(a[0].StartTime()) {
		a[0], a[1] = a[1], a[0]
	}
	assert.False(t, a[0].StartTime().Before(callSpan.StartTime()))
	assert.False(t, a[1].StartTime().Before(a[0].EndTime()))
	assert.False(t, callSpan.EndTime().Before(a[1].EndTime()))
	u, _ := url.Parse(h.srv.URL)
	assert.Contains(t, callSpan.Attributes(), chatadminotel.KeyServerPort.Int(mustAtoi(t, u.Port())))
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	_, err := fmt.Sscan(s, &n)
	require.NoError(t, err)
	return n
}

// TestOutcomeUnknownSpanTree checks the spans of an unsafe create whose
// connection dropped after the server acted: one attempt, not retried,
// both spans in error as outcome_unknown.
func TestOutcomeUnknownSpanTree(t *testing.T) {
	h := newHarness(t)
	h.srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel", Drop: chatadmintest.DropAfterHandler})
	_, err := h.client.Channels.Create(context.Background(), channelID, nil)
	require.ErrorIs(t, err, chatadmin.ErrOutcomeUnknown)
	tree := spanTree(h.ended(t))
	assert.Equal(t, `chatadmin.Channels.Create [internal] status=Error(outcome_unknown)
    chatadmin.attempts=1
    chatadmin.operation=Channels.Create
    chatadmin.outcome=outcome_unknown
    error.type=outcome_unknown
    http.request.method=POST
    server.address=127.0.0.1
    server.port=<port>
    url.template=/api/v2/channel
  POST /api/v2/channel [client] status=Error(outcome_unknown)
      chatadmin.operation=Channels.Create
      error.type=outcome_unknown
      http.request.method=POST
      server.address=127.0.0.1
      server.port=<port>
      url.template=/api/v2/channel
`, tree)
}

// TestPagedSweepSpans checks that a sweep with Channels.All makes one call
// span per page, each with its one attempt.
func TestPagedSweepSpans(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for i := range 5 {
		_, err := h.client.Channels.Create(ctx, fmt.Sprintf("%s-%d", channelID, i), nil)
		require.NoError(t, err)
	}
	h.ended(t)
	n := 0
	for _, err := range h.client.Channels.All(ctx, &chatadmin.ChannelListOptions{Limit: 2}) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 5, n)
	spans := h.ended(t)
	var calls, attempts int
	for _, s := range spans {
		switch s.Name() {
		case "chatadmin.Channels.List":
			calls++
			assert.False(t, s.Parent().IsValid(), "a page's call span is a root here")
		case "POST /api/v2/channels":
			attempts++
			assert.Equal(t, trace.SpanKindClient, s.SpanKind())
		default:
			t.Errorf("unexpected span %q", s.Name())
		}
	}
	assert.Equal(t, 3, calls, "5 channels in pages of 2")
	assert.Equal(t, 3, attempts)
}

// TestMetricsAfterFaults checks every metric after a run with a 503, a
// rate limit with Retry-After and a success, for a client without a
// limiter (the default one would pace after the 429).
func TestMetricsAfterFaults(t *testing.T) {
	h := newHarness(t, chatadmin.WithRetryBudget(10, 0.5), chatadmin.WithoutRateLimiter())
	ctx := context.Background()
	h.srv.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/roles", Status: 503})
	_, err := h.client.Roles.List(ctx, nil) // 503, then 200
	require.NoError(t, err)
	h.srv.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/roles", Status: 429,
		Header: map[string][]string{"Retry-After": {"1"}}})
	_, err = h.client.Roles.List(ctx, nil) // 429 + 400311, wait 1 s, then 200
	require.NoError(t, err)
	_, err = h.client.Users.List(ctx, nil)
	require.NoError(t, err)
	h.srv.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/users", Status: 404})
	_, err = h.client.Users.List(ctx, nil)
	require.ErrorIs(t, err, chatadmin.ErrNotFound)

	var rm metricdata.ResourceMetrics
	require.NoError(t, h.reader.Collect(ctx, &rm))
	got := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = m
			for _, attrs := range attrSets(m) {
				for _, kv := range attrs.ToSlice() {
					checkClean(t, m.Name, kv.Value.String())
				}
			}
		}
	}

	dur := got[chatadminotel.MetricCallDuration].Data.(metricdata.Histogram[float64])
	counts := map[string]uint64{}
	for _, p := range dur.DataPoints {
		o, _ := p.Attributes.Value(chatadminotel.KeyOperation)
		oc, _ := p.Attributes.Value(chatadminotel.KeyOutcome)
		counts[o.AsString()+"/"+oc.AsString()] += p.Count
		if o.AsString() == "Roles.List" {
			assert.GreaterOrEqual(t, p.Sum, 1.0, "the Retry-After wait is in the call's duration")
		}
	}
	assert.Equal(t, map[string]uint64{"Roles.List/ok": 2, "Users.List/ok": 1, "Users.List/not_found": 1}, counts)

	assert.Equal(t, map[string]int64{"Roles.List": 4, "Users.List": 2},
		sumBy(got[chatadminotel.MetricAttempts], chatadminotel.KeyOperation))
	assert.Equal(t, map[string]int64{chatadmin.RetryReasonStatus503: 1, chatadmin.RetryReasonRateLimited: 1},
		sumBy(got[chatadminotel.MetricRetries], chatadminotel.KeyRetryReason))

	waits := map[string]uint64{}
	for _, p := range got[chatadminotel.MetricWait].Data.(metricdata.Histogram[float64]).DataPoints {
		c, _ := p.Attributes.Value(chatadminotel.KeyWaitCause)
		waits[c.AsString()] += p.Count
		if c.AsString() == "retry_after" {
			assert.GreaterOrEqual(t, p.Sum, 1.0)
		}
	}
	assert.Equal(t, map[string]uint64{"backoff": 1, "retry_after": 1}, waits)

	// Budget 10: two retries spent, then refunds of 0.5 per answered
	// attempt up to the capacity: 10-1+0.5 (roles) -1+0.5 (roles) +0.5
	// +0.5 (users, the 404 included) = 10, capped.
	budget := got[chatadminotel.MetricRetryBudget].Data.(metricdata.Gauge[float64])
	require.Len(t, budget.DataPoints, 1)
	assert.Equal(t, h.client.Stats().RetryBudget, budget.DataPoints[0].Value)
	addr, _ := budget.DataPoints[0].Attributes.Value(chatadminotel.KeyServerAddress)
	assert.Equal(t, "127.0.0.1", addr.AsString())
	_, hasLimiter := got[chatadminotel.MetricLimiterRate]
	assert.False(t, hasLimiter, "no limiter, no limiter gauge")
}

func sumBy(m metricdata.Metrics, key attribute.Key) map[string]int64 {
	out := map[string]int64{}
	for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
		v, _ := p.Attributes.Value(key)
		out[v.AsString()] += p.Value
	}
	return out
}

func attrSets(m metricdata.Metrics) []attribute.Set {
	var out []attribute.Set
	switch d := m.Data.(type) {
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	case metricdata.Gauge[float64]:
		for _, p := range d.DataPoints {
			out = append(out, p.Attributes)
		}
	}
	return out
}

// TestNoTokenInTransportErrorSpans checks a transport error: its message
// names the route template, never the channel id, and the span keeps only
// the class.
func TestNoTokenInTransportErrorSpans(t *testing.T) {
	h := newHarness(t, chatadmin.WithMaxAttempts(2))
	h.srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel/:channelId/users/ban", Drop: chatadmintest.DropBeforeHandler, Times: 2})
	err := h.client.Channels.BanUsers(context.Background(), channelID, []string{userID})
	require.Error(t, err)
	require.Contains(t, err.Error(), "/api/v2/channel/:channelId/users/ban")
	require.NotContains(t, err.Error(), channelID, "the SDK's error names the route template (issue 16)")
	spans := h.ended(t) // checks every attribute and status
	require.Len(t, spans, 3)
	for _, s := range spans {
		assert.Equal(t, "Error", s.Status().Code.String(), s.Name())
	}
}
