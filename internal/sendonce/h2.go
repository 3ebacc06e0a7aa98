//go:build !go1.27

package sendonce

import (
	"net/http"
	"runtime"
	"sync"
	"weak"

	"golang.org/x/net/http2"
)

// The transports NewTransport made, until a Client first uses them: then
// their HTTP/2 layer becomes golang.org/x/net/http2's (ConfigureTransports),
// whose resends are only of requests the server did not process (its
// canRetryError: REFUSED_STREAM, GOAWAY above the last processed stream, an
// unusable connection), never after a peer's PROTOCOL_ERROR, as net/http's
// bundled copy does. That is what lets an unsafe call be retried after a
// refused stream or a graceful GOAWAY without ever being sent twice: the
// errors that say so are not exported by net/http's bundled HTTP/2, and
// reading their text would break with any rewording.
//
// It is done when a Client takes the transport, not in NewTransport, so
// that a caller may still replace TLSClientConfig (ConfigureTransports
// writes "h2" into it). From Go 1.27, x/net/http2 hands HTTP/2 back to
// net/http, whose resend rules this file does not vouch for: that build
// trusts no transport (h2_go127.go), and every transport is guarded.
var ours sync.Map // weak.Pointer[http.Transport] → *h2Setup

type h2Setup struct {
	once    sync.Once
	trusted bool
}

// Register records a transport NewTransport made: it may be trusted.
func Register(t *http.Transport) {
	key := weak.Make(t)
	ours.Store(key, new(h2Setup))
	runtime.AddCleanup(t, func(k weak.Pointer[http.Transport]) { ours.Delete(k) }, key)
}

// trustedTransport reports whether rt is a transport from NewTransport
// whose HTTP/2 layer is x/net's, configuring it on first use.
func trustedTransport(rt http.RoundTripper) bool {
	t, ok := rt.(*http.Transport)
	if !ok {
		return false
	}
	v, ok := ours.Load(weak.Make(t))
	if !ok {
		return false
	}
	s := v.(*h2Setup)
	s.once.Do(func() {
		// It fails when the transport already serves HTTP/2 (it was used
		// before, with net/http's own): it is then guarded, not trusted.
		_, err := http2.ConfigureTransports(t)
		s.trusted = err == nil
	})
	return s.trusted
}
