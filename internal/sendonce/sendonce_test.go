package sendonce

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
)

// replayer is a transport that writes the request, then resends it the way
// an HTTP/2 layer does after a stream error: through GetBody, or as it is
// when it has no body.
type replayer struct{ sent []string }

func (r *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	for range 2 {
		body := ""
		if req.Body != nil {
			b, _ := io.ReadAll(req.Body)
			body = string(b)
		}
		r.sent = append(r.sent, body)
		if req.Body == nil {
			return nil, errors.New("stream reset")
		}
		nb, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req.Body = nb
	}
	return nil, errors.New("stream reset")
}

func TestTransportGatesReplays(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		next := &replayer{}
		tr := Transport{next: next, trusted: trusted}
		c := &Call{Unsafe: true}
		req, _ := http.NewRequestWithContext(Bind(context.Background(), c), "POST", "http://x/", bytes.NewReader([]byte("a=1")))
		_, err := tr.RoundTrip(req)
		if len(next.sent) != 1 {
			t.Fatalf("trusted %v: sent %d times", trusted, len(next.sent))
		}
		want := ErrResendRefused
		if trusted {
			want = ErrNotProcessed
		}
		if !errors.Is(err, want) || c.NotProcessed.Load() != trusted {
			t.Errorf("trusted %v: err %v, NotProcessed %v", trusted, err, c.NotProcessed.Load())
		}
		if !c.Whole.Load() {
			t.Errorf("a body in memory is whole once sent")
		}
	}
	// A safe call passes through: its resend is harmless.
	next := &replayer{}
	req, _ := http.NewRequestWithContext(Bind(context.Background(), &Call{}), "POST", "http://x/", bytes.NewReader([]byte("a=1")))
	_, _ = Transport{next: next}.RoundTrip(req)
	if len(next.sent) != 2 {
		t.Errorf("safe call sent %d times, want 2", len(next.sent))
	}
}

func TestWholeWatch(t *testing.T) {
	c := &Call{Unsafe: true, Streamed: true}
	var got io.ReadCloser
	next := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		got = req.Body
		b := make([]byte, 2)
		_, _ = req.Body.Read(b)
		if c.Whole.Load() {
			t.Error("whole after 2 of 4 bytes")
		}
		_, _ = io.ReadAll(req.Body)
		return nil, errors.New("done")
	})
	req, _ := http.NewRequestWithContext(Bind(context.Background(), c), "POST", "http://x/", io.NopCloser(bytes.NewReader([]byte("abcd"))))
	req.ContentLength = 4
	_, _ = Transport{next: next}.RoundTrip(req)
	if got == nil || !c.Whole.Load() {
		t.Error("whole not reported at the end of the body")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
