// Command otelbench prices the Observer hook and the OpenTelemetry adapter
// per call: one small call (ban 1 user, answer "OK") against a loopback
// server, made without an Observer (the default), with an Observer that
// does nothing (the hook's own cost), with chatadminotel on no-op
// providers, and with it on the real OTel SDK (a span processor that drops spans and a manual
// metric reader: the SDK's own cost, not an exporter's). The variants take
// turns in every round, and it prints each run's CPU per call and the
// ratios to the default, then their medians and spreads (BENCHMARKS.md §5):
//
//	go run ./internal/cmd/otelbench -runs 5 -rounds 10   # in otel/
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/internal/paired"
	chatadminotel "github.com/chatadmin/chatadmin-go/otel"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

func main() {
	runs := flag.Int("runs", 5, "runs; each gives one ratio per variant")
	rounds := flag.Int("rounds", 5, "rounds per run; the variants take turns in each")
	calls := flag.Int("calls", 0, "calls per variant per round; 0: as many as take about 200 ms")
	flag.Parse()
	if err := run(*runs, *rounds, *calls); err != nil {
		fmt.Fprintln(os.Stderr, "otelbench:", err)
		os.Exit(1)
	}
}

func run(runs, rounds, calls int) error {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", "2")
		_, _ = w.Write([]byte("OK"))
	}))
	defer srv.Close()

	noopObs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		chatadminotel.WithMeterProvider(noop.NewMeterProvider()))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	sdkObs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tp), chatadminotel.WithMeterProvider(mp))
	if err != nil {
		return err
	}

	ids := []string{"user-1"}
	var variants []paired.Variant
	for _, v := range []struct {
		name string
		obs  chatadmin.Observer
	}{{"none", nil}, {"hook-noop", nopObserver{}}, {"otel-noop", noopObs}, {"otel-sdk", sdkObs}} {
		opts := []chatadmin.Option{chatadmin.WithBaseURL(srv.URL)}
		if v.obs != nil {
			opts = append(opts, chatadmin.WithObserver(v.obs))
		}
		c, err := chatadmin.NewClient("bench-token-123456", opts...)
		if err != nil {
			return err
		}
		defer c.CloseIdleConnections()
		variants = append(variants, paired.Variant{Name: v.name, Call: func() error {
			return c.Channels.BanUsers(context.Background(), "lobby", ids)
		}})
	}

	fmt.Printf("otelbench: ban 1 user on loopback, %d runs × %d rounds × %d calls per variant, %s, GOMAXPROCS=%d\n",
		runs, rounds, calls, runtime.Version(), runtime.GOMAXPROCS(0))
	ratios, err := paired.Calls(os.Stdout, variants, runs, rounds, calls)
	if err != nil {
		return err
	}
	fmt.Println("\nCPU per call (process: client and loopback server), ratio to no Observer:")
	for i, r := range ratios {
		fmt.Printf("  %-10s %s\n", variants[i+1].Name, r)
	}
	return nil
}

// nopObserver is the cheapest Observer: what it costs is the hook's.
type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ *chatadmin.CallStart) (context.Context, chatadmin.CallObserver) {
	return ctx, nopObserver{}
}
func (nopObserver) Attempt(*chatadmin.AttemptEvent) {}
func (nopObserver) End(*chatadmin.CallEnd)          {}

// discard is a span processor that drops ended spans.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }
