package chatadmin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// protoServer starts handler over HTTP/1.1 or, for "HTTP2", over HTTPS with
// HTTP/2, and returns a Client for it (the SDK's transport, trusting the
// server's certificate) with fast retries.
func protoServer(t *testing.T, proto string, handler http.HandlerFunc, opts ...Option) (*httptest.Server, *Client) {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	var all []Option
	if proto == "HTTP2" {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		tr := NewTransport()
		tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		tr.TLSClientConfig.NextProtos = []string{"h2"}
		t.Cleanup(tr.CloseIdleConnections)
		all = []Option{WithHTTPClient(&http.Client{Transport: tr})}
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	t.Cleanup(srv.CloseClientConnections)
	c := newServerClient(t, srv, append(all, opts...)...)
	t.Cleanup(c.CloseIdleConnections)
	return srv, c
}

// TestDeadlineSlowHeaders is promise 4: a server that would send its headers
// after 10 s does not hold a call with a 200 ms deadline.
func TestDeadlineSlowHeaders(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { testDeadlineSlowHeaders(t, p.name) })
	}
}

func testDeadlineSlowHeaders(t *testing.T, proto string) {
	arrived := make(chan struct{}, 1)
	_, c := protoServer(t, proto, func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets net/http notice the client leaving (it
		// watches the connection only once the body is consumed).
		io.Copy(io.Discard, r.Body)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-time.After(10 * time.Second):
			w.Write([]byte(`{"results":[]}`))
		case <-r.Context().Done():
		}
	})
	for _, call := range []struct {
		name    string
		unknown bool // the call is unsafe: a cut answer leaves its outcome unknown
		do      func(ctx context.Context) error
	}{
		{"safe query", false, func(ctx context.Context) error { _, err := c.Channels.List(ctx, nil); return err }},
		{"unsafe create", true, func(ctx context.Context) error {
			_, err := c.Channels.Create(ctx, "x", nil)
			return err
		}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := call.do(ctx)
		elapsed := time.Since(start)
		cancel()
		t.Logf("%s: 200ms deadline against 10s headers returned after %s: %v", call.name, elapsed.Round(time.Millisecond), err)
		assert.ErrorIs(t, err, context.DeadlineExceeded, call.name)
		assert.Less(t, elapsed, 2*time.Second, call.name)
		// The request was written whole before the deadline: an unsafe
		// call may have taken effect, and must say so as well.
		assert.Equal(t, call.unknown, errors.Is(err, ErrOutcomeUnknown), "%s: ErrOutcomeUnknown", call.name)

		// The same with the caller cancelling once the server has the
		// whole request.
		select {
		case <-arrived:
		default:
		}
		ctx, cancel = context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		err = call.do(ctx)
		cancel()
		assert.ErrorIs(t, err, context.Canceled, call.name)
		assert.Equal(t, call.unknown, errors.Is(err, ErrOutcomeUnknown), "%s (cancel): ErrOutcomeUnknown", call.name)
		assert.Equal(t, 1, strings.Count(err.Error(), "chatadmin:"), err.Error())
	}
}

// countingReader yields size zero bytes and records how far it was read
// and whether it was closed.
type countingReader struct {
	size   int64
	read   atomic.Int64
	closed atomic.Bool
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.closed.Load() {
		return 0, errors.New("read after close")
	}
	left := r.size - r.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), left))
	clear(p[:n])
	r.read.Add(int64(n))
	return n, nil
}

func (r *countingReader) Close() error { r.closed.Store(true); return nil }

// TestDeadlineCancelMidUpload: cancelling the context while a large upload
// streams stops it. The upload is an io.MultiReader per attempt (no pipe,
// no writer goroutine), so what must hold is that the call returns, the
// file source is closed and the server stops receiving.
func TestDeadlineCancelMidUpload(t *testing.T) {
	const size = 512 << 20
	var received atomic.Int64
	started, ended := make(chan struct{}), make(chan error, 1)
	srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 32<<10)
		var once bool
		for {
			n, err := r.Body.Read(buf)
			if received.Add(int64(n)) > 1<<20 && !once {
				once = true
				close(started)
			}
			if err != nil {
				ended <- err
				return
			}
			time.Sleep(time.Millisecond) // a slow server
		}
	})
	c := newServerClient(t, srv)
	src := &countingReader{size: size}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var cancelled time.Time
	go func() {
		_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{
			File: typedFile(func() (io.ReadCloser, error) { return src, nil }, size, "big.bin")})
		done <- err
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the upload did not start")
	}
	cancelled = time.Now()
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not return after cancel")
	}
	t.Logf("cancelled after %d KiB had arrived; returned after %s: %v", received.Load()>>10, time.Since(cancelled).Round(time.Millisecond), err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a cancelled call reports the cancellation")
	assert.Eventually(t, src.closed.Load, 5*time.Second, 10*time.Millisecond, "the upload source is closed")
	select {
	case serverErr := <-ended:
		assert.Error(t, serverErr, "the server's read fails: the body ended early")
	case <-time.After(5 * time.Second):
		t.Fatal("the server kept receiving")
	}
	got := received.Load()
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, got, received.Load(), "nothing arrives after the server gave up")
	assert.Less(t, got, int64(size), "the upload stopped before its end")
	assert.Less(t, src.read.Load(), int64(size))
}

// TestDeadlineCancelMidDownload: cancelling the context while a download
// streams fails the next read and closes the connection, so that the
// server's writes fail and it stops sending.
func TestDeadlineCancelMidDownload(t *testing.T) {
	var sent atomic.Int64
	ended := make(chan error, 1)
	srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := make([]byte, 32<<10)
		for sent.Load() < 2<<30 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				ended <- err
				return
			}
		}
		ended <- nil
	})
	c := newServerClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := c.Messages.GetFile(ctx, "m1")
	require.NoError(t, err)
	defer d.Close()
	_, err = io.CopyN(io.Discard, d.Body, 1<<20)
	require.NoError(t, err)
	cancel()
	start := time.Now()
	n, err := io.Copy(io.Discard, d.Body)
	t.Logf("read %d more bytes after cancel, for %s: %v", n, time.Since(start).Round(time.Millisecond), err)
	assert.ErrorIs(t, err, context.Canceled)
	select {
	case serverErr := <-ended:
		assert.Error(t, serverErr, "the server's writes fail once the client is gone")
	case <-time.After(5 * time.Second):
		t.Fatal("the server kept sending")
	}
	t.Logf("the server sent %d MiB in all", sent.Load()>>20)
	assert.Less(t, sent.Load(), int64(1<<30))
}

// TestDeadlineTrickle: a server that sends one byte a second (in its
// headers, in a data body or in a download) does not hold a call past its
// deadline.
func TestDeadlineTrickle(t *testing.T) {
	const deadline = 300 * time.Millisecond
	trickle := func(w io.Writer, flush func(), data string, stop <-chan struct{}) {
		for i := range len(data) {
			if _, err := w.Write([]byte{data[i]}); err != nil {
				return
			}
			flush()
			select {
			case <-time.After(time.Second):
			case <-stop:
				return
			}
		}
	}
	bodyTrickle := func(ct string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(http.StatusOK)
			trickle(w, w.(http.Flusher).Flush, `{"results":[{"channel":{"channelId":"slow"}}]}`, r.Context().Done())
		}
	}
	stop := make(chan struct{})
	defer close(stop)
	cases := []struct {
		name    string
		handler http.HandlerFunc
		call    func(c *Client, ctx context.Context) error
	}{
		{"headers", func(w http.ResponseWriter, _ *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			trickle(buf, func() { buf.Flush() }, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}", stop)
		}, func(c *Client, ctx context.Context) error { _, err := c.Channels.List(ctx, nil); return err }},
		{"data body", bodyTrickle("application/json"),
			func(c *Client, ctx context.Context) error { _, err := c.Channels.List(ctx, nil); return err }},
		{"download body", bodyTrickle("application/octet-stream"), func(c *Client, ctx context.Context) error {
			d, err := c.Messages.GetFile(ctx, "m1")
			if err != nil {
				return err
			}
			_, err = d.WriteTo(io.Discard)
			return err
		}},
	}
	for _, tc := range cases {
		for _, p := range protocols {
			if tc.name == "headers" && p.name != "HTTP1" {
				continue // a raw HTTP/1.1 answer; HTTP/2 frames its headers whole
			}
			t.Run(tc.name+"/"+p.name, func(t *testing.T) {
				_, c := protoServer(t, p.name, tc.handler)
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				start := time.Now()
				err := tc.call(c, ctx)
				elapsed := time.Since(start)
				t.Logf("returned after %s: %v", elapsed.Round(time.Millisecond), err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.Less(t, elapsed, deadline+1500*time.Millisecond)
			})
		}
	}
}

// TestNoGoroutineLeaks is promise 5 for the paths most likely to leak:
// iterator breaks, cancelled uploads, failed downloads and retried calls.
// (TestMain checks the whole run the same way.)
func TestNoGoroutineLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var mutes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v2/channels":
			w.Write([]byte(`{"results":[{"channel":{"channelId":"a"}},{"channel":{"channelId":"b"}}],"paging":{"next":"t2"}}`))
		case r.URL.Path == "/api/v2/messages/gone/files":
			w.WriteHeader(http.StatusNotFound)
		case r.URL.Path == "/api/v2/messages/broken/files":
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte("partial"))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case r.URL.Path == "/api/v2/messages/files":
			io.Copy(io.Discard, r.Body)
		case mutes.Add(1) == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.Write([]byte("OK"))
		}
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	defer c.hc.CloseIdleConnections()
	ctx := context.Background()

	for range c.Channels.All(ctx, nil) {
		break
	}
	for range c.Channels.Pages(ctx, nil) {
		break
	}
	upCtx, cancel := context.WithCancel(ctx)
	src := &countingReader{size: 64 << 20}
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err = c.Messages.CreateFile(upCtx, "lobby", &FileMessageRequest{
		File: typedFile(func() (io.ReadCloser, error) { return &slowReader{src}, nil }, src.size, "big.bin")})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = c.Messages.GetFile(ctx, "gone")
	assert.ErrorIs(t, err, ErrNotFound)
	d, err := c.Messages.GetFile(ctx, "broken")
	require.NoError(t, err)
	_, err = d.WriteTo(io.Discard)
	assert.Error(t, err)
	var info ResponseInfo
	assert.NoError(t, c.Channels.Unmute(ctx, "lobby", WithResponseInfo(&info)))
	assert.Equal(t, 2, info.Attempts, "retried after a 503")
	srv.CloseClientConnections()
}

// slowReader reads its source a little at a time.
type slowReader struct{ *countingReader }

func (r *slowReader) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	return r.countingReader.Read(p[:min(len(p), 4096)])
}
