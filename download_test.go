package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMessagesGetImage(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/messages/m%2F45/images", Query: url.Values{"size": {"medium"}}}).
		SetHeader("Content-Type", "image/png").
		SetHeader("Content-Disposition", `inline; filename="logo-medium.png"`).
		Body(bytes.NewReader(pngBytes))

	dl, err := c.Messages.GetImage(context.Background(), "m/45", ImageSizeMedium)
	require.NoError(t, err)
	assert.Equal(t, "image/png", dl.ContentType)
	assert.Equal(t, "logo-medium.png", dl.FileName)
	var buf bytes.Buffer
	n, err := dl.WriteTo(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(len(pngBytes)), n)
	assert.Equal(t, pngBytes, buf.Bytes())
}

func TestMessagesGetFile(t *testing.T) {
	c := newTestClient(t)
	pdf := []byte("%PDF-1.7 report")
	expect(t, wire{Method: "GET", Path: "/api/v2/messages/m46/files"}).
		SetHeader("Content-Type", "application/pdf").
		SetHeader("Content-Disposition", `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`).
		Body(bytes.NewReader(pdf))

	dl, err := c.Messages.GetFile(context.Background(), "m46")
	require.NoError(t, err)
	defer dl.Close()
	assert.Equal(t, "application/pdf", dl.ContentType)
	assert.Equal(t, "résumé.pdf", dl.FileName, "RFC 2231 filename* is decoded")
	got, err := io.ReadAll(dl.Body)
	require.NoError(t, err)
	assert.Equal(t, pdf, got)
}

func TestMessagesGetFileNotFound(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/messages/gone/files"}).
		Status(404).BodyString(`{"status":"error","code":400400,"message":"Message Not Found."}`)

	dl, err := c.Messages.GetFile(context.Background(), "gone")
	assert.Nil(t, dl)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeNotFound, apiErr.Code)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestAttachmentName(t *testing.T) {
	cases := map[string]string{
		`attachment; filename="a.pdf"`:            "a.pdf",
		`attachment; filename="../../etc/passwd"`: "passwd",
		`attachment; filename="..\\..\\win.ini"`:  "win.ini",
		`attachment; filename=".."`:               "",
		`attachment`:                              "",
		``:                                        "",
		`attachment; filename="/"`:                "",
		`inline; filename*=UTF-8''na%C3%AFve.txt`: "naïve.txt",
	}
	for cd, want := range cases {
		h := http.Header{}
		if cd != "" {
			h.Set("Content-Disposition", cd)
		}
		assert.Equal(t, want, attachmentName(h), cd)
	}
}

func TestDownloadValidation(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	ctx := context.Background()
	cases := []struct {
		field string
		err   error
	}{
		{"size", func() error { _, err := c.Messages.GetImage(ctx, "m1", "huge"); return err }()},
		{"size", func() error { _, err := c.Messages.GetImage(ctx, "m1", ""); return err }()},
		{"messageId", func() error { _, err := c.Messages.GetImage(ctx, "", ImageSizeSmall); return err }()},
		{"messageId", func() error { _, err := c.Messages.GetFile(ctx, ""); return err }()},
	}
	for _, tc := range cases {
		var verr *ValidationError
		if assert.ErrorAs(t, tc.err, &verr, "field %s", tc.field) {
			assert.Equal(t, tc.field, verr.WireField, "wire field")
			assert.NotEmpty(t, verr.Field, "Go field")
			assert.True(t, errors.Is(tc.err, ErrInvalidInput))
		}
	}
}

// A 256 MiB download streams: copying it allocates a small fraction of its
// size, and it is not cut at the client's response limit.
func TestDownloadStreamsLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("256 MiB download")
	}
	const size = 256 << 20
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.Header().Set("Content-Disposition", `attachment; filename="big.bin"`)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithMaxResponseBytes(1<<20))
	require.NoError(t, err)

	var n int64
	start := time.Now()
	alloc := allocated(func() {
		var dl *Download
		if dl, err = c.Messages.GetFile(context.Background(), "m1"); err != nil {
			return
		}
		assert.Equal(t, int64(size), dl.ContentLength)
		assert.Equal(t, "big.bin", dl.FileName)
		n, err = dl.WriteTo(io.Discard)
	})
	t.Logf("download of %d MiB: TotalAlloc grew by %.2f MiB (%d bytes) in %s",
		size>>20, float64(alloc)/(1<<20), alloc, time.Since(start).Round(time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, int64(size), n)
	assert.Less(t, alloc, uint64(16<<20), "the download must stream, not buffer")
}

// A download redirected to a CDN is fetched there without the token,
// which only the API host receives. net/http itself drops Authorization
// for another host name; the Client's redirect policy also drops it for
// another port of the same host, which net/http would not.
func TestDownloadRedirectDropsToken(t *testing.T) {
	other, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Logf("127.0.0.2 is not routable here (%v): only the other-port case runs", err)
	}
	samePort, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cases := map[string]net.Listener{"other port": samePort}
	if other != nil {
		cases["other host"] = other
	}
	for name, l := range cases {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			auth := map[string][]string{}
			record := func(who string, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				auth[who] = append(auth[who], r.Header.Get("Authorization"))
			}
			cdn := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				record("cdn", r)
				w.Header().Set("Content-Type", "image/png")
				w.Header().Set("Content-Disposition", `inline; filename="logo-small.png"`)
				_, _ = w.Write(pngBytes)
			}))
			cdn.Listener.Close()
			cdn.Listener = l
			cdn.Start()
			defer cdn.Close()
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				record("api", r)
				assert.Equal(t, "/api/v2/messages/m1/images", r.URL.Path)
				assert.Equal(t, "small", r.URL.Query().Get("size"))
				http.Redirect(w, r, cdn.URL+"/images/m1/small", http.StatusFound)
			}))
			defer api.Close()
			c, err := NewClient(testToken, WithBaseURL(api.URL))
			require.NoError(t, err)

			dl, err := c.Messages.GetImage(context.Background(), "m1", ImageSizeSmall)
			require.NoError(t, err)
			var buf bytes.Buffer
			_, err = dl.WriteTo(&buf)
			require.NoError(t, err)
			assert.Equal(t, pngBytes, buf.Bytes())
			assert.Equal(t, "image/png", dl.ContentType)
			assert.Equal(t, "logo-small.png", dl.FileName, "the name comes from the final response")

			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []string{"Bearer " + testToken}, auth["api"], "the API request carries the token")
			assert.Equal(t, []string{""}, auth["cdn"], "the CDN request (%s) does not", cdn.Listener.Addr())
		})
	}
}
