package chatadmin

import (
	"context"
	"net/http"
)

// The media half of MessagesService: image and file messages, uploaded as
// multipart bodies and downloaded as streams.

// ImageMessageRequest describes an image message.
type ImageMessageRequest struct {
	File     *UploadFile // required: the image
	Caption  string      // optional
	Tags     []string    // at most MaxTags
	ParentID string      // makes the message a comment
	// FullImage keeps the original, downloadable as ImageSizeFull. It is
	// always sent, false included.
	FullImage bool
}

// imageMessageForm is the multipart fields of an image message.
type imageMessageForm struct {
	ChannelID string      `url:"channelId"`
	Caption   string      `url:"caption,omitempty"`
	Tags      bracketList `url:"tags,omitempty"`
	ParentID  string      `url:"parentId,omitempty"`
	FullImage bool        `url:"fullImage"`
}

// CreateImage uploads an image and posts it as an image message. The file
// is streamed, never held in memory. Like Create it is not retried once
// sent, unless WithRetrySafe is given and the file can be reopened.
//
// API: POST /api/v2/messages/images (multipart)
func (s *MessagesService) CreateImage(ctx context.Context, channelID string, req *ImageMessageRequest, reqOpts ...RequestOption) (*Message, error) {
	if req == nil {
		req = &ImageMessageRequest{}
	}
	form := &imageMessageForm{ChannelID: channelID, Caption: req.Caption, Tags: req.Tags, ParentID: req.ParentID, FullImage: req.FullImage}
	return s.upload(ctx, "Messages.CreateImage", "/api/v2/messages/images", channelID, req.File, req.Tags, form, reqOpts)
}

// upload validates and sends an image or file message: fields are the
// multipart text fields (a go-querystring-tagged struct).
func (s *MessagesService) upload(ctx context.Context, op, route, channelID string, file *UploadFile, tags []string, fields any, reqOpts []RequestOption) (*Message, error) {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return nil, err
	}
	if file == nil {
		return nil, invalid("File", "file", "is required")
	}
	if err := checkTags("Tags", "tags", tags); err != nil {
		return nil, err
	}
	ep := endpoint{op: op, method: http.MethodPost, route: route, body: multipartBody{ctx: ctx, fields: fields, file: file}, class: unsafe}
	return s.create(ctx, &ep, reqOpts)
}

// FileMessageRequest describes a file message.
type FileMessageRequest struct {
	File     *UploadFile // required: the file
	Tags     []string    // at most MaxTags
	ParentID string      // makes the message a comment
}

// fileMessageForm is the multipart fields of a file message.
type fileMessageForm struct {
	ChannelID string      `url:"channelId"`
	Tags      bracketList `url:"tags,omitempty"`
	ParentID  string      `url:"parentId,omitempty"`
}

// CreateFile uploads a file and posts it as a file message. The file is
// streamed, never held in memory. Like Create it is not retried once sent,
// unless WithRetrySafe is given and the file can be reopened.
//
// API: POST /api/v2/messages/files (multipart)
func (s *MessagesService) CreateFile(ctx context.Context, channelID string, req *FileMessageRequest, reqOpts ...RequestOption) (*Message, error) {
	if req == nil {
		req = &FileMessageRequest{}
	}
	form := &fileMessageForm{ChannelID: channelID, Tags: req.Tags, ParentID: req.ParentID}
	return s.upload(ctx, "Messages.CreateFile", "/api/v2/messages/files", channelID, req.File, req.Tags, form, reqOpts)
}

// ImageSize is a size of a stored image, for GetImage.
type ImageSize string

// Image sizes: the longest side is 160, 600 or 1500 pixels, or the original
// (full, only for images uploaded with FullImage).
const (
	ImageSizeSmall  ImageSize = "small"
	ImageSizeMedium ImageSize = "medium"
	ImageSizeLarge  ImageSize = "large"
	ImageSizeFull   ImageSize = "full"
)

type imageQuery struct {
	Size ImageSize `url:"size"`
}

// GetImage downloads the image of an image message in the given size. The
// caller must close the returned Download (or use its WriteTo).
//
// API: GET /api/v2/messages/:messageId/images (query)
func (s *MessagesService) GetImage(ctx context.Context, messageID string, size ImageSize, reqOpts ...RequestOption) (*Download, error) {
	if err := firstErr(
		checkRequired("size", "size", string(size)),
		checkEnum("size", "size", size, ImageSizeSmall, ImageSizeMedium, ImageSizeLarge, ImageSizeFull),
	); err != nil {
		return nil, err
	}
	ep := endpoint{op: "Messages.GetImage", method: http.MethodGet, route: "/api/v2/messages/:messageId/images", params: []string{messageID},
		query: &imageQuery{size}, class: safe}
	return s.client.download(ctx, &ep, reqOpts)
}

// GetFile downloads the file of a file message. The caller must close the
// returned Download (or use its WriteTo).
//
// API: GET /api/v2/messages/:messageId/files (query)
func (s *MessagesService) GetFile(ctx context.Context, messageID string, reqOpts ...RequestOption) (*Download, error) {
	ep := endpoint{op: "Messages.GetFile", method: http.MethodGet, route: "/api/v2/messages/:messageId/files", params: []string{messageID}, class: safe}
	return s.client.download(ctx, &ep, reqOpts)
}
