package sendonce

import (
	"net/http"
	"runtime"
	"sync"
	"weak"
)

// The transports NewTransport made, until a Client first uses them: then
// takeHTTP2 (h2.go for Go 1.26, h2_go127.go from Go 1.27) decides whether
// their HTTP/2 layer resends only requests the server did not process
// (REFUSED_STREAM, a GOAWAY above the last processed stream, an unusable
// connection), never after a peer's PROTOCOL_ERROR. That is what lets an
// unsafe call be retried after a refused stream or a graceful GOAWAY
// without ever being sent twice. It is decided when a Client takes the
// transport, not in NewTransport, so that a caller may still replace
// TLSClientConfig.
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
// whose HTTP/2 layer resends only unprocessed requests, deciding it on
// first use.
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
	s.once.Do(func() { s.trusted = takeHTTP2(t) })
	return s.trusted
}
