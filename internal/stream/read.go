package stream

import (
	"io"
	"sync"
)

// bufferPool recycles response buffers: most calls read a few KiB to a few
// hundred KiB, and a fresh buffer per call (grown by doubling) was most of
// the bytes allocated by a call.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledBuffer keeps a rare huge response from pinning its memory.
const maxPooledBuffer = 4 << 20

// GetBuffer takes a response buffer from the pool.
func GetBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

// PutBuffer gives b back, unless it grew too large to keep.
func PutBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	bufferPool.Put(b)
}

// MaxPresize caps how much of a buffer is allocated from Content-Length
// before the bytes arrive: a header is the server's claim, not data, and a
// lying one must cost nothing. Larger bodies grow the buffer as they
// arrive.
const MaxPresize = 64 << 10

// ReadLimited appends r's bytes to dst until EOF or until it holds more than
// limit bytes (the caller tells the two apart by the length). length, the
// response's Content-Length or -1, sizes the buffer up to MaxPresize so
// that a small body is read without regrowing; past that the buffer grows
// with the bytes that actually arrive. It is io.ReadAll with a limit,
// without the io.LimitedReader that io.ReadAll would need (and allocate)
// per call.
func ReadLimited(dst []byte, r io.Reader, limit, length int64) ([]byte, error) {
	if length > 0 {
		// One byte more than announced, so that reaching EOF does not
		// grow the buffer.
		want := min(length, limit, MaxPresize) + 1
		if int64(cap(dst)-len(dst)) < want {
			grown := make([]byte, len(dst), int64(len(dst))+want)
			copy(grown, dst)
			dst = grown
		}
	}
	for {
		if int64(len(dst)) > limit {
			return dst, nil
		}
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		room := dst[len(dst):cap(dst)]
		if over := int64(len(dst)) + int64(len(room)) - (limit + 1); over > 0 {
			room = room[:int64(len(room))-over]
		}
		n, err := r.Read(room)
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
	}
}
