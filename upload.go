package chatadmin

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/chatadmin/chatadmin-go/internal/stream"
)

// UploadFile is a file to upload with CreateImage or CreateFile. Make one
// with FileFromPath, FileFromReaderAt, FileFromFunc or FileFromReader.
//
// The file is streamed: it is never held in memory, whatever its size.
// Except for FileFromReader, it is read anew for each attempt, so a call
// that is retried (on 429, or on 5xx with WithRetrySafe) sends it whole
// again.
type UploadFile struct {
	// Name is the file name sent with the file. The default is the
	// path's base name, or the name given to the constructor, or "file".
	Name string
	// ContentType is the part's Content-Type, e.g. "image/png". The
	// default comes from Name's extension, or else from the first 512
	// bytes (http.DetectContentType).
	ContentType string

	path     string
	size     int64 // -1 when unknown
	open     func() (io.ReadCloser, error)
	reader   io.Reader   // FileFromReader's one-shot source
	consumed atomic.Bool // the one-shot source was handed to a call
	detach   bool        // the source cannot be closed: read it through a detachedReader
}

// FileFromPath uploads the file at path. It is opened (and its size taken)
// when the call is made, and reopened for each attempt.
func FileFromPath(path string) *UploadFile {
	return &UploadFile{path: path, size: -1}
}

// FileFromReaderAt uploads size bytes of r, read through a new
// io.SectionReader for each attempt (an *os.File, a *bytes.Reader or any
// other io.ReaderAt). name is the file name sent with it. r is not closed,
// so unlike FileFromPath and FileFromFunc a ReadAt stalled in it (a file on
// a hung network file system) cannot be released when the call's context
// ends: the call waits for it. Reading r on a goroutine of its own, as
// FileFromReader does, would lift that, but it costs a copy of every chunk
// on the path that in-memory and local files take, where ReadAt does not
// stall; use FileFromFunc to upload from a source that may.
func FileFromReaderAt(r io.ReaderAt, size int64, name string) *UploadFile {
	return &UploadFile{Name: name, size: size, open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.NewSectionReader(r, 0, size)), nil
	}}
}

// FileFromFunc uploads what open returns, calling it for each attempt and
// closing what it returned after the attempt, or as soon as the call's
// context ends (which releases a Read stalled in it). size is the number of
// bytes open's reader yields, or -1 when unknown (the body is then sent
// chunked, without a Content-Length). name is the file name sent with it.
//
// When the content type must be sniffed (no ContentType given, and none
// known for name's extension), open is also called once before the first
// attempt, to read the first 512 bytes: each call of open must therefore
// return a reader from the start of the file. Which extensions are known
// depends on the Go version and the host (see mime.TypeByExtension), so
// set ContentType when it matters.
func FileFromFunc(open func() (io.ReadCloser, error), size int64, name string) *UploadFile {
	return &UploadFile{Name: name, size: size, open: open}
}

// FileFromReader uploads what r yields, in one pass: it cannot be read
// again, so the call is never retried, not even on 429 or with
// WithRetrySafe, and the UploadFile can be given to one call only. The body
// is sent chunked. Prefer the other constructors when the data can be read
// twice.
//
// r is not closed. So that a Read stalled in it cannot hold the call past
// its context, r is read on a goroutine of its own, into a buffer of its
// own: when the context ends the call returns, and that goroutine ends
// once r's Read returns (its bytes are dropped). This costs a copy of each
// chunk, which FileFromPath and FileFromFunc do not pay: their sources are
// closed instead, which releases a stalled Read.
func FileFromReader(r io.Reader, name string) *UploadFile {
	return &UploadFile{Name: name, size: -1, reader: r, detach: true}
}

// uploadSource is an UploadFile resolved for one call: name, type and size
// settled, and a way to open it for each attempt.
type uploadSource struct {
	name, contentType string
	size              int64 // -1 when unknown
	open              func() (io.ReadCloser, error)
	oneShot           bool
	detach            bool // read through a detachedReader: the source cannot be closed
}

