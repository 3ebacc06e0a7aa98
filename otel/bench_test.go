package chatadminotel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/otel"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// BenchmarkCallCost runs one small call (ban 1 user, answer "OK") without
// an Observer, the default, with the adapter on no-op providers and on the
// real SDK recording in memory. Its allocation counts are exact; for the
// time ratios, whose variants must take turns in one run, use
// internal/cmd/otelbench (BENCHMARKS.md §5):
//
//	go test -run '^$' -bench CallCost -benchmem -benchtime 3000x .
func BenchmarkCallCost(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", strconv.Itoa(2))
		_, _ = w.Write([]byte("OK"))
	}))
	b.Cleanup(srv.Close)

	noopObs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		chatadminotel.WithMeterProvider(noop.NewMeterProvider()))
	if err != nil {
		b.Fatal(err)
	}
	// The SDK with a recorder that keeps nothing: what the SDK itself costs,
	// without an exporter's.
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	sdkObs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tp), chatadminotel.WithMeterProvider(mp))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		opts []chatadmin.Option
	}{
		{"observer=none", nil},
		{"observer=otel-noop", []chatadmin.Option{chatadmin.WithObserver(noopObs)}},
		{"observer=otel-sdk", []chatadmin.Option{chatadmin.WithObserver(sdkObs)}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			c, err := chatadmin.NewClient("bench-token-123456", append([]chatadmin.Option{chatadmin.WithBaseURL(srv.URL)}, mode.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(c.CloseIdleConnections)
			ids := []string{"user-1"}
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Channels.BanUsers(context.Background(), "lobby", ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discard is a span processor that drops ended spans.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }
