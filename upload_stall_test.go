package chatadmin

import (
	"bytes"
	"context"
	"fmt"
	"github.com/chatadmin/chatadmin-go/internal/stream"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// stallSource yields head, then blocks in Read the way a pipe or a socket
// whose writer went quiet does: until it is closed or, when release is
// set, until release is closed (a source that ignores Close).
type stallSource struct {
	head    []byte // touched by the reading goroutine only
	release chan struct{}

	stalled, closed          chan struct{}
	stallOnce, closeOnce     sync.Once
	closeCount, reads, opens atomic.Int32
}

func newStallSource(head int, ignoreClose bool) *stallSource {
	s := &stallSource{head: make([]byte, head), stalled: make(chan struct{}), closed: make(chan struct{})}
	if ignoreClose {
		s.release = make(chan struct{})
	}
	return s
}

func (s *stallSource) Read(p []byte) (int, error) {
	s.reads.Add(1)
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	s.stallOnce.Do(func() { close(s.stalled) })
	if s.release != nil {
		<-s.release
	} else {
		<-s.closed
	}
	return 0, io.ErrClosedPipe
}

func (s *stallSource) Close() error {
	s.closeCount.Add(1)
	s.closeOnce.Do(func() { close(s.closed) })
	return nil
}

func (s *stallSource) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// unstick lets a stalled Read return, whatever kind of source s is, so that
// a test that failed does not leave a goroutine behind.
func (s *stallSource) unstick() {
	if s.release != nil {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
	}
	s.Close()
}

// typedFile is FileFromFunc with its content type given, so that only the
// call's attempts open the source. Left to the name, the type would depend
// on the toolchain and the host: Go 1.26's built-in table knows ".bin", Go
// 1.25's does not, and on Unix Go 1.25 then reads /usr/share/mime/globs2
// alone when it exists (ignoring /etc/mime.types), which may lack it. The
// type is then sniffed, which opens the source once more before the attempt
// (see FileFromFunc): the single-use sources of these tests cannot bear it.
func typedFile(open func() (io.ReadCloser, error), size int64, name string) *UploadFile {
	f := FileFromFunc(open, size, name)
	f.ContentType = "application/octet-stream"
	return f
}

// awaitCall runs call and returns its error, failing the test if the call
// does not return within a generous bound: the calls tested here hung
// forever before they were fixed. cleanup runs before the failure so that
// the hung call can end.
func awaitCall(t *testing.T, call func() error, cleanup func()) (time.Duration, error) {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- call() }()
	select {
	case err := <-done:
		return time.Since(start), err
	case <-time.After(10 * time.Second):
		cleanup()
		<-done
		t.Fatal("the call did not return when its context ended")
		return 0, nil
	}
}

// TestUploadSniffGivesUpAtDeadline: sniffing the content type reads the
// start of the file before anything is sent. Whatever the source does
// (stalls until closed, ignores Close, hangs in open, or is a one-shot
// reader that cannot be closed), the call returns when its deadline passes,
// a source that was opened is closed, and once the source lets go no
// goroutine is left.
func TestUploadSniffGivesUpAtDeadline(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	for _, tc := range []struct {
		name        string
		ignoreClose bool
		openHangs   bool
		oneShot     bool
	}{
		{name: "read stalls until closed"},
		{name: "read ignores close", ignoreClose: true},
		{name: "open hangs", ignoreClose: true, openHangs: true},
		{name: "one-shot reader", ignoreClose: true, oneShot: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			src := newStallSource(10, tc.ignoreClose) // fewer than 512 bytes, then a stall
			file := FileFromFunc(func() (io.ReadCloser, error) {
				src.opens.Add(1)
				if tc.openHangs {
					<-src.release
				}
				return src, nil
			}, 1000, "blob") // no extension: the type is sniffed
			if tc.oneShot {
				file = FileFromReader(src, "blob")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			elapsed, err := awaitCall(t, func() error {
				_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{File: file})
				return err
			}, src.unstick)
			t.Logf("50ms deadline: returned after %s: %v", elapsed.Round(time.Millisecond), err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Contains(t, err.Error(), "sniffing")
			if !tc.oneShot && !tc.openHangs && src.opens.Load() > 0 {
				// (On a loaded machine the deadline may pass before the
				// open: then there is nothing to close.)
				assert.True(t, src.isClosed(), "the source is closed when the call gives up")
			}
			if !tc.openHangs {
				src.unstick()
			} else {
				close(src.release)
				if src.opens.Load() > 0 {
					// The open that returned after the call gave up is
					// closed by the goroutine that waited for it.
					assert.Eventually(t, func() bool { return src.closeCount.Load() == 1 }, 5*time.Second, time.Millisecond)
					assert.Zero(t, src.reads.Load(), "a late open is not read")
				}
			}
		})
	}
}

// newStallServer starts a loopback server that reads upload bodies to the
// end, over HTTP/1.1 or (with TLS) HTTP/2, and a client for it. stop shuts
// both down (it also runs at the end of the test).
func newStallServer(t *testing.T, http2 bool) (c *Client, protos <-chan string, stop func()) {
	t.Helper()
	seen := make(chan string, 10)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Proto
		io.Copy(io.Discard, r.Body)
	}))
	opts := []Option{WithBaseURL("http://" + srv.Listener.Addr().String()), WithMaxAttempts(1)}
	if http2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		opts = []Option{WithBaseURL(srv.URL), WithHTTPClient(srv.Client()), WithMaxAttempts(1)}
	} else {
		srv.Start()
	}
	c, err := NewClient(testToken, opts...)
	require.NoError(t, err)
	var once sync.Once
	stop = func() {
		once.Do(func() {
			c.CloseIdleConnections()
			srv.CloseClientConnections()
			srv.Close()
		})
	}
	t.Cleanup(stop)
	return c, seen, stop
}

