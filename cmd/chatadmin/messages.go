package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin messages`.

var messageCols = cols("MESSAGE", "messageId", "SEG", "channelSegment", "USER", "userId", "TYPE", "type", "TEXT", "data.text",
	"TAGS", "tags", "CREATED", "createdAt")

func (a *app) messagesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "messages", Short: "Messages, image and file uploads and downloads"}

	var lf listFlags
	var lo chatadmin.MessageListOptions
	list := &cobra.Command{Use: "list CHANNEL_ID", Short: "List a channel's messages", Args: exactArgs(1),
		Example: "  chatadmin messages list general --all > general.jsonl\n  chatadmin messages list general --last 20 -o table",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				lo.Token = lf.token
				lo.FilterByParentID = lo.ParentID != ""
				if lf.streaming() {
					return stream(a, c.Messages.All(ctx, args[0], &lo), lf.limit, messageCols)
				}
				p, err := c.Messages.List(ctx, args[0], &lo)
				if err != nil {
					return err
				}
				return printPage(a, p.Items, p.Next, messageCols)
			})
		}}
	addListFlags(list, &lf, true)
	_ = list.Flags().MarkHidden("page-size") // messages page by --first/--last
	list.Flags().StringVar(&lo.ParentID, "parent", "", "only the comments on this message")
	list.Flags().StringSliceVar(&lo.Tags, "tag", nil, "messages with any of these tags")
	list.Flags().StringSliceVar(&lo.ExcludeTags, "exclude-tag", nil, "messages with none of these tags")
	list.Flags().IntVar(&lo.After, "after", 0, "messages after this channel segment")
	list.Flags().IntVar(&lo.Before, "before", 0, "messages before this channel segment")
	list.Flags().IntVar(&lo.First, "first", 0, "the first N messages of the window")
	list.Flags().IntVar(&lo.Last, "last", 0, "the last N messages of the window")

	get := &cobra.Command{Use: "get MESSAGE_ID", Short: "Show a message with its channel and sender", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				m, err := c.Messages.Get(ctx, args[0])
				if err != nil {
					return err
				}
				if a.format() != "table" {
					return a.print(m, nil)
				}
				// The key/value view leads with what was asked for: the
				// message (its text early), then who sent it, then the
				// channel.
				return a.print(struct {
					Message *chatadmin.Message `json:"message"`
					User    *chatadmin.User    `json:"user"`
					Channel *chatadmin.Channel `json:"channel"`
				}{m.Message, m.User, m.Channel}, nil)
			})
		}}

	var cr chatadmin.MessageCreateRequest
	var data string
	create := &cobra.Command{Use: "create CHANNEL_ID", Short: "Post a text or custom message as the admin", Args: exactArgs(1),
		Example: "  chatadmin messages create general --text 'Maintenance at 18:00 UTC'\n  chatadmin messages create general --data '{\"kind\":\"poll\"}'",
		RunE: func(cmd *cobra.Command, args []string) error {
			if data != "" {
				cr.Type = chatadmin.MessageTypeCustom
				var v map[string]any
				if err := json.Unmarshal([]byte(data), &v); err != nil {
					return usageErrorf("--data: want a JSON object: %v", err)
				}
				cr.Data = v
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				m, err := c.Messages.Create(ctx, args[0], &cr)
				if err != nil {
					return err
				}
				return a.print(m, nil)
			})
		}}
	create.Flags().StringVar(&cr.Text, "text", "", "the text of a text message")
	create.Flags().StringVar(&data, "data", "", "the payload of a custom message, a JSON object")
	create.Flags().StringSliceVar(&cr.Tags, "tag", nil, "tags")
	create.Flags().StringVar(&cr.ParentID, "parent", "", "post as a comment on this message")
	create.MarkFlagsMutuallyExclusive("text", "data")
	create.MarkFlagsOneRequired("text", "data")

	var bf *bulkFlags
	del := &cobra.Command{Use: "delete MESSAGE_ID...", Short: "Delete messages", Args: cobra.ArbitraryArgs,
		Example: "  chatadmin messages delete 65000001a1b2c3d4e5f60718\n  chatadmin messages delete --from-file spam-messages.txt --journal delete.journal",
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := a.ids(bf, args, "message")
			if err != nil {
				return err
			}
			if err := a.confirm("messages delete deletes " + count(src.total, "message", bf.fromFile) + " for good"); err != nil {
				src.close()
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if src.direct(bf, 1) {
					if err := c.Messages.Delete(ctx, src.args[0]); err != nil {
						return err
					}
					return a.doneDirect(1)
				}
				return a.runBulk(ctx, c, "messages delete", bf, src, func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
					return bulk.DeleteMessages(ctx, c, items, o)
				})
			})
		}}
	bf = a.bulkFlags(del, "message")

	var img chatadmin.ImageMessageRequest
	var imgPath string
	createImage := &cobra.Command{Use: "create-image CHANNEL_ID", Short: "Upload an image and post it as an image message", Args: exactArgs(1),
		Example: "  chatadmin messages create-image general --file banner.png --caption 'New banner' --full-image",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkReadable(imgPath); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				img.File = a.uploadFile(imgPath)
				m, err := c.Messages.CreateImage(ctx, args[0], &img)
				if err != nil {
					return err
				}
				return a.print(m, nil)
			})
		}}
	createImage.Flags().StringVar(&imgPath, "file", "", "the image file (required)")
	_ = createImage.MarkFlagRequired("file")
	createImage.Flags().StringVar(&img.Caption, "caption", "", "a caption")
	createImage.Flags().StringSliceVar(&img.Tags, "tag", nil, "tags")
	createImage.Flags().StringVar(&img.ParentID, "parent", "", "post as a comment on this message")
	createImage.Flags().BoolVar(&img.FullImage, "full-image", false, "keep the original, downloadable with --size full")

	var fr chatadmin.FileMessageRequest
	var filePath string
	createFile := &cobra.Command{Use: "create-file CHANNEL_ID", Short: "Upload a file and post it as a file message", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkReadable(filePath); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				fr.File = a.uploadFile(filePath)
				m, err := c.Messages.CreateFile(ctx, args[0], &fr)
				if err != nil {
					return err
				}
				return a.print(m, nil)
			})
		}}
	createFile.Flags().StringVar(&filePath, "file", "", "the file (required)")
	_ = createFile.MarkFlagRequired("file")
	createFile.Flags().StringSliceVar(&fr.Tags, "tag", nil, "tags")
	createFile.Flags().StringVar(&fr.ParentID, "parent", "", "post as a comment on this message")

	var size, imgOut string
	getImage := &cobra.Command{Use: "get-image MESSAGE_ID", Short: "Download the image of an image message", Args: exactArgs(1),
		Example: "  chatadmin messages get-image 65000001a1b2c3d4e5f60718 --size full --out evidence.png",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.checkBinaryOut(imgOut); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				d, err := c.Messages.GetImage(ctx, args[0], chatadmin.ImageSize(size))
				if err != nil {
					return err
				}
				return a.writeDownload(d, imgOut)
			})
		}}
	getImage.Flags().StringVar(&size, "size", string(chatadmin.ImageSizeMedium), "small, medium, large or full")
	getImage.Flags().StringVar(&imgOut, "out", "", "write to this file (default stdout, refused on a terminal)")

	var fileOut string
	getFile := &cobra.Command{Use: "get-file MESSAGE_ID", Short: "Download the file of a file message", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.checkBinaryOut(fileOut); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				d, err := c.Messages.GetFile(ctx, args[0])
				if err != nil {
					return err
				}
				return a.writeDownload(d, fileOut)
			})
		}}
	getFile.Flags().StringVar(&fileOut, "out", "", "write to this file (default stdout, refused on a terminal)")

	cmd.AddCommand(list, get, create, del, createImage, getImage, createFile, getFile)
	return cmd
}

// uploadFile is the SDK's upload of path; under --dry-run the curl command
// names the same path.
func (a *app) uploadFile(path string) *chatadmin.UploadFile {
	if a.dry != nil {
		a.dry.uploadPath(filepath.Base(path), path)
	}
	return chatadmin.FileFromPath(path)
}

// checkReadable refuses an upload path that cannot be opened, before
// anything is sent.
func checkReadable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return usageErrorf("--file: %v", err)
	}
	st, err := f.Stat()
	f.Close()
	if err == nil && st.IsDir() {
		return usageErrorf("--file: %s is a directory", path)
	}
	return nil
}

// checkBinaryOut refuses to write a download to a terminal: binary data
// would garble it (and could drive it with escape sequences).
func (a *app) checkBinaryOut(out string) error {
	if out == "" && a.stdoutTTY && !a.dryRun {
		return usageErrorf("refusing to write binary data to a terminal: give --out FILE or redirect stdout")
	}
	return nil
}

// download is what a download to --out prints.
type download struct {
	File        string `json:"file"`
	Bytes       int64  `json:"bytes"`
	ContentType string `json:"contentType,omitempty"`
	ServerName  string `json:"serverFileName,omitempty"`
}

// writeDownload copies d to stdout or to out. A file is written under a
// temporary name and renamed when complete, so that an interrupted download
// never leaves a truncated file under the name asked for.
func (a *app) writeDownload(d *chatadmin.Download, out string) error {
	defer d.Close()
	if a.dryRun {
		return nil
	}
	if out == "" {
		_, err := io.Copy(a.stdout, d.Body)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".part-*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, d.Body)
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		return fmt.Errorf("downloading to %s: %w", out, err)
	}
	return a.print(download{File: out, Bytes: n, ContentType: d.ContentType, ServerName: d.FileName}, nil)
}
