package chatadminotel

import (
	"context"

	"go.opentelemetry.io/otel/metric"
)

// Metric names. Durations are in seconds, as the conventions advise.
const (
	MetricCallDuration = "chatadmin.client.call.duration" // histogram by operation, outcome, server
	MetricAttempts     = "chatadmin.client.attempts"      // counter by operation
	MetricRetries      = "chatadmin.client.retries"       // counter by operation and retry reason
	MetricWait         = "chatadmin.client.wait.duration" // histogram by operation and wait cause
	MetricRetryBudget  = "chatadmin.client.retry_budget"  // gauge by server: retries in hand
	MetricLimiterRate  = "chatadmin.client.limiter.rate"  // gauge by server: requests/s the limiter allows
)

type instruments struct {
	duration    metric.Float64Histogram
	attempts    metric.Int64Counter
	retries     metric.Int64Counter
	wait        metric.Float64Histogram
	budget      metric.Float64ObservableGauge
	limiterRate metric.Float64ObservableGauge
}

// secondsBuckets suit calls of milliseconds to a minute (a Retry-After
// wait is capped at a minute by default).
var secondsBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// enabled reports whether any of the synchronous instruments records.
func (m *instruments) enabled() bool {
	ctx := context.Background()
	return m.duration.Enabled(ctx) || m.attempts.Enabled(ctx) || m.retries.Enabled(ctx) || m.wait.Enabled(ctx)
}

func (m *instruments) init(meter metric.Meter) error {
	var err error
	if m.duration, err = meter.Float64Histogram(MetricCallDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of chatadmin calls, retries and waits included."),
		metric.WithExplicitBucketBoundaries(secondsBuckets...)); err != nil {
		return err
	}
	if m.attempts, err = meter.Int64Counter(MetricAttempts, metric.WithUnit("{attempt}"),
		metric.WithDescription("HTTP attempts made by chatadmin calls.")); err != nil {
		return err
	}
	if m.retries, err = meter.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts followed by a retry, by reason.")); err != nil {
		return err
	}
	if m.wait, err = meter.Float64Histogram(MetricWait, metric.WithUnit("s"),
		metric.WithDescription("Time an attempt waited before it was sent, by cause (backoff, retry_after, limiter)."),
		metric.WithExplicitBucketBoundaries(secondsBuckets...)); err != nil {
		return err
	}
	if m.budget, err = meter.Float64ObservableGauge(MetricRetryBudget, metric.WithUnit("{retry}"),
		metric.WithDescription("Retries left in the client's retry budget, as of its last call.")); err != nil {
		return err
	}
	m.limiterRate, err = meter.Float64ObservableGauge(MetricLimiterRate, metric.WithUnit("{request}/s"),
		metric.WithDescription("Rate the client's rate limiter allows, as of its last call."))
	return err
}

// observeGauges reports, per server, the client state the last call to it
// ended with. The budget and the limiter change only when calls run, so
// the last call's view is the current one when one Client talks to a
// server; Clients sharing an Observer and a server share one series.
func (o *Observer) observeGauges(_ context.Context, obs metric.Observer) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for srv, st := range o.stats {
		attrs := metric.WithAttributes(KeyServerAddress.String(srv.addr), KeyServerPort.Int(srv.port))
		if st.RetryBudgetCapacity > 0 {
			obs.ObserveFloat64(o.m.budget, st.RetryBudget, attrs)
		}
		if st.LimiterRate > 0 {
			obs.ObserveFloat64(o.m.limiterRate, st.LimiterRate, attrs)
		}
	}
	return nil
}
