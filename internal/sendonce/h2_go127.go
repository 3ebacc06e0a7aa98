//go:build go1.27

package sendonce

import "net/http"

// From Go 1.27 golang.org/x/net/http2 hands HTTP/2 to net/http (see h2.go):
// no transport is trusted to resend only unprocessed requests.
func Register(*http.Transport) {}

func trustedTransport(http.RoundTripper) bool { return false }
