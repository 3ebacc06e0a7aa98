package chatadmin

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// sendOnce wraps the client's transport so that a request which is not
// safe to repeat goes out at most once per attempt the SDK decides on.
//
// net/http's HTTP/2 layer (h2_bundle.go, http2shouldRetryRequest) resends a
// request inside one RoundTrip when the server resets its stream with
// PROTOCOL_ERROR, even after the request was written: the server may have
// acted on it, and the resend duplicates a channel, a message or an upload.
// It resends a request whose Body is nil or NoBody as it is, and any other
// request through Request.GetBody, which go-retryablehttp always sets.
// HTTP/1 resends only idempotent methods, or requests whose body was never
// written.
//
// Two measures, one per kind of body:
//
//   - a request with a body loses GetBody on its way down. The HTTP/2 layer
//     then refuses to resend a body it has already consumed, and HTTP/1 is
//     unaffected: it writes the body it is given. The SDK's own attempts are
//     not affected either: go-retryablehttp opens a new body per attempt.
//     The copy is made here, below http.Client, whose redirect handling
//     still needs GetBody to follow a 307 or 308.
//   - a request without a body (Channels.Close: a POST with an empty form)
//     must keep a nil Body, for HTTP/1 sends "Content-Length: 0" only then (a
//     non-nil empty body goes out chunked). The HTTP/2 layer reports every
//     connection it uses to httptrace's GotConn, a resend included, before
//     it encodes the request's headers; and it validates every header value
//     before writing any byte. So when GotConn comes after this round trip
//     already wrote its headers, the request's header is replaced with one
//     that holds an invalid value: the resend fails before anything reaches
//     the wire, and the failure stays an error after a sent request, which
//     the SDK reports as ErrOutcomeUnknown. Swapping the nil Body for an
//     empty one at that point would also stop the resend, but net/http's
//     rewindBody would then panic on a body type it did not make.
//
// It also tells the call when the transport has an upload's whole body
// (wholeWatch), for a call cut by its context is reported as ErrOutcomeUnknown
// only from then on.
//
// Safe calls pass through untouched: a resend of them is harmless.
//
// A nil next is http.DefaultTransport, read at each call as http.Client
// does (tools such as gock replace it).
type sendOnce struct{ next http.RoundTripper }

func (t sendOnce) transport() http.RoundTripper {
	if t.next == nil {
		return http.DefaultTransport
	}
	return t.next
}

// errResendRefused replaces the error of a resend the transport attempted
// after the request had been written.
var errResendRefused = errors.New("the connection failed after the request was sent, and the transport's attempt to resend it was refused")

// poisonHeader is a header value that every HTTP/2 encoder rejects.
const poisonHeader = "Chatadmin-Resend-Refused"

func (t sendOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	st := stateOf(req.Context())
	if st == nil || st.retry {
		return t.transport().RoundTrip(req)
	}
	// The hooks live in the call's own trace (callState.trace), which the
	// request's context already carries: no second trace, no new context.
	r2 := new(http.Request)
	*r2 = *req
	r2.GetBody = nil
	if r2.Body == http.NoBody {
		r2.Body = nil
	}
	if r2.Body == nil || !st.streamed {
		// A body in memory goes out with the headers, at once: once the
		// headers are sent, the server may have it all.
		st.whole.Store(true)
	} else {
		r2.Body = &wholeWatch{ReadCloser: r2.Body, left: r2.ContentLength, whole: &st.whole}
	}
	st.rtSent.Store(false)
	st.poisoned.Store(false)
	st.inflight.Store(r2)
	resp, err := t.transport().RoundTrip(r2)
	st.inflight.Store(nil)
	if err != nil && st.poisoned.Load() {
		return nil, errResendRefused
	}
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// gotConn is the GotConn hook of an unsafe call. The transport calls it on
// the goroutine that called RoundTrip, before handing the request to the
// connection; after this round trip sent its headers, it can only be a
// resend, which poisoning the header stops (see sendOnce).
func (st *callState) gotConn(httptrace.GotConnInfo) {
	r := st.inflight.Load()
	if r == nil || r.Body != nil || !st.rtSent.Load() || st.poisoned.Load() {
		return
	}
	h := r.Header.Clone()
	h[poisonHeader] = []string{"\n"}
	r.Header = h
	st.poisoned.Store(true)
}

// wholeWatch tells when the transport has read a request body to its end
// (its length, or EOF): from then on the server may receive the whole
// request, and a call cut by its context may have taken effect.
type wholeWatch struct {
	io.ReadCloser
	left  int64 // bytes to go when the length is known (> 0), else <= 0
	whole *atomic.Bool
}

func (w *wholeWatch) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	if w.left > 0 {
		w.left -= int64(n)
		if w.left <= 0 {
			w.whole.Store(true)
		}
	}
	if err == io.EOF {
		w.whole.Store(true)
	}
	return n, err
}

// CloseIdleConnections passes the call on, so that Client.CloseIdleConnections
// still reaches the transport.
func (t sendOnce) CloseIdleConnections() {
	if c, ok := t.transport().(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
