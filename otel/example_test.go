package chatadminotel_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Example wires the adapter to a stdout span exporter and a metric reader,
// against the local emulator. In a service, pass your own providers (or
// none: New uses the global ones).
func Example() {
	srv := chatadmintest.NewServer()
	defer srv.Close()

	exp, err := stdouttrace.New(stdouttrace.WithWriter(os.Stderr), stdouttrace.WithPrettyPrint())
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() { _ = mp.Shutdown(context.Background()) }()

	obs, err := chatadminotel.New(chatadminotel.WithTracerProvider(tp), chatadminotel.WithMeterProvider(mp))
	if err != nil {
		log.Fatal(err)
	}
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithObserver(obs))
	if err != nil {
		log.Fatal(err)
	}
	defer client.CloseIdleConnections()

	// One span "chatadmin.Channels.Create" with one child
	// "POST /api/v2/channel" goes to stderr.
	ch, err := client.Channels.Create(context.Background(), "lobby", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ch.Channel.ChannelID)
	// Output: lobby
}