// resolve settles the file's name, content type and size for a call. It
// reads at most the first 512 bytes (to sniff the type), without using up
// the file, and gives up when ctx ends.
func (f *UploadFile) resolve(ctx context.Context) (*uploadSource, error) {
	src := &uploadSource{name: f.Name, contentType: f.ContentType, size: f.size, open: f.open, detach: f.detach}
	if f.path != "" {
		fi, err := os.Stat(f.path)
		if err != nil {
			return nil, fmt.Errorf("chatadmin: file: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return nil, invalid("File", "file", "%s is not a regular file", f.path)
		}
		src.size = fi.Size()
		if src.name == "" {
			src.name = filepath.Base(f.path)
		}
		path := f.path
		src.open = func() (io.ReadCloser, error) { return os.Open(path) }
	}
	if src.size < -1 {
		return nil, invalid("File", "file", "size %d is negative", src.size)
	}
	if src.size > MaxUploadSize {
		return nil, invalid("File", "file", "is %d bytes, over the limit of %d", src.size, MaxUploadSize)
	}
	if src.name == "" {
		src.name = "file"
	}
	if src.contentType == "" {
		src.contentType = mime.TypeByExtension(filepath.Ext(src.name))
	}
	if f.reader != nil {
		if f.consumed.Swap(true) {
			return nil, invalid("File", "file", "a FileFromReader file can be uploaded only once")
		}
		ct, open, err := stream.OneShot(ctx, f.reader, src.contentType)
		if err != nil {
			return nil, fmt.Errorf("chatadmin: file: sniffing its content type: %w", err)
		}
		src.contentType, src.open, src.oneShot = ct, open, true
		return src, nil
	}
	if src.open == nil {
		return nil, invalid("File", "file", "has no content: make it with FileFromPath, FileFromReaderAt, FileFromFunc or FileFromReader")
	}
	if src.contentType == "" {
		// Open once just to sniff: the attempts open it again from the
		// start.
		ct, err := stream.Sniff(ctx, src.open)
		if err != nil {
			return nil, fmt.Errorf("chatadmin: file: sniffing its content type: %w", err)
		}
		src.contentType = ct
	}
	return src, nil
}

// multipartBody is a multipart/form-data body: text fields from a
// go-querystring-tagged struct (the same tags as formBody, so arrays are
// "tags[]" parts), then the file as a part named "file".
type multipartBody struct {
	// ctx is the call's: sniffing gives up when it ends, and each
	// attempt's file is closed then, which releases a Read stalled in it
	// (net/http waits for the body's Read to return before it gives up on
	// an HTTP/1.1 request, whatever the request's context says).
	ctx    context.Context
	fields any
	file   *UploadFile
}

// encode writes everything but the file's bytes once: the fields and the
// file part's header (the preamble), and the closing boundary (the
// trailer). Each attempt then streams preamble, file and trailer through an
// io.MultiReader. This is the "pipe built per attempt" of the design
// without a pipe: nothing is buffered, and there is no writer goroutine to
// leak when an attempt is abandoned. Each attempt opens the stream anew
// (callState.attemptRequest).
func (m multipartBody) encode() (payload, error) {
	src, err := m.file.resolve(m.ctx)
	if err != nil {
		return payload{}, err
	}
	vals, err := encodeValues(m.fields)
	if err != nil {
		return payload{}, err
	}
	formType, pre, trailer, err := stream.Multipart(vals, src.name, src.contentType)
	if err != nil {
		return payload{}, err
	}
	// The pipeline sets the request's Content-Length from length, so the
	// stream needs no Len method; -1 sends it chunked.
	length := int64(-1)
	if src.size >= 0 {
		length = int64(len(pre)) + src.size + int64(len(trailer))
	}
	open := func() (io.Reader, error) {
		file := stream.NewFile(m.ctx, src.open, src.size, MaxUploadSize, src.detach, func() error {
			return invalid("File", "file", "is over the limit of %d bytes", MaxUploadSize)
		})
		return stream.Body(pre, file, trailer), nil
	}
	return payload{contentType: formType, open: open, length: length, oneShot: src.oneShot}, nil
}
