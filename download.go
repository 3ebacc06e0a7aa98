package chatadmin

import (
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Download is a file or image being downloaded: the body streams from the
// server (or the CDN it redirected to) as it is read. Close it, or let
// WriteTo do so. The call's context must stay alive while Body is read.
type Download struct {
	Body          io.ReadCloser
	ContentType   string // e.g. "image/png"; "" when the server sent none
	ContentLength int64  // -1 when unknown
	// FileName is the name the server suggested in Content-Disposition,
	// reduced to its last path element so that it cannot point elsewhere
	// when used as a path; "" when there was none.
	FileName string
}

// WriteTo copies the whole body to w and closes it. It makes Download an
// io.WriterTo.
func (d *Download) WriteTo(w io.Writer) (int64, error) {
	defer d.Body.Close()
	return io.Copy(w, d.Body)
}

// Close closes the body.
func (d *Download) Close() error { return d.Body.Close() }

// download sends ep and hands back its body unread. Unlike call it does not
// cap the body at the client's response limit: downloads are as large as
// the uploads were.
func (c *Client) download(ctx context.Context, ep *endpoint, reqOpts []RequestOption) (_ *Download, err error) {
	ep.accept = "*/*" // the body is the file itself, whatever its type
	resp, st, err := c.send(ctx, ep, reqOpts)
	defer func() {
		reported := false
		defer func() {
			if !reported && resp != nil {
				resp.Body.Close() // an End hook panicked: nobody will read the body
			}
		}()
		c.observeEnd(st, &err)
		reported = true
	}()
	if err != nil {
		return nil, err
	}
	return &Download{
		Body:          resp.Body,
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
		FileName:      attachmentName(resp.Header),
	}, nil
}

// attachmentName is the filename parameter of Content-Disposition (RFC
// 2231 filename* included), without any directory part.
func attachmentName(h http.Header) string {
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	name := path.Base(strings.ReplaceAll(params["filename"], `\`, "/"))
	switch name {
	case ".", "..", "/":
		return ""
	}
	return name
}
