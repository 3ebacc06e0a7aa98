// Package stream holds the upload machinery that keeps a stalled source
// from holding a call past its context: opening and sniffing a file on
// goroutines of their own, and reading a source that cannot be closed
// through a detached reader.
package stream

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"sync"
)

// SniffLen is how much http.DetectContentType looks at.
const SniffLen = 512

// Sniff opens the file and detects its type from its first 512 bytes. The
// read runs on a goroutine of its own, into a buffer of its own, so that
// the call returns when ctx ends whatever the source does: the source is
// then closed, which releases a Read blocked in it, and the goroutine ends
// once that Read returns.
func Sniff(ctx context.Context, open func() (io.ReadCloser, error)) (string, error) {
	rc, err := OpenWithin(ctx, open)
	if err != nil {
		return "", err
	}
	src := &CloseOnce{ReadCloser: rc}
	type sniffed struct {
		contentType string
		err         error
	}
	done := make(chan sniffed, 1) // buffered: the goroutine never waits for an abandoned call
	go func() {
		defer src.Close()
		head := make([]byte, SniffLen)
		n, err := io.ReadFull(src, head)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			done <- sniffed{err: err}
			return
		}
		done <- sniffed{contentType: http.DetectContentType(head[:n])}
	}()
	select {
	case s := <-done:
		return s.contentType, s.err
	case <-ctx.Done():
		src.Close()
		return "", ctx.Err()
	}
}

// OpenWithin calls open, giving up when ctx ends: open runs on a goroutine
// of its own, which closes what it opened if nobody is waiting for it any
// more. An open that never returns keeps that goroutine; nothing can stop
// it, but the call does not wait for it.
func OpenWithin(ctx context.Context, open func() (io.ReadCloser, error)) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type opened struct {
		rc  io.ReadCloser
		err error
	}
	ch := make(chan opened) // unbuffered: a handed-over result always has a taker
	go func() {
		rc, err := open()
		select {
		case ch <- opened{rc, err}:
		case <-ctx.Done():
			if rc != nil {
				rc.Close()
			}
		}
	}()
	select {
	case o := <-ch:
		return o.rc, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// CloseOnce closes its source once, however many of the reader, the
// transport and the context's end ask for it.
type CloseOnce struct {
	io.ReadCloser
	once sync.Once
	err  error
}

func (c *CloseOnce) Close() error {
	c.once.Do(func() { c.err = c.ReadCloser.Close() })
	return c.err
}

// detachedReader reads a source the SDK cannot close (FileFromReader's) on
// a goroutine of its own and into buffers of its own,
// so that an attempt can give up on a Read stalled in it when the call's
// context ends: net/http waits for the body's Read to return before it
// gives up on an HTTP/1.1 request. The abandoned Read finishes on its
// goroutine, which then exits; its bytes are never handed over.
//
// Two buffers take turns, so the source is read while the last chunk is
// sent, and each hand-over moves a whole chunk. Even so it costs a copy of
// every byte, a goroutine that competes with the transport's for the CPU,
// and 128 KiB of buffers per upload (BenchmarkDetachedReader: about 16
// GiB/s against 40 GiB/s read directly): which is why only FileFromReader,
// a stream that may well stall (a pipe, a socket, standard input), pays it.
type detachedReader struct {
	ctx context.Context
	io.ReadCloser

	chunks chan detachedChunk // read chunks, in order; capacity 2: the pump never blocks on it
	free   chan []byte        // buffers to fill; capacity 2
	done   chan struct{}      // closed by Close: the pump stops
	once   sync.Once

	// Only the reading goroutine touches these.
	started bool
	buf     []byte // the chunk being handed out, to give back when empty
	rest    []byte // what is left of it
	err     error  // the source's error after rest
}

type detachedChunk struct {
	buf []byte
	n   int
	err error
}

// detachedChunkSize is the size of each of a detachedReader's two buffers.
const detachedChunkSize = 64 << 10

// Detach reads rc on a goroutine of its own (see detachedReader).
func Detach(ctx context.Context, rc io.ReadCloser) io.ReadCloser {
	return &detachedReader{ctx: ctx, ReadCloser: rc,
		chunks: make(chan detachedChunk, 2), free: make(chan []byte, 2), done: make(chan struct{})}
}

// pump reads the source into free buffers until it fails or ends, or the
// reader is closed.
func (d *detachedReader) pump() {
	for {
		var buf []byte
		select {
		case buf = <-d.free:
		case <-d.done:
			return
		}
		n, err := d.ReadCloser.Read(buf)
		d.chunks <- detachedChunk{buf, n, err}
		if err != nil {
			return
		}
	}
}

func (d *detachedReader) Read(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.free <- make([]byte, detachedChunkSize)
		d.free <- make([]byte, detachedChunkSize)
		go d.pump()
	}
	for len(d.rest) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.buf != nil {
			d.free <- d.buf // capacity 2 and two buffers: never blocks
			d.buf = nil
		}
		select {
		case c := <-d.chunks:
			d.buf, d.rest, d.err = c.buf, c.buf[:c.n], c.err
		case <-d.ctx.Done():
			return 0, d.ctx.Err()
		case <-d.done:
			return 0, os.ErrClosed
		}
	}
	n := copy(p, d.rest)
	d.rest = d.rest[n:]
	return n, nil
}

// Close stops the pump once its Read returns, and closes the source.
func (d *detachedReader) Close() error {
	d.once.Do(func() { close(d.done) })
	return d.ReadCloser.Close()
}

// SniffReader detects r's type from its first 512 bytes, and returns a
// reader that still yields them. The peek runs on a goroutine of its own,
// so that the call returns when ctx ends; r cannot be closed, so a peek
// blocked in it stays blocked (in a buffer nothing else uses) until r's
// Read returns.
func SniffReader(ctx context.Context, r io.Reader) (string, io.Reader, error) {
	br := bufio.NewReaderSize(r, SniffLen)
	type sniffed struct {
		contentType string
		err         error
	}
	done := make(chan sniffed, 1) // buffered: the goroutine never waits for an abandoned call
	go func() {
		head, err := br.Peek(SniffLen)
		if err != nil && err != io.EOF {
			done <- sniffed{err: err}
			return
		}
		done <- sniffed{contentType: http.DetectContentType(head)}
	}()
	select {
	case s := <-done:
		return s.contentType, br, s.err
	case <-ctx.Done():
		return "", nil, ctx.Err()
	}
}