// TestUploadStallMidBody: a source that stalls halfway through the body
// does not hold the call past its end, over HTTP/1.1 (where net/http waits
// for the body's Read to return before it gives up) and over HTTP/2; the
// source is closed, and no goroutine is left behind.
func TestUploadStallMidBody(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		for _, tc := range []struct {
			name     string
			size     int64 // -1: chunked
			deadline bool  // a deadline rather than a cancel
		}{
			{"cancel, Content-Length", 1 << 20, false},
			{"cancel, chunked", -1, false},
			{"deadline, Content-Length", 1 << 20, true},
		} {
			t.Run(proto+"/"+tc.name, func(t *testing.T) {
				ignore := goleak.IgnoreCurrent()
				c, protos, stop := newStallServer(t, proto == "HTTP/2.0")
				src := newStallSource(64<<10, false)
				open := func() (io.ReadCloser, error) { src.opens.Add(1); return src, nil }
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.deadline {
					ctx, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
					defer cancel()
				} else {
					go func() {
						select {
						case <-src.stalled:
							cancel()
						case <-ctx.Done():
						}
					}()
				}
				elapsed, err := awaitCall(t, func() error {
					_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{File: typedFile(open, tc.size, "blob.bin")})
					return err
				}, src.unstick)
				t.Logf("returned %s after the call began: %v", elapsed.Round(time.Millisecond), err)
				if tc.deadline {
					assert.ErrorIs(t, err, context.DeadlineExceeded)
				} else {
					assert.ErrorIs(t, err, context.Canceled)
				}
				assert.NotErrorIs(t, err, ErrOutcomeUnknown, "an ended context is reported as such")
				if tc.deadline && src.opens.Load() == 0 {
					// A loaded machine can pass the deadline before the
					// body is sent; the cancel cases, which end the call
					// only once the source stalls, check the rest.
					t.Log("the deadline passed before the source was opened")
				} else {
					assert.Equal(t, int32(1), src.opens.Load())
					assert.Eventually(t, src.isClosed, 5*time.Second, time.Millisecond, "the source is closed")
					select {
					case got := <-protos:
						assert.Equal(t, proto, got)
					case <-time.After(5 * time.Second):
						t.Error("the request did not reach the server")
					}
				}
				stop()
				goleak.VerifyNone(t, ignore)
			})
		}
	}
}

// TestUploadOpenHangsInAttempt: an open that hangs when the attempt opens
// the file does not hold the call either; what it returns later is closed.
func TestUploadOpenHangsInAttempt(t *testing.T) {
	c, _, _ := newStallServer(t, false)
	src := newStallSource(0, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	open := func() (io.ReadCloser, error) {
		src.opens.Add(1)
		cancel() // the call ends while open hangs
		<-src.release
		return src, nil
	}
	elapsed, err := awaitCall(t, func() error {
		_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{File: typedFile(open, 10, "blob.bin")})
		return err
	}, src.unstick)
	t.Logf("returned after %s: %v", elapsed.Round(time.Millisecond), err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int32(1), src.opens.Load())
	close(src.release)
	assert.Eventually(t, func() bool { return src.closeCount.Load() == 1 }, 5*time.Second, time.Millisecond,
		"the file opened after the call gave up is closed")
	assert.Zero(t, src.reads.Load())
}

// TestUploadStallMidBodyUncloseable: a FileFromReader source, which the
// SDK may not close, that stalls halfway through the body does not hold the
// call past its context either, over HTTP/1.1 and HTTP/2; once the source
// lets go, no goroutine is left behind.
func TestUploadStallMidBodyUncloseable(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		for _, size := range []int{0, 64 << 10, 300 << 10} {
			t.Run(fmt.Sprintf("%s/stall after %d bytes", proto, size), func(t *testing.T) {
				ignore := goleak.IgnoreCurrent()
				c, _, stop := newStallServer(t, proto == "HTTP/2.0")
				src := newStallSource(size, true)
				file, stalled, release := FileFromReader(src, "blob"), src.stalled, src.unstick
				file.ContentType = "application/octet-stream"
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				go func() {
					select {
					case <-stalled:
						cancel()
					case <-ctx.Done():
					}
				}()
				elapsed, err := awaitCall(t, func() error {
					_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{File: file})
					return err
				}, release)
				t.Logf("returned %s after the call began: %v", elapsed.Round(time.Millisecond), err)
				assert.ErrorIs(t, err, context.Canceled)
				assert.NotErrorIs(t, err, ErrOutcomeUnknown, "an ended context is reported as such")
				release()
				stop()
				goleak.VerifyNone(t, ignore)
			})
		}
	}
}

// BenchmarkDetachedReader prices reading a source through a detachedReader
// (what FileFromReader pays so that a stall cannot hold a call) against
// reading it directly, both copied with io.Copy as net/http copies a body.
func BenchmarkDetachedReader(b *testing.B) {
	const size = 64 << 20
	src := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	for _, detached := range []bool{false, true} {
		b.Run(fmt.Sprintf("detached=%v", detached), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				r := io.NopCloser(io.LimitReader(&repeatReader{block: src}, size))
				if detached {
					r = stream.Detach(context.Background(), r)
				}
				// io.Discard implements ReaderFrom; hide it, as a socket
				// writer would take the bytes through a buffer.
				if _, err := io.Copy(struct{ io.Writer }{io.Discard}, r); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

// repeatReader yields block over and over.
type repeatReader struct {
	block []byte
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	return n, nil
}
