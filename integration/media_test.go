package integration_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

// pngImage draws a w×h PNG with a pattern, so that resizing has something
// to average.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			copy(img.Pix[i:i+4], []uint8{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// downloadBody reads a whole Download, closing it.
func downloadBody(t *testing.T, what string, dl *chatadmin.Download, err error) ([]byte, *chatadmin.Download) {
	t.Helper()
	mustOK(t, what, err)
	var buf bytes.Buffer
	if _, err := dl.WriteTo(&buf); err != nil {
		t.Fatalf("%s: reading the body: %v", what, err)
	}
	return buf.Bytes(), dl
}

func messagesImages(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	// Small enough to keep the emulator's resizing fast under -race, large
	// enough that every size is a real downscale: the longest side becomes
	// 160, 600 and 1500 pixels, in landscape and in portrait.
	const w, h = 1600, 80
	wide := pngImage(t, w, h)
	tall := pngImage(t, 90, 1800)
	file := func(data []byte, name string) *chatadmin.UploadFile {
		return chatadmin.FileFromReaderAt(bytes.NewReader(data), int64(len(data)), name)
	}

	msg, err := it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{
		File: file(wide, "wide.png"), Caption: "a wide one", Tags: []string{"pics"},
	})
	mustOK(t, "CreateImage", err)
	data, ok := msg.Image()
	if !ok || data.Caption != "a wide one" || data.FileID == "" || msg.ChannelID != room {
		t.Errorf("CreateImage returned %+v", msg)
	}
	if got, err := it.Client.Messages.Get(it.Ctx, msg.MessageID); err != nil || got.Message.Type != chatadmin.MessageTypeImage {
		t.Errorf("Get of the image message: %+v, %v", got, err)
	}

	for _, tc := range []struct {
		size    chatadmin.ImageSize
		longest int
	}{{chatadmin.ImageSizeSmall, 160}, {chatadmin.ImageSizeMedium, 600}, {chatadmin.ImageSizeLarge, 1500}} {
		dl, err := it.Client.Messages.GetImage(it.Ctx, msg.MessageID, tc.size)
		body, dl := downloadBody(t, "GetImage "+string(tc.size), dl, err)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil {
			t.Errorf("GetImage %s: not an image: %v", tc.size, err)
			continue
		}
		if format != "png" || dl.ContentType != "image/png" {
			t.Errorf("GetImage %s: format %s, Content-Type %q, want png", tc.size, format, dl.ContentType)
		}
		if cfg.Width != tc.longest || cfg.Height != tc.longest*h/w {
			t.Errorf("GetImage %s: %d×%d, want %d×%d", tc.size, cfg.Width, cfg.Height, tc.longest, tc.longest*h/w)
		}
		if dl.ContentLength >= 0 && dl.ContentLength != int64(len(body)) {
			t.Errorf("GetImage %s: ContentLength %d, body %d bytes", tc.size, dl.ContentLength, len(body))
		}
	}
	_, err = it.Client.Messages.GetImage(it.Ctx, msg.MessageID, chatadmin.ImageSizeFull)
	it.wantAPIError(t, "GetImage full without FullImage", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	full, err := it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{File: file(tall, "tall.png"), FullImage: true, ParentID: msg.MessageID})
	mustOK(t, "CreateImage FullImage", err)
	if full.ParentID != msg.MessageID {
		t.Errorf("image comment parentId = %q", full.ParentID)
	}
	dl, err := it.Client.Messages.GetImage(it.Ctx, full.MessageID, chatadmin.ImageSizeFull)
	body, _ := downloadBody(t, "GetImage full", dl, err)
	if !bytes.Equal(body, tall) {
		t.Errorf("GetImage full returned %d bytes, not the %d original bytes", len(body), len(tall))
	}
	dl, err = it.Client.Messages.GetImage(it.Ctx, full.MessageID, chatadmin.ImageSizeLarge)
	body, _ = downloadBody(t, "GetImage large (portrait)", dl, err)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 75 || cfg.Height != 1500 {
		t.Errorf("GetImage large of a 90×1800 image: %d×%d (%v), want 75×1500", cfg.Width, cfg.Height, err)
	}

	_, err = it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{
		File: chatadmin.FileFromReaderAt(bytes.NewReader([]byte("not an image")), 12, "fake.png"),
	})
	it.wantAPIError(t, "CreateImage of a text file", err, chatadmin.CodeImageRejected, chatadmin.ErrContentRejected)

	text, err := it.post(room, "no picture here")
	mustOK(t, "post", err)
	_, err = it.Client.Messages.GetImage(it.Ctx, text.MessageID, chatadmin.ImageSizeSmall)
	it.wantAPIError(t, "GetImage of a text message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	mustOK(t, "Delete", it.Client.Messages.Delete(it.Ctx, msg.MessageID))
	_, err = it.Client.Messages.GetImage(it.Ctx, msg.MessageID, chatadmin.ImageSizeSmall)
	it.wantAPIError(t, "GetImage of a deleted message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	it.wantInvalid(t, "GetImage of an unknown size", "size", func() error {
		_, err := it.Client.Messages.GetImage(it.Ctx, full.MessageID, "huge")
		return err
	})
	it.wantInvalid(t, "CreateImage without a file", "file", func() error {
		_, err := it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{Caption: "x"})
		return err
	})
}

