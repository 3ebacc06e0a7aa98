package chatadmin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/stream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pngBytes is the start of a PNG file: enough for content sniffing.
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 100)...)

// uploadedPart is a multipart body's file part.
type uploadedPart struct {
	FormName, FileName, ContentType string
	Data                            []byte
}

// parseUpload reads a multipart body: its text fields, and its file part,
// which must come last.
func parseUpload(contentType string, body []byte) (fields map[string][]string, file *uploadedPart, err error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return nil, nil, fmt.Errorf("Content-Type %q, want multipart/form-data", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	fields = map[string][]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		if file != nil {
			return nil, nil, fmt.Errorf("part %q after the file part", p.FormName())
		}
		if p.FileName() != "" {
			file = &uploadedPart{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data}
			continue
		}
		fields[p.FormName()] = append(fields[p.FormName()], string(data))
	}
	return fields, file, nil
}

// expectUpload returns a wire.Body check for a multipart body with exactly
// these fields and this file part.
func expectUpload(fields map[string][]string, file uploadedPart) func(string, []byte) string {
	return func(ct string, body []byte) string {
		gotFields, gotFile, err := parseUpload(ct, body)
		switch {
		case err != nil:
			return err.Error()
		case !reflect.DeepEqual(gotFields, fields):
			return fmt.Sprintf("fields %v, want %v", gotFields, fields)
		case gotFile == nil:
			return "no file part"
		case gotFile.FormName != file.FormName || gotFile.FileName != file.FileName || gotFile.ContentType != file.ContentType:
			return fmt.Sprintf("file part %q %q %q, want %q %q %q", gotFile.FormName, gotFile.FileName, gotFile.ContentType,
				file.FormName, file.FileName, file.ContentType)
		case !bytes.Equal(gotFile.Data, file.Data):
			return fmt.Sprintf("file bytes %q, want %q", gotFile.Data, file.Data)
		}
		return ""
	}
}

func TestMessagesCreateImage(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/messages/images",
		Body: expectUpload(map[string][]string{
			"channelId": {"lobby"}, "caption": {"The new logo"}, "tags[]": {"art", "logo"},
			"parentId": {"m1"}, "fullImage": {"false"},
		}, uploadedPart{"file", `logo "v2".png`, "image/png", pngBytes}),
	}), "message_image.json")

	m, err := c.Messages.CreateImage(context.Background(), "lobby", &ImageMessageRequest{
		File:    FileFromReaderAt(bytes.NewReader(pngBytes), int64(len(pngBytes)), `logo "v2".png`),
		Caption: "The new logo", Tags: []string{"art", "logo"}, ParentID: "m1",
	})
	require.NoError(t, err)
	assert.Equal(t, "m45", m.MessageID)
	assert.Equal(t, MessageTypeImage, m.Type)
	assert.Equal(t, []string{"art", "logo"}, m.Tags)
	data, ok := m.Image()
	require.True(t, ok)
	assert.Equal(t, ImageData{FileID: "f45", Caption: "The new logo"}, data)
	_, ok = m.File()
	assert.False(t, ok, "an image message has no file data")
}

func TestMessagesCreateImageFullImage(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/messages/images",
		Body: expectUpload(map[string][]string{"channelId": {"lobby"}, "fullImage": {"true"}},
			uploadedPart{"file", "file", "image/png", pngBytes}),
	}), "message_image.json")

	// No name: the default name, and the type sniffed from the bytes.
	_, err := c.Messages.CreateImage(context.Background(), "lobby", &ImageMessageRequest{
		File: FileFromReaderAt(bytes.NewReader(pngBytes), int64(len(pngBytes)), ""), FullImage: true,
	})
	require.NoError(t, err)
}

