package stream

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
)

// ErrReplay stops a second read of a one-shot source, which could only
// send a truncated body (net/http replays a body to follow a 307 or 308).
var ErrReplay = errors.New("file: a FileFromReader file cannot be sent twice")

// OneShot makes r an opener that yields it once; a second open fails with
// ErrReplay. When contentType is "" it is sniffed (SniffReader) through a
// buffer, so the peeked bytes are still sent; the peek runs on a goroutine
// of its own so that OneShot returns when ctx ends (r cannot be closed, so
// a peek blocked in it stays blocked, in a buffer nothing else uses, until
// r's Read returns).
func OneShot(ctx context.Context, r io.Reader, contentType string) (string, func() (io.ReadCloser, error), error) {
	if contentType == "" {
		ct, rest, err := SniffReader(ctx, r)
		if err != nil {
			return "", nil, err
		}
		contentType, r = ct, rest
	}
	var opened atomic.Bool
	return contentType, func() (io.ReadCloser, error) {
		if opened.Swap(true) {
			return nil, ErrReplay
		}
		return io.NopCloser(r), nil
	}, nil
}

// Body is one attempt's multipart body: pre, the file, then trailer.
// Closing it closes the file, which releases a Read stalled in it.
func Body(pre []byte, file *File, trailer []byte) io.ReadCloser {
	return &body{io.MultiReader(bytes.NewReader(pre), file, bytes.NewReader(trailer)), file}
}

type body struct {
	io.Reader
	file *File
}

func (b *body) Close() error { return b.file.Close() }
