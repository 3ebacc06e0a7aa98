//go:build !go1.27

package sendonce

import (
	"net/http"

	"golang.org/x/net/http2"
)

// takeHTTP2 makes t's HTTP/2 layer golang.org/x/net/http2's
// (ConfigureTransports), whose resends are only of requests the server did
// not process (its canRetryError), where net/http's bundled copy of Go 1.26
// also resends after a peer's PROTOCOL_ERROR; the errors that say which
// are not exported by the bundled copy, and reading their text would break
// with any rewording. ConfigureTransports writes "h2" into
// TLSClientConfig. It fails when the transport already serves HTTP/2 (it
// was used before, with net/http's own): t is then guarded, not trusted.
func takeHTTP2(t *http.Transport) bool {
	_, err := http2.ConfigureTransports(t)
	return err == nil
}