func TestMessagesCreateFile(t *testing.T) {
	c := newTestClient(t)
	pdf := []byte("%PDF-1.7\n% quarterly report\n")
	path := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/messages/files",
		Body: expectUpload(map[string][]string{"channelId": {"lobby"}, "tags[]": {"reports"}, "parentId": {"m1"}},
			uploadedPart{"file", "report", "application/pdf", pdf}),
	}), "message_file.json")

	// A path without an extension: the type is sniffed from its first bytes.
	m, err := c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{
		File: FileFromPath(path), Tags: []string{"reports"}, ParentID: "m1",
	})
	require.NoError(t, err)
	assert.Equal(t, "m46", m.MessageID)
	assert.Equal(t, MessageTypeFile, m.Type)
	assert.Equal(t, []string{"reports"}, m.Tags)
	data, ok := m.File()
	require.True(t, ok)
	assert.Equal(t, FileData{FileID: "f46", FileName: "report.pdf"}, data)
	_, ok = m.Image()
	assert.False(t, ok, "a file message has no image data")
}

func TestUploadContentType(t *testing.T) {
	cases := []struct {
		name string
		file *UploadFile
		want string
	}{
		{"given wins", &UploadFile{Name: "a.png", ContentType: "image/webp", size: 3,
			open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("abc")), nil }}, "image/webp"},
		{"by extension", FileFromReaderAt(strings.NewReader("abc"), 3, "photo.JPG"), "image/jpeg"},
		{"sniffed", FileFromReaderAt(bytes.NewReader(pngBytes), int64(len(pngBytes)), "x"), "image/png"},
		{"sniffed one-shot", FileFromReader(bytes.NewReader(pngBytes), "x"), "image/png"},
		{"sniffed text", FileFromReader(strings.NewReader("plain words"), ""), "text/plain; charset=utf-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := multipartBody{ctx: context.Background(), fields: &fileMessageForm{ChannelID: "c"}, file: tc.file}.encode()
			require.NoError(t, err)
			r, err := pl.open()
			require.NoError(t, err)
			body, err := io.ReadAll(r)
			require.NoError(t, err)
			_, file, err := parseUpload(pl.contentType, body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, file.ContentType)
			if pl.length >= 0 {
				assert.Equal(t, int64(len(body)), pl.length, "length is the exact body size")
			}
			if tc.file.reader != nil {
				assert.Equal(t, int64(-1), pl.length, "a one-shot reader has no known length")
				assert.True(t, pl.oneShot)
				src, _ := io.ReadAll(tc.file.reader)
				assert.Empty(t, src, "the reader was read through")
			}
		})
	}
}

// One-shot readers are sniffed without losing the peeked bytes.
func TestUploadOneShotSniffKeepsBytes(t *testing.T) {
	data := append(append([]byte{}, pngBytes...), bytes.Repeat([]byte("z"), 5000)...)
	pl, err := multipartBody{ctx: context.Background(), fields: &fileMessageForm{ChannelID: "c"},
		file: FileFromReader(io.MultiReader(bytes.NewReader(data)), "")}.encode()
	require.NoError(t, err)
	r, err := pl.open()
	require.NoError(t, err)
	body, err := io.ReadAll(r)
	require.NoError(t, err)
	_, file, err := parseUpload(pl.contentType, body)
	require.NoError(t, err)
	assert.Equal(t, "image/png", file.ContentType)
	assert.Equal(t, data, file.Data)

	// A second read (a redirect replay) fails instead of sending a
	// truncated body.
	r2, err := pl.open()
	require.NoError(t, err)
	_, err = io.ReadAll(r2)
	assert.ErrorIs(t, err, stream.ErrReplay)
}

// uploadServer records what each upload attempt carried. The file part is
// hashed as it streams in, never buffered. fail decides the status of an
// attempt (0 means success); a failing attempt is answered without
// reading the body.
type uploadServer struct {
	*httptest.Server
	mu       sync.Mutex
	attempts []uploadAttempt
}

type uploadAttempt struct {
	contentLength int64
	chunked       bool
	fields        map[string][]string
	fileName      string
	contentType   string
	size          int64
	sha           [32]byte
	err           error
}

