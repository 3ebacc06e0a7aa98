package chatadmintest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		p := i / 4
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(p%w), uint8(p/w), 128, 255
	}
	return img
}

func encodePNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, testImage(w, h)))
	return b.Bytes()
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, testImage(w, h), nil))
	return b.Bytes()
}

func (c *tc) uploadImage(t *testing.T, data []byte, name, ct string, extra ...[2]string) map[string]any {
	t.Helper()
	fields := append([][2]string{{"channelId", "a"}}, extra...)
	r := c.upload("/api/v2/messages/images", fields, name, ct, data)
	require.Equal(t, 200, r.status, "%s", r.body)
	return r.data(t)["messages"].([]any)[0].(map[string]any)
}

// decodedSize downloads one size and returns the decoded dimensions, format
// and response.
func (c *tc) decodedSize(t *testing.T, id, size string) (image.Point, string, result) {
	t.Helper()
	r := c.get("/api/v2/messages/" + id + "/images?size=" + size)
	require.Equal(t, 200, r.status, "%s", r.body)
	img, format, err := image.Decode(bytes.NewReader(r.body))
	require.NoError(t, err)
	return img.Bounds().Size(), format, r
}

func TestImageResizePNG(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	orig := encodePNG(t, 700, 350)
	m := c.uploadImage(t, orig, "wide.png", "image/png", [2]string{"caption", "hello"}, [2]string{"tags[]", "pics"})
	require.Equal(t, "image", m["type"])
	data := m["data"].(map[string]any)
	require.Equal(t, "hello", data["caption"])
	require.NotEmpty(t, data["fileId"])
	require.Equal(t, []any{"pics"}, m["tags"])
	id := m["messageId"].(string)

	for size, want := range map[string]image.Point{"small": {160, 80}, "medium": {600, 300}, "large": {700, 350}} {
		got, format, r := c.decodedSize(t, id, size)
		require.Equal(t, want, got, size)
		require.Equal(t, "png", format)
		require.Equal(t, "image/png", r.header.Get("Content-Type"))
		require.Equal(t, `attachment; filename=wide.png`, r.header.Get("Content-Disposition"))
	}
	_, _, r := c.decodedSize(t, id, "large")
	require.Equal(t, orig, r.body, "never upscaled: the original bytes")
	// full only with fullImage=true.
	c.get("/api/v2/messages/"+id+"/images?size=full").requireError(t, 404, 400400)
	c.get("/api/v2/messages/"+id+"/images?size=huge").requireError(t, 422, 500000)
	c.get("/api/v2/messages/"+id+"/files").requireError(t, 404, 400400)
	c.get("/api/v2/messages/nope/images?size=small").requireError(t, 404, 400400)
}

func TestImageResizeJPEGFull(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	orig := encodeJPEG(t, 200, 1600)
	m := c.uploadImage(t, orig, "tall photo.jpg", "image/jpeg", [2]string{"fullImage", "true"})
	id := m["messageId"].(string)
	for size, want := range map[string]image.Point{"small": {20, 160}, "medium": {75, 600}, "large": {188, 1500}} {
		got, format, r := c.decodedSize(t, id, size)
		require.Equal(t, want, got, size)
		require.Equal(t, "jpeg", format)
		require.Equal(t, "image/jpeg", r.header.Get("Content-Type"))
		require.Equal(t, `attachment; filename="tall photo.jpg"`, r.header.Get("Content-Disposition"))
	}
	r := c.get("/api/v2/messages/" + id + "/images?size=full")
	require.Equal(t, 200, r.status)
	require.Equal(t, orig, r.body)
}

func TestImageRejected(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	c.upload("/api/v2/messages/images", [][2]string{{"channelId", "a"}}, "x.png", "image/png", []byte("not an image")).requireError(t, 400, 400314)
	m := c.upload("/api/v2/messages/images", [][2]string{{"channelId", "a"}}, "", "", nil).requireError(t, 422, 500000)
	require.Contains(t, m["data"].(map[string]any)["detail"], "The 'file' field is required.")
	// A bare tags value is a string, not an array.
	c.upload("/api/v2/messages/images", [][2]string{{"channelId", "a"}, {"tags", "x"}}, "a.png", "image/png", encodePNG(t, 2, 2)).requireError(t, 422, 500000)
	// Repeated tags are an array.
	r := c.upload("/api/v2/messages/images", [][2]string{{"channelId", "a"}, {"tags", "x"}, {"tags", "y"}}, "a.png", "image/png", encodePNG(t, 2, 2))
	require.Equal(t, 200, r.status, "%s", r.body)
	// Wrong content type for multipart endpoint.
	c.json(http.MethodPost, "/api/v2/messages/images", `{}`).requireError(t, 400, 400000)
}

