package chatadmin_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// An image held in memory is uploaded through FileFromReaderAt, which can
// be read again if the call is retried; the server keeps resized copies.
func ExampleMessagesService_CreateImage() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// A 400×300 PNG made on the spot stands in for a real picture.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 400, 300))); err != nil {
		log.Fatal(err)
	}
	file := chatadmin.FileFromReaderAt(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "banner.png")
	msg, err := client.Messages.CreateImage(ctx, "general", &chatadmin.ImageMessageRequest{File: file, Caption: "New banner"})
	if err != nil {
		log.Fatal(err)
	}

	// The small size fits in 160×160 pixels. Close the download when done.
	dl, err := client.Messages.GetImage(ctx, msg.MessageID, chatadmin.ImageSizeSmall)
	if err != nil {
		log.Fatal(err)
	}
	defer dl.Close()
	small, _, err := image.Decode(dl.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.Type, dl.ContentType, small.Bounds().Dx(), "x", small.Bounds().Dy())
	// Output: image image/png 160 x 120
}

// FileFromPath streams a file from disk, reopening it for each attempt;
// GetFile streams it back, following a redirect to a CDN without sending
// the token there.
func ExampleMessagesService_GetFile() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData(), chatadmintest.WithCDN())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "chatadmin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rules.txt")
	if err := os.WriteFile(path, []byte("1. Be kind.\n2. No spoilers.\n"), 0o600); err != nil {
		log.Fatal(err)
	}

	msg, err := client.Messages.CreateFile(ctx, "general", &chatadmin.FileMessageRequest{File: chatadmin.FileFromPath(path)})
	if err != nil {
		log.Fatal(err)
	}
	dl, err := client.Messages.GetFile(ctx, msg.MessageID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dl.FileName, dl.ContentType)
	// WriteTo copies the body and closes it.
	if _, err := dl.WriteTo(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// rules.txt text/plain; charset=utf-8
	// 1. Be kind.
	// 2. No spoilers.
}