func newUploadServer(t *testing.T, fail func(attempt int) int, drainFailed bool) *uploadServer {
	t.Helper()
	us := &uploadServer{}
	us.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		us.mu.Lock()
		n := len(us.attempts) + 1
		us.attempts = append(us.attempts, uploadAttempt{contentLength: r.ContentLength,
			chunked: len(r.TransferEncoding) > 0 && r.TransferEncoding[0] == "chunked"})
		us.mu.Unlock()
		if status := fail(n); status != 0 {
			if drainFailed {
				_, _ = io.Copy(io.Discard, r.Body)
			}
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"status":"error","code":%d,"message":"try later"}`, status*1000)
			return
		}
		a := uploadAttempt{fields: map[string][]string{}}
		mr, err := r.MultipartReader()
		for err == nil {
			var p *multipart.Part
			if p, err = mr.NextPart(); err != nil {
				break
			}
			if p.FileName() == "" {
				v, _ := io.ReadAll(p)
				a.fields[p.FormName()] = append(a.fields[p.FormName()], string(v))
				continue
			}
			h := sha256.New()
			a.fileName, a.contentType = p.FileName(), p.Header.Get("Content-Type")
			a.size, err = io.Copy(h, p)
			copy(a.sha[:], h.Sum(nil))
		}
		if err != io.EOF {
			a.err = err
		}
		us.mu.Lock()
		last := &us.attempts[len(us.attempts)-1]
		last.fields, last.fileName, last.contentType, last.size, last.sha, last.err =
			a.fields, a.fileName, a.contentType, a.size, a.sha, a.err
		us.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixtureOrPanic("message_image.json"))
	}))
	t.Cleanup(us.Close)
	return us
}

func (us *uploadServer) log() []uploadAttempt {
	us.mu.Lock()
	defer us.mu.Unlock()
	return append([]uploadAttempt(nil), us.attempts...)
}

func fixtureOrPanic(name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return data
}

// writeBigFile writes size bytes to a file in dir, a chunk at a time, and
// returns its path and sha256. Each chunk differs (it starts with its
// index), so lost, repeated or reordered chunks change the hash.
func writeBigFile(t *testing.T, size int64) (string, [32]byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.png")
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	chunk := make([]byte, 1<<20)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(chunk)
	copy(chunk, pngBytes) // sniffs as PNG, though the name says so too
	h := sha256.New()
	for i := int64(0); i*int64(len(chunk)) < size; i++ {
		if i > 0 {
			binary.LittleEndian.PutUint64(chunk[:8], uint64(i))
		}
		n := min(int64(len(chunk)), size-i*int64(len(chunk)))
		_, err := f.Write(chunk[:n])
		require.NoError(t, err)
		h.Write(chunk[:n])
	}
	require.NoError(t, f.Close())
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return path, sum
}

// allocated returns how many bytes the process allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 64 MiB upload streams from disk: it allocates a small fraction of its
// size (a quarter at most: buffering it would take all of it), and when the first attempt is refused with 503 (and the call was
// marked safe to repeat), the retry sends the whole file again from the
// start.
func TestUploadStreamsLargeFileAndRetries(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB upload")
	}
	const size = 64 << 20
	path, sum := writeBigFile(t, size)
	us := newUploadServer(t, func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return 0
	}, false)
	c, err := NewClient(testToken, WithBaseURL(us.URL), WithMaxAttempts(3), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	var m *Message
	start := time.Now()
	alloc := allocated(func() {
		m, err = c.Messages.CreateImage(context.Background(), "lobby",
			&ImageMessageRequest{File: FileFromPath(path), Caption: "big", Tags: []string{"x"}}, WithRetrySafe())
	})
	t.Logf("upload of %d MiB with one 503 retry: TotalAlloc grew by %.2f MiB (%d bytes) in %s",
		size>>20, float64(alloc)/(1<<20), alloc, time.Since(start).Round(time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, "m45", m.MessageID)
	assert.Less(t, alloc, uint64(16<<20), "the upload must stream, not buffer")

	log := us.log()
	require.Len(t, log, 2)
	got := log[1]
	require.NoError(t, got.err)
	assert.Equal(t, map[string][]string{"channelId": {"lobby"}, "caption": {"big"}, "tags[]": {"x"}, "fullImage": {"false"}}, got.fields)
	assert.Equal(t, "big.png", got.fileName)
	assert.Equal(t, "image/png", got.contentType)
	assert.Equal(t, int64(size), got.size)
	assert.Equal(t, sum, got.sha, "the retry sent the whole file intact")
	assert.False(t, got.chunked)
	assert.Greater(t, got.contentLength, int64(size), "a known size is sent with its Content-Length")
	assert.Equal(t, log[0].contentLength, got.contentLength)
}

// A one-shot reader is sent once: neither a 503 with WithRetrySafe nor a
// 429 makes the client send it again, and the caller gets the server's
// error.
func TestUploadOneShotIsNotRetried(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			us := newUploadServer(t, func(int) int { return status }, true)
			c, err := NewClient(testToken, WithBaseURL(us.URL), WithMaxAttempts(3), WithRetryWait(time.Millisecond, time.Millisecond))
			require.NoError(t, err)

			_, err = c.Messages.CreateFile(context.Background(), "lobby",
				&FileMessageRequest{File: FileFromReader(strings.NewReader("once only"), "a.txt")}, WithRetrySafe())
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, 1, apiErr.Attempts)
			log := us.log()
			require.Len(t, log, 1, "the server saw exactly one request")
			assert.True(t, log[0].chunked, "an unknown size is sent chunked")
		})
	}
}

// Uploads create messages, so without WithRetrySafe a 5xx is not retried
// even when the file could be sent again: the server may have stored it.
func TestUploadNotRetriedOn5xxUnlessMarkedSafe(t *testing.T) {
	us := newUploadServer(t, func(n int) int { return http.StatusServiceUnavailable }, true)
	c, err := NewClient(testToken, WithBaseURL(us.URL), WithMaxAttempts(3), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	_, err = c.Messages.CreateImage(context.Background(), "lobby",
		&ImageMessageRequest{File: FileFromReaderAt(bytes.NewReader(pngBytes), int64(len(pngBytes)), "a.png")})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	assert.ErrorIs(t, err, ErrServer)
	assert.Len(t, us.log(), 1)
}

// Sources that can be reopened are opened once per attempt, lazily, and
// every attempt's file is closed.
func TestUploadReopensPerAttempt(t *testing.T) {
	us := newUploadServer(t, func(n int) int {
		if n == 1 {
			return http.StatusTooManyRequests // retried even for unsafe calls
		}
		return 0
	}, true)
	c, err := NewClient(testToken, WithBaseURL(us.URL), WithMaxAttempts(3), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	var opened, closed atomic.Int32
	data := []byte("name,score\nann,3\n")
	open := func() (io.ReadCloser, error) {
		opened.Add(1)
		return &closeCounter{bytes.NewReader(data), &closed}, nil
	}
	// The type is given: which extensions have one depends on the Go
	// version and the host's MIME tables, and a sniff would open once more.
	file := FileFromFunc(open, int64(len(data)), "scores.csv")
	file.ContentType = "text/csv; charset=utf-8"
	_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{File: file})
	require.NoError(t, err)
	assert.Equal(t, int32(2), opened.Load(), "one open per attempt, none for the probe or sniffing")
	assert.Equal(t, int32(2), closed.Load())
	log := us.log()
	require.Len(t, log, 2)
	assert.Equal(t, "text/csv; charset=utf-8", log[1].contentType)
	assert.Equal(t, sha256.Sum256(data), log[1].sha)

	// Unknown size: chunked, and still intact.
	_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{File: typedFile(open, -1, "scores.csv")})
	require.NoError(t, err)
	log = us.log()
	assert.True(t, log[2].chunked)
	assert.Equal(t, sha256.Sum256(data), log[2].sha)
}

// A type left to sniffing costs one more open, before the first attempt:
// the sniff reads the first 512 bytes of a source of its own and closes it,
// and the attempt reads the file again from its start. A name without an
// extension is sniffed on every toolchain (which names have a type by
// extension depends on the Go version and the host's MIME tables).
func TestUploadSniffOpensOnceMore(t *testing.T) {
	us := newUploadServer(t, func(int) int { return 0 }, true)
	c, err := NewClient(testToken, WithBaseURL(us.URL))
	require.NoError(t, err)
	var opened, closed atomic.Int32
	open := func() (io.ReadCloser, error) {
		opened.Add(1)
		return &closeCounter{bytes.NewReader(pngBytes), &closed}, nil
	}
	_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{File: FileFromFunc(open, int64(len(pngBytes)), "blob")})
	require.NoError(t, err)
	assert.Equal(t, int32(2), opened.Load(), "one open to sniff, one for the attempt")
	assert.Equal(t, int32(2), closed.Load())
	log := us.log()
	require.Len(t, log, 1)
	assert.Equal(t, "image/png", log[0].contentType)
	assert.Equal(t, sha256.Sum256(pngBytes), log[0].sha, "the attempt sends the file from its start")
}

type closeCounter struct {
	io.Reader
	n *atomic.Int32
}

func (c *closeCounter) Close() error { c.n.Add(1); return nil }

// A file that does not match its declared size fails the call instead of
// sending a body that disagrees with its Content-Length.
func TestUploadSizeMismatch(t *testing.T) {
	us := newUploadServer(t, func(int) int { return 0 }, true)
	c, err := NewClient(testToken, WithBaseURL(us.URL), WithMaxAttempts(1))
	require.NoError(t, err)
	for _, declared := range []int64{5, 20} {
		f := FileFromFunc(func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("0123456789")), nil }, declared, "a.txt")
		_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{File: f})
		require.Error(t, err, "declared %d", declared)
		assert.Contains(t, err.Error(), "chatadmin: file:")
	}
}

func TestUploadValidation(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	ctx := context.Background()
	small := FileFromReaderAt(strings.NewReader("x"), 1, "x.txt")
	image := func(channelID string, r *ImageMessageRequest) error {
		_, err := c.Messages.CreateImage(ctx, channelID, r)
		return err
	}
	file := func(channelID string, r *FileMessageRequest) error {
		_, err := c.Messages.CreateFile(ctx, channelID, r)
		return err
	}
	opened := false
	huge := FileFromFunc(func() (io.ReadCloser, error) { opened = true; return nil, errors.New("not opened") }, MaxUploadSize+1, "huge.bin")
	oneShot := FileFromReader(strings.NewReader("x"), "x.txt")
	oneShot.consumed.Store(true) // as after a first call
	dir := t.TempDir()
	cases := []struct {
		field string
		err   error
	}{
		{"channelId", image("", &ImageMessageRequest{File: small})},
		{"channelId", file("", &FileMessageRequest{File: small})},
		{"file", image("lobby", nil)},
		{"file", image("lobby", &ImageMessageRequest{})},
		{"file", file("lobby", &FileMessageRequest{})},
		{"file", image("lobby", &ImageMessageRequest{File: FileFromReaderAt(strings.NewReader(""), MaxUploadSize+1, "big.png")})},
		{"file", file("lobby", &FileMessageRequest{File: huge})},
		{"file", file("lobby", &FileMessageRequest{File: oneShot})},
		{"file", file("lobby", &FileMessageRequest{File: FileFromFunc(huge.open, -2, "x")})},
		{"file", file("lobby", &FileMessageRequest{File: FileFromPath(dir)})},
		{"file", file("lobby", &FileMessageRequest{File: &UploadFile{Name: "empty"}})},
		{"tags", image("lobby", &ImageMessageRequest{File: small, Tags: make([]string, MaxTags+1)})},
		{"tags", file("lobby", &FileMessageRequest{File: small, Tags: []string{"a", ""}})},
	}
	for _, tc := range cases {
		var verr *ValidationError
		if assert.ErrorAs(t, tc.err, &verr, "field %s", tc.field) {
			assert.Equal(t, tc.field, verr.WireField, "wire field")
			assert.NotEmpty(t, verr.Field, "Go field")
			assert.True(t, errors.Is(tc.err, ErrInvalidInput))
		}
	}
	assert.False(t, opened, "an oversized file is refused before it is opened")

	err := file("lobby", &FileMessageRequest{File: FileFromPath(filepath.Join(dir, "missing.txt"))})
	assert.ErrorIs(t, err, os.ErrNotExist)
}
