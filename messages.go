package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"unicode/utf8"
)

// MessagesService calls the Message API: query, get, create and delete
// messages, upload images and files, and download them.
type MessagesService struct{ service }

// MessageType is the kind of a message, which decides the shape of its
// data.
type MessageType string

// Message types of Message.Type. Create sends text or custom; image and
// file messages come from CreateImage and CreateFile.
const (
	MessageTypeText   MessageType = "text"
	MessageTypeImage  MessageType = "image"
	MessageTypeFile   MessageType = "file"
	MessageTypeCustom MessageType = "custom"
)

// Message is a message in a channel.
type Message struct {
	MessageID string      `json:"messageId"`
	ChannelID string      `json:"channelId"`
	UserID    string      `json:"userId"` // the sender
	Type      MessageType `json:"type"`
	// Data is kept raw because its shape depends on Type (and, for custom
	// messages, on the application): read it with Text, Image, File or
	// DecodeData.
	Data           json.RawMessage `json:"data,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	ParentID       string          `json:"parentId,omitempty"` // the message this one comments on
	ChildrenNumber int             `json:"childrenNumber"`     // comments on this message
	ChannelSegment int             `json:"channelSegment"`     // the message's sequence number in its channel
	IsDeleted      bool            `json:"isDeleted"`
	FlagCount      int             `json:"flagCount"`
	Reactions      map[string]int  `json:"reactions,omitempty"` // reaction name → count
	ReactionsCount int             `json:"reactionsCount"`
	CreatedAt      Timestamp       `json:"createdAt"`
	UpdatedAt      Timestamp       `json:"updatedAt"`
	EditedAt       Timestamp       `json:"editedAt"`
}

// Text returns data.text, the body of a text message, or "" when Data has
// no text.
func (m *Message) Text() string {
	var d struct {
		Text string `json:"text"`
	}
	if len(m.Data) == 0 || json.Unmarshal(m.Data, &d) != nil {
		return ""
	}
	return d.Text
}

// ImageData is the data of an image message. The v2 docs do not describe
// it; these are the fields the provider's image messages carry.
type ImageData struct {
	FileID  string `json:"fileId"`            // the stored image; GetImage downloads it
	Caption string `json:"caption,omitempty"` // "" when none was given
}

// FileData is the data of a file message. The v2 docs do not describe it;
// these are the fields the provider's file messages carry.
type FileData struct {
	FileID   string `json:"fileId"`             // the stored file; GetFile downloads it
	FileName string `json:"fileName,omitempty"` // the uploaded file's name
}

// Image returns the data of an image message; ok is false when m is not an
// image message or its data is not an object.
func (m *Message) Image() (data ImageData, ok bool) {
	if m.Type != MessageTypeImage || len(m.Data) == 0 || json.Unmarshal(m.Data, &data) != nil {
		return ImageData{}, false
	}
	return data, true
}

// File returns the data of a file message; ok is false when m is not a
// file message or its data is not an object.
func (m *Message) File() (data FileData, ok bool) {
	if m.Type != MessageTypeFile || len(m.Data) == 0 || json.Unmarshal(m.Data, &data) != nil {
		return FileData{}, false
	}
	return data, true
}

// DecodeData decodes Data into v, typically the application's own struct
// for custom messages.
func (m *Message) DecodeData(v any) error {
	if len(m.Data) == 0 {
		return fmt.Errorf("chatadmin: message %s has no data", m.MessageID)
	}
	return json.Unmarshal(m.Data, v)
}

// MessagePage is one page of a message query: the messages and their
// senders. Next is set only when the server pages by token; Pages and All
// fall back to channelSegment windows when it does not.
type MessagePage struct {
	Page[Message]
	Users []User
}

// User returns the sender with id from the page's users, or nil.
func (p *MessagePage) User(id string) *User {
	for i := range p.Users {
		if p.Users[i].UserID == id {
			return &p.Users[i]
		}
	}
	return nil
}

// MessageListOptions selects the messages of a channel query. The zero
// value asks for the server's default page of the whole channel.
//
// After and Before are channelSegment numbers (exclusive bounds); First and
// Last are how many messages to take from the start or the end of that
// window. Token, a Page.Next or Page.Previous, resumes a token-paged sweep.
type MessageListOptions struct {
	ParentID string // only comments on this message
	// FilterByParentID keeps only top-level messages (no parentId). It is
	// always sent, false included: false is also the server's default, so
	// sending it changes nothing and keeps the request explicit.
	FilterByParentID bool
	Tags             []string // messages with any of these tags
	ExcludeTags      []string // messages with none of these tags
	After            int      // messages after this channelSegment
	Before           int      // messages before this channelSegment
	First            int      // the first n messages of the window, at most MaxPageLimit
	Last             int      // the last n messages of the window, at most MaxPageLimit
	Token            string   // a Page.Next or Page.Previous token
}

// messageQuery is the JSON body of a message query.
type messageQuery struct {
	ChannelID        string               `json:"channelId"`
	ParentID         string               `json:"parentId,omitempty"`
	FilterByParentID bool                 `json:"filterByParentId"`
	Tags             []string             `json:"tags,omitempty"`
	ExcludeTags      []string             `json:"excludeTags,omitempty"`
	Options          *messageQueryOptions `json:"options,omitempty"`
}

type messageQueryOptions struct {
	After  int    `json:"after,omitempty"`
	First  int    `json:"first,omitempty"`
	Before int    `json:"before,omitempty"`
	Last   int    `json:"last,omitempty"`
	Token  string `json:"token,omitempty"`
}

func (o *MessageListOptions) validate() error {
	return firstErr(
		checkTags("Tags", "tags", o.Tags),
		checkTags("ExcludeTags", "excludeTags", o.ExcludeTags),
		checkSkip("After", "options.after", o.After),
		checkSkip("Before", "options.before", o.Before),
		checkLimit("First", "options.first", o.First),
		checkLimit("Last", "options.last", o.Last),
	)
}

func (o *MessageListOptions) wire(channelID string) *messageQuery {
	q := &messageQuery{ChannelID: channelID, ParentID: o.ParentID, FilterByParentID: o.FilterByParentID,
		Tags: o.Tags, ExcludeTags: o.ExcludeTags}
	opt := messageQueryOptions{After: o.After, First: o.First, Before: o.Before, Last: o.Last, Token: o.Token}
	if opt != (messageQueryOptions{}) {
		q.Options = &opt
	}
	return q
}

// messagesResponse is the payload of queries and creates. Paging is a
// pointer because its absence matters: no paging means the server pages by
// channelSegment only.
type messagesResponse struct {
	Messages []Message `json:"messages"`
	Users    []User    `json:"users"`
	Paging   *paging   `json:"paging"`
}

// messageCreateResponse is the payload of creates: the same shape as a
// query's, of which only the created message is read. Further elements
// are skipped without being decoded.
type messageCreateResponse struct {
	Messages *[1]Message `json:"messages"`
}

// query sends one message query.
func (s *MessagesService) query(ctx context.Context, channelID string, opts *MessageListOptions, reqOpts []RequestOption) (*messagesResponse, error) {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &MessageListOptions{}
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return callFor[messagesResponse](ctx, s.client, &endpoint{op: "Messages.List", method: http.MethodPost, route: "/api/v2/messages", body: jsonBody{opts.wire(channelID)}, class: safe}, reqOpts)
}

func newMessagePage(r *messagesResponse) *MessagePage {
	return &MessagePage{Page: *newPage(r.Messages, r.Paging), Users: r.Users}
}

// List returns one page of a channel's messages, oldest first.
//
// API: POST /api/v2/messages (JSON)
func (s *MessagesService) List(ctx context.Context, channelID string, opts *MessageListOptions, reqOpts ...RequestOption) (*MessagePage, error) {
	r, err := s.query(ctx, channelID, opts, reqOpts)
	if err != nil {
		return nil, err
	}
	return newMessagePage(r), nil
}

// Pages iterates over the pages of a message query. It follows the
// server's paging.next token when the server sends one; otherwise it walks
// channelSegment windows of First (or Last) messages, MaxPageLimit when
// neither is set, so that every message is visited once. With Last or
// Before (and neither First nor After) it walks backward: newer pages
// first, each page still oldest first. A token sweep resumes from a saved
// Page.Next; a window sweep from After set to the last ChannelSegment seen.
// WithReadAhead fetches the next page while the loop works on this one.
//
// API: POST /api/v2/messages (JSON), one request per page
func (s *MessagesService) Pages(ctx context.Context, channelID string, opts *MessageListOptions, reqOpts ...RequestOption) iter.Seq2[*MessagePage, error] {
	return pages(ctx, func() fetchPage[*MessagePage] { return s.newSweep(channelID, opts, reqOpts).fetch }, reqOpts)
}

// All iterates over every message the query selects, fetching pages as the
// loop needs them (in the order Pages gives). Breaking out of the loop
// stops fetching. WithReadAhead fetches the next page while the loop works
// on the current one.
//
// API: POST /api/v2/messages (JSON), one request per page
func (s *MessagesService) All(ctx context.Context, channelID string, opts *MessageListOptions, reqOpts ...RequestOption) iter.Seq2[Message, error] {
	return items(s.Pages(ctx, channelID, opts, reqOpts...))
}

// MessageResult is a message with its channel and sender, as Get returns
// it.
type MessageResult struct {
	Channel *Channel `json:"channel"`
	Message *Message `json:"message"`
	User    *User    `json:"user"`
}

// Get returns a message with its channel and sender.
//
// API: GET /api/v2/message/:messageId (query)
func (s *MessagesService) Get(ctx context.Context, messageID string, reqOpts ...RequestOption) (*MessageResult, error) {
	return callFor[MessageResult](ctx, s.client, &endpoint{op: "Messages.Get", method: http.MethodGet, route: "/api/v2/message/:messageId", params: []string{messageID}, class: safe}, reqOpts)
}

// MessageCreateRequest describes a new text or custom message.
type MessageCreateRequest struct {
	Type MessageType // MessageTypeText (the default) or MessageTypeCustom
	// Text is the body of a text message, at most MaxTextLength characters.
	Text string
	// Data is the payload of a custom message: anything that encodes as a
	// JSON object of at most MaxCustomData bytes.
	Data     any
	Tags     []string // at most MaxTags
	ParentID string   // makes the message a comment on this message
}

// messageCreateBody is the JSON body of a create.
type messageCreateBody struct {
	ChannelID string      `json:"channelId"`
	Type      MessageType `json:"type"`
	Data      any         `json:"data"` // textData, or a custom message's data as encoded (json.RawMessage)
	Tags      []string    `json:"tags,omitempty"`
	ParentID  string      `json:"parentId,omitempty"`
}

// textData is a text message's data: encoded with the body, in one pass.
type textData struct {
	Text string `json:"text"`
}

func (r *MessageCreateRequest) wire(channelID string) (*messageCreateBody, error) {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return nil, err
	}
	if r == nil {
		return nil, invalid("Text", "data.text", "is required")
	}
	if err := checkTags("Tags", "tags", r.Tags); err != nil {
		return nil, err
	}
	body := &messageCreateBody{ChannelID: channelID, Type: r.Type, Tags: r.Tags, ParentID: r.ParentID}
	if body.Type == "" {
		body.Type = MessageTypeText
	}
	switch body.Type {
	case MessageTypeText:
		if r.Data != nil {
			return nil, invalid("Data", "data", "is for custom messages: set Type to %q, or use Text", MessageTypeCustom)
		}
		if err := firstErr(
			checkRequired("Text", "data.text", r.Text),
			checkMaxChars("Text", "data.text", r.Text, MaxTextLength),
		); err != nil {
			return nil, err
		}
		if !utf8.ValidString(r.Text) {
			return nil, invalid("Text", "data.text", "is not valid UTF-8")
		}
		body.Data = textData{r.Text}
	case MessageTypeCustom:
		if r.Text != "" {
			return nil, invalid("Text", "data.text", "is for text messages: put custom content in Data")
		}
		if err := invalidUTF8InJSON("data", r.Data); err != nil {
			return nil, err
		}
		data, err := json.Marshal(r.Data)
		if err != nil {
			return nil, invalid("Data", "data", "does not encode as JSON: %v", err)
		}
		if !bytes.HasPrefix(data, []byte("{")) {
			return nil, invalid("Data", "data", "must be a JSON object, got %.20s", data)
		}
		if len(data) > MaxCustomData {
			return nil, invalid("Data", "data", "at most %d bytes encoded, got %d", MaxCustomData, len(data))
		}
		body.Data = json.RawMessage(data)
	default:
		return nil, checkEnum("Type", "type", body.Type, MessageTypeText, MessageTypeCustom)
	}
	return body, nil
}

// Create posts a text or custom message as the admin and returns it. It is
// not retried once sent: if the connection fails after sending, the error
// wraps ErrOutcomeUnknown.
//
// API: POST /api/v2/message (JSON)
func (s *MessagesService) Create(ctx context.Context, channelID string, req *MessageCreateRequest, reqOpts ...RequestOption) (*Message, error) {
	body, err := req.wire(channelID)
	if err != nil {
		return nil, err
	}
	ep := endpoint{op: "Messages.Create", method: http.MethodPost, route: "/api/v2/message", body: jsonBody{body}, class: unsafe}
	return s.create(ctx, &ep, reqOpts)
}

// create sends a create endpoint and returns the message it answers with.
// The response also lists the sender (the admin), which the caller knows.
func (s *MessagesService) create(ctx context.Context, ep *endpoint, reqOpts []RequestOption) (*Message, error) {
	var out messageCreateResponse
	if err := s.client.call(ctx, ep, &out, reqOpts...); err != nil {
		return nil, err
	}
	return &out.Messages[0], nil
}

// Delete deletes a message.
//
// API: DELETE /api/v2/message/:messageId (no body)
func (s *MessagesService) Delete(ctx context.Context, messageID string, reqOpts ...RequestOption) error {
	ep := endpoint{op: "Messages.Delete", method: http.MethodDelete, route: "/api/v2/message/:messageId", params: []string{messageID}, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}
