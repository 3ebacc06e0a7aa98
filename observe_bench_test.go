package chatadmin

import (
	"context"
	"testing"
)

// noopObserver is the cheapest Observer: it keeps nothing, so what it costs
// is the hook itself (BENCHMARKS.md, "Observability").
type noopObserver struct{}

func (noopObserver) StartCall(ctx context.Context, _ *CallStart) (context.Context, CallObserver) {
	return ctx, noopCall{}
}

type noopCall struct{}

func (noopCall) Attempt(*AttemptEvent) {}
func (noopCall) End(*CallEnd)          {}

// BenchmarkObserverChannelsQuery and BenchmarkObserverMessageCreate pair a
// call without an Observer (the default) with the same call under a no-op
// Observer:
//
//	go test -run '^$' -bench 'Observer' -benchmem -count 6 .
func BenchmarkObserverChannelsQuery(b *testing.B) {
	srv := benchServer(b, channelsPage(100))
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"observer=none", nil}, {"observer=noop", []Option{WithObserver(noopObserver{})}}} {
		b.Run(mode.name, func(b *testing.B) {
			c := benchClient(b, srv, mode.opts...)
			opts := &ChannelListOptions{Limit: 100}
			b.ReportAllocs()
			for b.Loop() {
				page, err := c.Channels.List(context.Background(), opts)
				if err != nil || len(page.Items) != 100 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkObserverMessageCreate(b *testing.B) {
	srv := benchServer(b, messagesPage(1))
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"observer=none", nil}, {"observer=noop", []Option{WithObserver(noopObserver{})}}} {
		b.Run(mode.name, func(b *testing.B) {
			c := benchClient(b, srv, mode.opts...)
			req := &MessageCreateRequest{Text: "hello, world"}
			b.ReportAllocs()
			for b.Loop() {
				m, err := c.Messages.Create(context.Background(), "lobby", req)
				if err != nil || m.MessageID == "" {
					b.Fatal(err)
				}
			}
		})
	}
}