func TestFileMessage(t *testing.T) {
	c := newTC(t, WithMaxUploadSize(1000))
	c.mustChannel("a")
	payload := []byte("%PDF-1.4 fake")
	r := c.upload("/api/v2/messages/files", [][2]string{{"channelId", "a"}, {"tags[]", "docs"}}, "report.pdf", "application/pdf", payload)
	require.Equal(t, 200, r.status, "%s", r.body)
	m := r.data(t)["messages"].([]any)[0].(map[string]any)
	require.Equal(t, "file", m["type"])
	require.Equal(t, "report.pdf", m["data"].(map[string]any)["fileName"])
	id := m["messageId"].(string)

	r = c.get("/api/v2/messages/" + id + "/files")
	require.Equal(t, 200, r.status)
	require.Equal(t, payload, r.body)
	require.Equal(t, "application/pdf", r.header.Get("Content-Type"))
	require.Equal(t, "13", r.header.Get("Content-Length"))
	require.Equal(t, "attachment; filename=report.pdf", r.header.Get("Content-Disposition"))
	c.get("/api/v2/messages/"+id+"/images?size=small").requireError(t, 404, 400400)

	// Over the upload limit.
	c.upload("/api/v2/messages/files", [][2]string{{"channelId", "a"}}, "big.bin", "", make([]byte, 1001)).requireError(t, 413, 500000)
	r = c.upload("/api/v2/messages/files", [][2]string{{"channelId", "a"}}, "ok.bin", "", make([]byte, 1000))
	require.Equal(t, 200, r.status, "%s", r.body)
	id = r.data(t)["messages"].([]any)[0].(map[string]any)["messageId"].(string)
	require.Equal(t, "application/octet-stream", c.get("/api/v2/messages/"+id+"/files").header.Get("Content-Type"))
	c.upload("/api/v2/messages/files", [][2]string{{"channelId", "zz"}}, "ok.bin", "", []byte("x")).requireError(t, 404, 400400)
}

func TestCDNRedirect(t *testing.T) {
	c := newTC(t, WithCDN())
	require.NotEmpty(t, c.s.CDNURL)
	require.NotEqual(t, c.s.URL, c.s.CDNURL)
	c.mustChannel("a")
	m := c.uploadImage(t, encodePNG(t, 300, 200), "p.png", "image/png")
	id := m["messageId"].(string)
	r := c.get("/api/v2/messages/" + id + "/images?size=small")
	require.Equal(t, http.StatusFound, r.status)
	loc := r.header.Get("Location")
	require.True(t, strings.HasPrefix(loc, c.s.CDNURL+"/"), loc)

	// The CDN serves without the token.
	resp, err := c.hc.Get(loc)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	img, _, err := image.Decode(resp.Body)
	require.NoError(t, err)
	require.Equal(t, image.Point{160, 107}, img.Bounds().Size())

	f := c.upload("/api/v2/messages/files", [][2]string{{"channelId", "a"}}, "n.txt", "text/plain", []byte("hi"))
	fid := f.data(t)["messages"].([]any)[0].(map[string]any)["messageId"].(string)
	r = c.get("/api/v2/messages/" + fid + "/files")
	require.Equal(t, http.StatusFound, r.status)
	resp2, err := c.hc.Get(r.header.Get("Location"))
	require.NoError(t, err)
	defer resp2.Body.Close()
	require.Equal(t, 200, resp2.StatusCode)
	require.Equal(t, "attachment; filename=n.txt", resp2.Header.Get("Content-Disposition"))
	// The redirect still requires the token on the API listener.
	req := c.req(http.MethodGet, "/api/v2/messages/"+fid+"/files", "", nil)
	req.Header.Del("Authorization")
	c.do(req).requireError(t, 401, 400100)
}

func TestFitLongest(t *testing.T) {
	require.Equal(t, [2]int{160, 1}, func() [2]int { w, h := fitLongest(2000, 10, 160); return [2]int{w, h} }())
	require.Equal(t, [2]int{100, 50}, func() [2]int { w, h := fitLongest(100, 50, 160); return [2]int{w, h} }())
	require.Equal(t, [2]int{600, 600}, func() [2]int { w, h := fitLongest(1000, 1000, 600); return [2]int{w, h} }())
}

// TestResizeAverages checks the area resampler keeps a flat colour flat and
// averages a two-colour image.
func TestResizeAverages(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for x := range 4 {
		for y := range 2 {
			v := uint8(0)
			if x >= 2 {
				v = 200
			}
			src.Set(x, y, color.RGBA{v, v, v, 255})
		}
	}
	dst := resizeArea(src, 2, 1)
	require.Equal(t, color.RGBA{0, 0, 0, 255}, dst.At(0, 0))
	require.Equal(t, color.RGBA{200, 200, 200, 255}, dst.At(1, 0))
	dst = resizeArea(src, 1, 1)
	require.Equal(t, color.RGBA{100, 100, 100, 255}, dst.At(0, 0))
}
