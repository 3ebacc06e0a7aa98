// Media shows uploads and downloads: it posts a generated PNG as an image
// message (keeping the full-size original) and a text file as a file
// message, then downloads every size of the image and the file to disk.
//
//	go run ./examples/media [-out DIR]
//
// It runs against the in-process emulator unless CHATADMIN_BASE_URL and
// CHATADMIN_TOKEN point it at a live tenant (where it closes the channel it
// created before exiting). The downloads stay in DIR, by default a new
// temporary directory whose path it prints.
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // a server may store the resized sizes as JPEG
	"image/png"
	"io"
	"log"
	"mime"
	"os"
	"path/filepath"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
)

func main() {
	out := flag.String("out", "", "directory for the downloads (default: a new temporary directory)")
	flag.Parse()
	// A live tenant when CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set; an
	// in-process emulator otherwise.
	baseURL, token, emu, err := exampleenv.Target(os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	client, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(baseURL))
	if err != nil {
		log.Fatal(err)
	}
	exampleenv.Main(exampleenv.New(client, emu), func(ctx context.Context, env *exampleenv.Env, w io.Writer) error {
		return run(ctx, env, *out, w)
	})
}

func run(ctx context.Context, env *exampleenv.Env, outDir string, w io.Writer) (err error) {
	c := env.Client
	room := env.Name("media")

	src, err := os.MkdirTemp("", "chatadmin-media-src-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "chatadmin-media-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}

	imgPath := filepath.Join(src, "gradient.png")
	if err := writeGradient(imgPath, 2000, 1200); err != nil {
		return err
	}
	txtPath := filepath.Join(src, "notes.txt")
	if err := os.WriteFile(txtPath, []byte("Meeting notes\n- ship the SDK\n"), 0o644); err != nil {
		return err
	}

	if _, err := c.Channels.Create(ctx, room, &chatadmin.ChannelCreateRequest{DisplayName: "Media"}); err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "closed channel "+room, &err, func(ctx context.Context) error {
		return c.Channels.Close(ctx, room)
	})
	fmt.Fprintf(w, "created channel %s\n", room)

	// FileFromPath streams the file and reopens it if the upload is
	// retried; without FullImage the server keeps only the resized sizes.
	img, err := c.Messages.CreateImage(ctx, room, &chatadmin.ImageMessageRequest{
		File: chatadmin.FileFromPath(imgPath), Caption: "A gradient", FullImage: true,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "uploaded %s (2000x1200) as image message %s\n", filepath.Base(imgPath), img.MessageID)

	file, err := c.Messages.CreateFile(ctx, room, &chatadmin.FileMessageRequest{File: chatadmin.FileFromPath(txtPath)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "uploaded %s as file message %s\n", filepath.Base(txtPath), file.MessageID)

	fmt.Fprintf(w, "downloading to %s\n", outDir)
	for _, size := range []chatadmin.ImageSize{
		chatadmin.ImageSizeSmall, chatadmin.ImageSizeMedium, chatadmin.ImageSizeLarge, chatadmin.ImageSizeFull,
	} {
		dl, err := c.Messages.GetImage(ctx, img.MessageID, size)
		if err != nil {
			return fmt.Errorf("image %s: %w", size, err)
		}
		path := filepath.Join(outDir, "image-"+string(size)+extension(dl.ContentType))
		n, err := save(dl, path)
		if err != nil {
			return fmt.Errorf("image %s: %w", size, err)
		}
		cfg, format, err := decodeConfig(path)
		if err != nil {
			return fmt.Errorf("image %s: %w", size, err)
		}
		fmt.Fprintf(w, "  %-6s %4dx%-4d %s, %d bytes → %s\n", size, cfg.Width, cfg.Height, format, n, filepath.Base(path))
	}

	dl, err := c.Messages.GetFile(ctx, file.MessageID)
	if err != nil {
		return err
	}
	// FileName comes from the server: the SDK reduces it to a base name so
	// that it cannot point outside outDir.
	name := dl.FileName
	if name == "" {
		name = "file"
	}
	n, err := save(dl, filepath.Join(outDir, name))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  file   %s, %d bytes → %s\n", dl.ContentType, n, name)
	return nil
}

// writeGradient writes a width×height PNG: large enough that the server
// has to scale it down for every size but full.
func writeGradient(path string, width, height int) error {
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		for x := range width {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(255 * x / width), G: uint8(255 * y / height), B: 160, A: 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// save streams a download to path; WriteTo closes the body.
func save(dl *chatadmin.Download, path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		dl.Close()
		return 0, err
	}
	n, err := dl.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

func decodeConfig(path string) (image.Config, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, "", err
	}
	defer f.Close()
	return image.DecodeConfig(f)
}

// extension names the saved file after the type the server sent, which
// need not be the uploaded one.
func extension(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	}
	return ""
}