func messagesFiles(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))

	content := bytes.Repeat([]byte("%PDF-1.7 integration bytes\n"), 4000) // ~100 KB
	pdf := chatadmin.FileFromReaderAt(bytes.NewReader(content), int64(len(content)), "quarterly report.pdf")
	pdf.ContentType = "application/pdf"
	msg, err := it.Client.Messages.CreateFile(it.Ctx, room, &chatadmin.FileMessageRequest{File: pdf, Tags: []string{"docs"}})
	mustOK(t, "CreateFile", err)
	fileData, ok := msg.File()
	if !ok || !slices.Equal(msg.Tags, []string{"docs"}) {
		t.Errorf("CreateFile returned %+v", msg)
	}
	if !it.live() && fileData.FileName != "quarterly report.pdf" {
		t.Errorf("file message data.fileName = %q", fileData.FileName)
	}

	dl, err := it.Client.Messages.GetFile(it.Ctx, msg.MessageID)
	body, dl := downloadBody(t, "GetFile", dl, err)
	if !bytes.Equal(body, content) {
		t.Errorf("GetFile returned %d bytes, want the %d uploaded", len(body), len(content))
	}
	if dl.ContentType != "application/pdf" || dl.FileName != "quarterly report.pdf" {
		t.Errorf("GetFile: Content-Type %q, file name %q", dl.ContentType, dl.FileName)
	}

	// From a path: name from the path, content type from the extension,
	// and a non-ASCII name that must survive both directions.
	path := filepath.Join(t.TempDir(), "données.json")
	jsonBytes := []byte(`{"hello":"world"}`)
	mustOK(t, "write temp file", os.WriteFile(path, jsonBytes, 0o600))
	fromPath, err := it.Client.Messages.CreateFile(it.Ctx, room, &chatadmin.FileMessageRequest{File: chatadmin.FileFromPath(path), ParentID: msg.MessageID})
	mustOK(t, "CreateFile from a path", err)
	if fromPath.ParentID != msg.MessageID {
		t.Errorf("file comment parentId = %q", fromPath.ParentID)
	}
	dl, err = it.Client.Messages.GetFile(it.Ctx, fromPath.MessageID)
	mustOK(t, "GetFile from a path", err)
	got, err := io.ReadAll(dl.Body)
	mustOK(t, "read", err)
	mustOK(t, "close", dl.Close())
	if !bytes.Equal(got, jsonBytes) || dl.ContentType != "application/json" || dl.FileName != "données.json" {
		t.Errorf("GetFile: %q, Content-Type %q, name %q", got, dl.ContentType, dl.FileName)
	}

	img := pngImage(t, 8, 8)
	imgMsg, err := it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{
		File: chatadmin.FileFromReaderAt(bytes.NewReader(img), int64(len(img)), "tiny.png")})
	mustOK(t, "CreateImage", err)
	_, err = it.Client.Messages.GetFile(it.Ctx, imgMsg.MessageID)
	it.wantAPIError(t, "GetFile of an image message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.Client.Messages.CreateFile(it.Ctx, it.ID("no-such-channel"), &chatadmin.FileMessageRequest{
		File: chatadmin.FileFromReaderAt(bytes.NewReader(content), int64(len(content)), "x.pdf")})
	it.wantAPIError(t, "CreateFile in an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "CreateFile without a file", "file", func() error {
		_, err := it.Client.Messages.CreateFile(it.Ctx, room, nil)
		return err
	})
}

// messagesCDN downloads through the emulator's CDN redirect, which the
// SDK follows without the token.
func messagesCDN(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	original := pngImage(t, 200, 100)
	msg, err := it.Client.Messages.CreateImage(it.Ctx, room, &chatadmin.ImageMessageRequest{
		File: chatadmin.FileFromReaderAt(bytes.NewReader(original), int64(len(original)), "cdn.png"), FullImage: true})
	mustOK(t, "CreateImage", err)
	dl, err := it.Client.Messages.GetImage(it.Ctx, msg.MessageID, chatadmin.ImageSizeSmall)
	body, _ := downloadBody(t, "GetImage via CDN", dl, err)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || cfg.Width != 160 || cfg.Height != 80 {
		t.Errorf("GetImage small via CDN: %+v, %v", cfg, err)
	}
	dl, err = it.Client.Messages.GetImage(it.Ctx, msg.MessageID, chatadmin.ImageSizeFull)
	if body, _ := downloadBody(t, "GetImage full via CDN", dl, err); !bytes.Equal(body, original) {
		t.Error("GetImage full via CDN did not return the original")
	}

	content := []byte("plain text file")
	f := chatadmin.FileFromReaderAt(bytes.NewReader(content), int64(len(content)), "notes.txt")
	fileMsg, err := it.Client.Messages.CreateFile(it.Ctx, room, &chatadmin.FileMessageRequest{File: f})
	mustOK(t, "CreateFile", err)
	dl, err = it.Client.Messages.GetFile(it.Ctx, fileMsg.MessageID)
	if body, dl := downloadBody(t, "GetFile via CDN", dl, err); !bytes.Equal(body, content) || dl.FileName != "notes.txt" {
		t.Errorf("GetFile via CDN: %q, name %q", body, dl.FileName)
	}

	redirected := 0
	for _, r := range it.Srv.Requests() {
		if r.Status == 302 {
			redirected++
		}
	}
	if redirected != 3 {
		t.Errorf("%d downloads were redirected, want 3", redirected)
	}
}
