// Package sendonce keeps a request that is not safe to repeat from being
// sent twice by the transport below the SDK, and tells the SDK how far
// each attempt got: its headers written, its whole body handed over, or
// refused unprocessed by the server.
package sendonce

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// Call is one call's send state, shared by the SDK's attempt loop, the
// call's trace and Transport (on the transport's goroutines).
type Call struct {
	Unsafe   bool // guard the call: it must not be sent twice
	Streamed bool // the body is a stream (an upload), not bytes in memory

	Sent         atomic.Bool // this attempt's request headers reached the wire
	Whole        atomic.Bool // the transport has this attempt's whole body
	NotProcessed atomic.Bool // the transport reported the request unprocessed

	// Per round trip, for the header guard.
	inflight atomic.Pointer[http.Request] // the request the transport has
	rtSent   atomic.Bool                  // its headers reached the wire
	poisoned atomic.Bool                  // a resend of it was stopped
}

// Reset starts an attempt.
func (c *Call) Reset() {
	c.Sent.Store(false)
	c.Whole.Store(false)
	c.NotProcessed.Store(false)
}

type callKey struct{}

// Bind returns ctx carrying c for Transport and, for an unsafe call, the
// trace that tells when its headers are written. Bind last: a context
// derived from the result keeps both.
func Bind(ctx context.Context, c *Call) context.Context {
	ctx = context.WithValue(ctx, callKey{}, c)
	if !c.Unsafe {
		// Only a call that must not be repeated once sent needs to know
		// whether it was: the trace costs three allocations per call.
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() {
			c.Sent.Store(true)
			c.rtSent.Store(true)
		},
		GotConn: c.gotConn,
	})
}

// Overlay is ctx, with the values of the context an Observer returned
// (to carry a span) looked up first: the caller's deadline and
// cancellation stay whatever the Observer returned.
func Overlay(ctx, values context.Context) context.Context {
	return overlay{Context: ctx, values: values}
}

type overlay struct {
	context.Context
	values context.Context
}

func (o overlay) Value(key any) any {
	if v := o.values.Value(key); v != nil {
		return v
	}
	return o.Context.Value(key)
}

// Transport wraps a client's transport so that a request which is not
// safe to repeat goes out at most once per attempt the SDK decides on.
//
// An HTTP/2 layer resends a request inside one RoundTrip after some stream
// errors. golang.org/x/net/http2's transport (which NewTransport installs
// with Go 1.26) and net/http's own from Go 1.27 (trust.go) do so only when
// the server did not process the request: REFUSED_STREAM, a GOAWAY whose
// last stream is below the request's, a connection unusable before the
// request went out. net/http's bundled copy of Go 1.26 also resends after
// a peer's PROTOCOL_ERROR, which may come after the server acted. Either resends a request with a body through
// Request.GetBody, and one without a body as it is.
//
// So, for an unsafe call:
//
//   - GetBody is replaced, below http.Client (whose redirects still use the
//     real one), by a gate that never hands the transport a body. Under a
//     trusted transport the gate marks the attempt unprocessed, and the
//     SDK's own policy retries it (an attempt it counts, paces and
//     reports); under any other it refuses, and the lost request is an
//     unknown outcome.
//   - a request without a body (Channels.Close) keeps a nil Body, for
//     HTTP/1 sends "Content-Length: 0" only then. Under a trusted transport
//     its resends are the unprocessed ones and are left alone. Under any
//     other, the HTTP/2 layer reports every connection it uses to
//     httptrace's GotConn, a resend included, before it encodes the
//     request's headers, and it validates every header value before writing
//     any byte; so when GotConn comes after this round trip already wrote its
//     headers, the header is replaced with one that holds an invalid value:
//     the resend fails before anything reaches the wire.
//
// HTTP/1 resends only requests it takes for idempotent (see newRequest for
// the Idempotency-Key header), or whose bytes never reached the wire.
//
// It also tells the call when the transport has an upload's whole body
// (wholeWatch): a call cut by its context is an unknown outcome only from
// then on. Safe calls pass through untouched: a resend of them is harmless.
type Transport struct {
	next    http.RoundTripper // nil: http.DefaultTransport, read at each call as http.Client does (gock replaces it)
	trusted bool              // next's HTTP/2 layer resends only unprocessed requests
}

// Wrap guards next (nil: http.DefaultTransport).
func Wrap(next http.RoundTripper) Transport {
	return Transport{next: next, trusted: trustedTransport(next)}
}

// Trusted reports whether the wrapped transport's HTTP/2 layer resends
// only requests the server did not process.
func (t Transport) Trusted() bool { return t.trusted }

func (t Transport) transport() http.RoundTripper {
	if t.next == nil {
		return http.DefaultTransport
	}
	return t.next
}

// ErrNotProcessed is the error of an attempt that the transport's HTTP/2
// layer found unprocessed (see sendOnce); the policy retries it.
var ErrNotProcessed = errors.New("the server did not process the request (HTTP/2 stream refused or connection going away)")

// ErrResendRefused replaces the error of a resend the transport attempted
// after the request had been written.
var ErrResendRefused = errors.New("the connection failed after the request was sent, and the transport's attempt to resend it was refused")

// poisonHeader is a header value that every HTTP/2 encoder rejects.
const poisonHeader = "Chatadmin-Resend-Refused"

func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(callKey{}).(*Call)
	if c != nil && !c.Unsafe {
		return t.transport().RoundTrip(req)
	}
	if c == nil {
		// Every request of the SDK carries its Call: without one, fail
		// safe (no resend below the SDK) with a Call of its own.
		c = &Call{Unsafe: true}
	}
	r2 := new(http.Request)
	*r2 = *req
	r2.GetBody = func() (io.ReadCloser, error) {
		if t.trusted {
			c.NotProcessed.Store(true)
			return nil, ErrNotProcessed
		}
		return nil, ErrResendRefused
	}
	if r2.Body == http.NoBody {
		r2.Body = nil
	}
	if r2.Body == nil || !c.Streamed {
		// A body in memory goes out with the headers, at once: once the
		// headers are sent, the server may have it all.
		c.Whole.Store(true)
	} else {
		r2.Body = &wholeWatch{ReadCloser: r2.Body, left: r2.ContentLength, whole: &c.Whole}
	}
	if !t.trusted {
		c.rtSent.Store(false)
		c.poisoned.Store(false)
		c.inflight.Store(r2)
	}
	resp, err := t.transport().RoundTrip(r2)
	c.inflight.Store(nil)
	if err != nil && c.poisoned.Load() {
		return nil, ErrResendRefused
	}
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// gotConn is the GotConn hook of an unsafe call. The transport calls it on
// the goroutine that called RoundTrip, before handing the request to the
// connection; after this round trip sent its headers, it can only be a
// resend, which poisoning the header stops (see Transport).
func (c *Call) gotConn(httptrace.GotConnInfo) {
	r := c.inflight.Load()
	if r == nil || r.Body != nil || !c.rtSent.Load() || c.poisoned.Load() {
		return
	}
	h := r.Header.Clone()
	h[poisonHeader] = []string{"\n"}
	r.Header = h
	c.poisoned.Store(true)
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
func (t Transport) CloseIdleConnections() {
	if c, ok := t.transport().(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
