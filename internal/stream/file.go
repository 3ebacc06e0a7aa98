package stream

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
)

// NewFile returns the source of one attempt: open is called on the first
// Read; size is its length, or -1 with at most limit bytes, past which Read
// fails with overLimit(); detach reads a source that cannot be closed
// through Detach.
func NewFile(ctx context.Context, open func() (io.ReadCloser, error), size, limit int64, detach bool, overLimit func() error) *File {
	return &File{ctx: ctx, open: open, size: size, limit: limit, detach: detach, overLimit: overLimit}
}

// File is one attempt's upload source. It opens its source on the first Read, so that a stream opened for
// an attempt that never reads it (a redirect's GetBody not taken) opens no
// file, and a one-shot file's only read is not claimed.
//
// The source is closed when the call's context ends, not only when net/http
// closes the body: over HTTP/1.1 net/http closes it only after the body's
// Read returns, so a source stalled in Read would hold the call forever.
type File struct {
	ctx       context.Context
	open      func() (io.ReadCloser, error)
	size      int64 // -1 when unknown
	limit     int64 // the most bytes of a source of unknown size
	detach    bool  // read the source through Detach: it cannot be closed
	overLimit func() error

	mu     sync.Mutex // guards rc, err, closed and stop: the context's end or net/http may Close while another goroutine reads
	rc     io.ReadCloser
	err    error
	closed bool
	stop   func() bool // unregisters the close on the context's end

	n int64 // bytes read so far; only the reading goroutine touches it
}

// reader opens the source on the first call; only the reading goroutine
// calls it.
func (l *File) reader() (io.ReadCloser, error) {
	l.mu.Lock()
	rc, err, closed := l.rc, l.err, l.closed
	l.mu.Unlock()
	switch {
	case closed:
		return nil, os.ErrClosed
	case rc != nil || err != nil:
		return rc, err
	}
	// Opened without the lock, so that Close (from the context's end or
	// net/http) never waits for an open that hangs.
	rc, err = OpenWithin(l.ctx, l.open)
	if err != nil {
		err = fmt.Errorf("file: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		if rc != nil {
			rc.Close()
		}
		return nil, os.ErrClosed
	}
	if rc != nil && l.detach {
		rc = Detach(l.ctx, rc)
	}
	l.rc, l.err = rc, err
	if rc != nil {
		l.stop = context.AfterFunc(l.ctx, func() { l.Close() })
	}
	return l.rc, l.err
}

// Read reads the file and checks it against its size: a file that grew or
// shrank since it was measured would otherwise send a body that does not
// match its Content-Length, and an unmeasured one must still stay within
// MaxUploadSize.
func (l *File) Read(p []byte) (int, error) {
	rc, err := l.reader()
	if err != nil {
		return 0, err
	}
	limit := l.size
	if limit < 0 {
		limit = l.limit
	}
	if l.n >= limit {
		// Anything more than the limit is an error, so look for one byte.
		p = p[:min(len(p), 1)]
	}
	n, err := rc.Read(p)
	l.n += int64(n)
	if err != nil && err != io.EOF {
		if ctxErr := l.ctx.Err(); ctxErr != nil {
			// The source failed because the call's end closed it.
			return n, ctxErr
		}
	}
	switch {
	case l.n > limit && l.size >= 0:
		return 0, fmt.Errorf("chatadmin: file: longer than its size of %d bytes", l.size)
	case l.n > limit:
		return 0, l.overLimit()
	case err == io.EOF && l.size >= 0 && l.n < l.size:
		return n, fmt.Errorf("chatadmin: file: ended after %d of its %d bytes", l.n, l.size)
	}
	return n, err
}

// Close closes the source once, whoever asks first: net/http when the
// attempt ends, or the call's context ending.
func (l *File) Close() error {
	l.mu.Lock()
	rc, stop, already := l.rc, l.stop, l.closed
	l.closed = true
	l.mu.Unlock()
	if already {
		return nil
	}
	if stop != nil {
		stop()
	}
	if rc != nil {
		return rc.Close()
	}
	return nil
}
