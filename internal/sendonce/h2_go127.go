//go:build go1.27

package sendonce

import "net/http"

// takeHTTP2: from Go 1.27 golang.org/x/net/http2 hands HTTP/2 to net/http,
// whose own HTTP/2 layer resends a request only when the server did not
// process it (canRetryError in net/http/internal/http2: an unusable
// connection, a graceful GOAWAY, REFUSED_STREAM), the rule x/net had; the
// bundled copy's resend after a peer's PROTOCOL_ERROR is gone. So t is
// trusted as it is, unless its HTTP/2 layer was replaced before a Client
// first used it (an "h2" entry in TLSNextProto), which could resend
// anything.
func takeHTTP2(t *http.Transport) bool {
	_, replaced := t.TLSNextProto["h2"]
	return !replaced
}
