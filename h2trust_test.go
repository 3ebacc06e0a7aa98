//go:build !go1.27

package chatadmin

// newTransportRetriesUnprocessed says whether NewTransport's HTTP/2 layer
// is golang.org/x/net/http2's, whose resends the SDK may turn into retries
// of unsafe calls (internal/sendonce/h2.go). From Go 1.27 x/net hands
// HTTP/2 to net/http and no transport is trusted (h2trust_go127_test.go).
const newTransportRetriesUnprocessed = true
