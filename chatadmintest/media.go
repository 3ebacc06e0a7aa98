package chatadmintest

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"mime"
	"net/http"
	"net/url"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// maxImagePixels bounds decoding (a decompression bomb is rejected with
// 400314 rather than exhausting memory).
const maxImagePixels = 50_000_000

// imageSet is a decoded upload with its resized versions.
type imageSet struct {
	contentType string
	sizes       map[string][]byte // small, medium, large
}

// prepareImage decodes the uploaded image and computes the small, medium and
// large versions before the state lock is taken. Only PNG and JPEG are
// images here; anything else is 400/400314. Each size is re-encoded in the
// upload's format; a size not smaller than the original is the original
// bytes.
func prepareImage(_ *Emulator, c *call) error {
	if c.file == nil {
		return nil // the handler reports the missing field
	}
	rejected := errCode(apicode.ImageRejected, "The file is not a supported image (PNG or JPEG).")
	cfg, format, err := image.DecodeConfig(bytes.NewReader(c.file.data))
	if err != nil || (format != "png" && format != "jpeg") {
		return rejected
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width*cfg.Height > maxImagePixels {
		return rejected
	}
	img, _, err := image.Decode(bytes.NewReader(c.file.data))
	if err != nil {
		return rejected
	}
	set := &imageSet{contentType: "image/" + format, sizes: map[string][]byte{}}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	for name, target := range imageSizes {
		dw, dh := fitLongest(w, h, target)
		if dw == w && dh == h {
			set.sizes[name] = c.file.data
			continue
		}
		small := resizeArea(img, dw, dh)
		var buf bytes.Buffer
		if format == "png" {
			err = png.Encode(&buf, small)
		} else {
			err = jpeg.Encode(&buf, small, &jpeg.Options{Quality: 85})
		}
		if err != nil {
			return rejected
		}
		set.sizes[name] = buf.Bytes()
	}
	c.image = set
	return nil
}

// uploadCommon validates the fields shared by image and file uploads.
func uploadCommon(v *validator, c *call) (chID string, tags []string, parentID string) {
	chID, _ = v.str(c.body, "channelId", strRule{required: true, nonEmpty: true})
	tags, _ = v.strArray(c.body, "tags", arrRule{max: 10, itemMax: 30})
	parentID, _ = v.str(c.body, "parentId", strRule{})
	if c.file == nil {
		v.fail("file", "is required.")
	}
	return chID, tags, parentID
}

// createImageMessage: POST /api/v2/messages/images (multipart: channelId,
// file, caption, tags, parentId, fullImage) → wrapped {messages, users}. The
// message is type "image" with data {"caption","fileId"} (a guess: v2 does
// not document it; caption is left out when not given). The original is
// downloadable as size "full" only when fullImage was true.
func (e *Emulator) createImageMessage(c *call) (*response, error) {
	v := &validator{}
	chID, tags, parentID := uploadCommon(v, c)
	caption, hasCaption := v.str(c.body, "caption", strRule{max: 1000})
	full, _ := v.boolean(c.body, "fullImage", false)
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(chID)
	if err != nil {
		return nil, err
	}
	if err := e.canPost(ch, parentID, c.now); err != nil {
		return nil, err
	}
	md := &media{fileID: e.st.newID(), name: fileName(c.file.name, "image"), contentType: c.image.contentType,
		original: c.file.data, isImage: true, full: full, sizes: c.image.sizes}
	data := map[string]any{"fileId": md.fileID}
	if hasCaption {
		data["caption"] = caption
	}
	m := e.postMessage(ch, "image", data, tags, parentID, md, c.now)
	return wrapped(e.messagesPayload([]*message{m})), nil
}

// createFileMessage: POST /api/v2/messages/files (multipart: channelId,
// file, tags, parentId) → wrapped {messages, users}; type "file" with data
// {"fileId","fileName"} (a guess). The part's Content-Type is kept
// (application/octet-stream when absent).
func (e *Emulator) createFileMessage(c *call) (*response, error) {
	v := &validator{}
	chID, tags, parentID := uploadCommon(v, c)
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(chID)
	if err != nil {
		return nil, err
	}
	if err := e.canPost(ch, parentID, c.now); err != nil {
		return nil, err
	}
	ct := c.file.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	md := &media{fileID: e.st.newID(), name: fileName(c.file.name, "file"), contentType: ct, original: c.file.data}
	m := e.postMessage(ch, "file", map[string]any{"fileId": md.fileID, "fileName": md.name}, tags, parentID, md, c.now)
	return wrapped(e.messagesPayload([]*message{m})), nil
}

func fileName(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}

// imageBytes finds the bytes of one size of an image message.
func (e *Emulator) imageBytes(id, size string) (*media, []byte, error) {
	m, _, err := e.liveMessage(id)
	if err != nil {
		return nil, nil, err
	}
	if m.media == nil || !m.media.isImage {
		return nil, nil, errNotFound("Image")
	}
	if size == "full" {
		if !m.media.full {
			return nil, nil, errNotFound("Image")
		}
		return m.media, m.media.original, nil
	}
	b, ok := m.media.sizes[size]
	if !ok {
		return nil, nil, errNotFound("Image")
	}
	return m.media, b, nil
}

// fileBytes finds the bytes of a file message.
func (e *Emulator) fileBytes(id string) (*media, error) {
	m, _, err := e.liveMessage(id)
	if err != nil {
		return nil, err
	}
	if m.media == nil || m.media.isImage {
		return nil, errNotFound("File")
	}
	return m.media, nil
}

// download answers the bytes with their type, length and an attachment
// Content-Disposition.
func download(md *media, data []byte) *response {
	r := newResponse(http.StatusOK, md.contentType, data)
	cd := mime.FormatMediaType("attachment", map[string]string{"filename": md.name})
	if cd == "" {
		cd = "attachment"
	}
	r.header.Set("Content-Disposition", cd)
	return r
}

// redirect answers 302 to the CDN listener when WithCDN is on.
func (e *Emulator) redirect(path string) *response {
	p := e.cdnURL.Load()
	if p == nil {
		return nil
	}
	r := newResponse(http.StatusFound, "", nil)
	r.header.Set("Location", *p+path)
	return r
}

// getImage: GET /api/v2/messages/:messageId/images?size=small|medium|large|full.
// size is required (a guess). Unknown message, a non-image message, or
// "full" of an image uploaded without fullImage: 404/400400.
func (e *Emulator) getImage(c *call) (*response, error) {
	v := &validator{}
	size, _ := v.str(c.query, "size", strRule{required: true, enum: []string{"small", "medium", "large", "full"}})
	if err := v.err(); err != nil {
		return nil, err
	}
	md, data, err := e.imageBytes(c.path["messageId"], size)
	if err != nil {
		return nil, err
	}
	if r := e.redirect("/cdn/images/" + url.PathEscape(c.path["messageId"]) + "/" + size); r != nil {
		return r, nil
	}
	return download(md, data), nil
}

// getFile: GET /api/v2/messages/:messageId/files → the uploaded bytes.
func (e *Emulator) getFile(c *call) (*response, error) {
	md, err := e.fileBytes(c.path["messageId"])
	if err != nil {
		return nil, err
	}
	if r := e.redirect("/cdn/files/" + url.PathEscape(c.path["messageId"])); r != nil {
		return r, nil
	}
	return download(md, md.original), nil
}

// cdnImage serves an image size on the CDN listener (no token needed).
func (e *Emulator) cdnImage(c *call) (*response, error) {
	md, data, err := e.imageBytes(c.path["messageId"], c.path["size"])
	if err != nil {
		return nil, err
	}
	return download(md, data), nil
}

// cdnFile serves a file on the CDN listener (no token needed).
func (e *Emulator) cdnFile(c *call) (*response, error) {
	md, err := e.fileBytes(c.path["messageId"])
	if err != nil {
		return nil, err
	}
	return download(md, md.original), nil
}
