package integration_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

var messageScenarios = []scenarioFunc{
	{name: "Messages/CreateGetDelete", run: messagesCreateGetDelete},
	{name: "Messages/TextLimits", run: messagesTextLimits},
	{name: "Messages/AllTokenPaging", opts: []chatadmintest.Option{chatadmintest.WithMessagePageSize(7)}, run: messagesAllTokenPaging},
	{name: "Messages/AllSegmentWindows", emulatorOnly: true, opts: []chatadmintest.Option{chatadmintest.WithoutMessageTokens()},
		run: messagesAllSegmentWindows},
	{name: "Messages/Images", run: messagesImages},
	{name: "Messages/Files", run: messagesFiles},
	{name: "Messages/CDNDownloads", emulatorOnly: true, opts: []chatadmintest.Option{chatadmintest.WithCDN()}, run: messagesCDN},
}

func TestIntegrationMessages(t *testing.T) { runGroup(t, messageScenarios) }

// messageIDs lists a channel's messages (everything the options select)
// through All and returns their ids in the order All yields them, failing
// on a message seen twice.
func (it *env) messageIDs(t *testing.T, channelID string, opts *chatadmin.MessageListOptions) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	for m, err := range it.Client.Messages.All(it.Ctx, channelID, opts) {
		mustOK(t, "Messages.All", err)
		if seen[m.MessageID] {
			t.Fatalf("Messages.All yielded %s twice", m.MessageID)
		}
		seen[m.MessageID] = true
		ids = append(ids, m.MessageID)
	}
	return ids
}

// postMany posts n text messages "<prefix>-01"… and returns them in order.
func (it *env) postMany(t *testing.T, channelID, prefix string, n int) []*chatadmin.Message {
	t.Helper()
	out := make([]*chatadmin.Message, n)
	for i := range out {
		m, err := it.post(channelID, fmt.Sprintf("%s-%02d", prefix, i+1))
		mustOK(t, "post", err)
		out[i] = m
	}
	return out
}

func uniqueIDs(msgs []*chatadmin.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.MessageID
	}
	return out
}

func messagesCreateGetDelete(t *testing.T, it *env) {
	room := it.ID("room")
	admin := it.createChannel(t, room, it.ID("tag")).ChannelUser.UserID

	first, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Text: "hello world", Tags: []string{"greeting"}})
	mustOK(t, "Create text", err)
	if first.Type != chatadmin.MessageTypeText || first.Text() != "hello world" || first.ChannelID != room ||
		first.UserID != admin || !slices.Equal(first.Tags, []string{"greeting"}) || first.MessageID == "" {
		t.Errorf("Create text returned %+v (text %q)", first, first.Text())
	}

	type poll struct {
		Kind     string   `json:"kind"`
		Question string   `json:"question"`
		Options  []string `json:"options"`
	}
	want := poll{"poll", "Lunch?", []string{"pizza", "salad"}}
	custom, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Type: chatadmin.MessageTypeCustom, Data: want})
	mustOK(t, "Create custom", err)
	var got poll
	mustOK(t, "DecodeData", custom.DecodeData(&got))
	if custom.Type != chatadmin.MessageTypeCustom || !reflect.DeepEqual(got, want) {
		t.Errorf("Create custom returned type %q data %+v", custom.Type, got)
	}
	if custom.ChannelSegment <= first.ChannelSegment {
		t.Errorf("channelSegment did not grow: %d then %d", first.ChannelSegment, custom.ChannelSegment)
	}

	comment, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Text: "a reply", ParentID: first.MessageID})
	mustOK(t, "Create comment", err)
	if comment.ParentID != first.MessageID {
		t.Errorf("comment parentId = %q, want %q", comment.ParentID, first.MessageID)
	}

	res, err := it.Client.Messages.Get(it.Ctx, first.MessageID)
	mustOK(t, "Get", err)
	if res.Message.MessageID != first.MessageID || res.Message.Text() != "hello world" || res.Message.ChildrenNumber != 1 {
		t.Errorf("Get returned message %+v, want the first one with 1 comment", res.Message)
	}
	if res.Channel == nil || res.Channel.ChannelID != room || res.User == nil || res.User.UserID != admin {
		t.Errorf("Get returned channel %+v user %+v", res.Channel, res.User)
	}

	check := func(what string, opts *chatadmin.MessageListOptions, want ...*chatadmin.Message) {
		t.Helper()
		page, err := it.Client.Messages.List(it.Ctx, room, opts)
		mustOK(t, "Messages.List "+what, err)
		var got []string
		for _, m := range page.Items {
			got = append(got, m.MessageID)
		}
		if !slices.Equal(got, uniqueIDs(want)) {
			t.Errorf("List %s = %q, want %q", what, got, uniqueIDs(want))
		}
		if len(page.Items) > 0 && page.User(admin) == nil {
			t.Errorf("List %s: the page's users lack the sender %q", what, admin)
		}
	}
	check("all", nil, first, custom, comment)
	check("by tag", &chatadmin.MessageListOptions{Tags: []string{"greeting"}}, first)
	check("excluding a tag", &chatadmin.MessageListOptions{ExcludeTags: []string{"greeting"}}, custom, comment)
	check("comments of first", &chatadmin.MessageListOptions{ParentID: first.MessageID}, comment)
	check("top level only", &chatadmin.MessageListOptions{FilterByParentID: true}, first, custom)

	mustOK(t, "Delete", it.Client.Messages.Delete(it.Ctx, custom.MessageID))
	_, err = it.Client.Messages.Get(it.Ctx, custom.MessageID)
	it.wantAPIError(t, "Get of a deleted message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	check("after Delete", nil, first, comment)
	err = it.Client.Messages.Delete(it.Ctx, custom.MessageID)
	it.wantAPIError(t, "Delete twice", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.Client.Messages.Get(it.Ctx, it.ID("000000000000000000000000"))
	it.wantAPIError(t, "Get of an unknown message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	_, err = it.post(it.ID("no-such-channel"), "hello?")
	it.wantAPIError(t, "Create in an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Text: "orphan", ParentID: custom.MessageID})
	it.wantAPIError(t, "comment on a deleted message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	it.wantInvalid(t, "text with Data", "data", func() error {
		_, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Text: "x", Data: want})
		return err
	})
	it.wantInvalid(t, "custom with Text", "data.text", func() error {
		_, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Type: chatadmin.MessageTypeCustom, Text: "x"})
		return err
	})
	it.wantInvalid(t, "Get without id", "messageId", func() error {
		_, err := it.Client.Messages.Get(it.Ctx, "")
		return err
	})
	it.wantInvalid(t, "Delete without id", "messageId", func() error {
		return it.Client.Messages.Delete(it.Ctx, "")
	})
}

func messagesTextLimits(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))

	// The limit itself is accepted by the server…
	longest := strings.Repeat("a", chatadmin.MaxTextLength)
	m, err := it.post(room, longest)
	mustOK(t, "text of exactly MaxTextLength characters", err)
	if m.Text() != longest {
		t.Errorf("the longest text came back with %d characters", len(m.Text()))
	}
	// …and one more character is refused before anything is sent.
	it.wantInvalid(t, "text over the limit", "data.text", func() error {
		_, err := it.post(room, longest+"a")
		return err
	})
	// Characters, not bytes: MaxTextLength two-byte letters fit.
	_, err = it.post(room, strings.Repeat("é", chatadmin.MaxTextLength))
	mustOK(t, "text of MaxTextLength two-byte letters", err)
	it.wantInvalid(t, "custom data over the limit", "data", func() error {
		_, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Type: chatadmin.MessageTypeCustom,
			Data: map[string]string{"blob": strings.Repeat("x", chatadmin.MaxCustomData)}})
		return err
	})
	it.wantInvalid(t, "eleven tags", "tags", func() error {
		_, err := it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Text: "x",
			Tags: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}})
		return err
	})
	// Custom data of exactly MaxCustomData bytes as JSON is accepted.
	blob := strings.Repeat("x", chatadmin.MaxCustomData-len(`{"blob":""}`))
	_, err = it.Client.Messages.Create(it.Ctx, room, &chatadmin.MessageCreateRequest{Type: chatadmin.MessageTypeCustom,
		Data: map[string]string{"blob": blob}})
	mustOK(t, "custom data of exactly MaxCustomData bytes", err)
}

func messagesAllTokenPaging(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	msgs := it.postMany(t, room, "token", 23)
	mustOK(t, "Delete", it.Client.Messages.Delete(it.Ctx, msgs[9].MessageID))
	want := uniqueIDs(slices.Delete(slices.Clone(msgs), 9, 10))

	if got := it.messageIDs(t, room, nil); !slices.Equal(got, want) {
		t.Fatalf("All visited %d messages %q,\nwant %d %q", len(got), got, len(want), want)
	}

	// Resuming from a saved Next token visits the rest.
	var firstPage *chatadmin.MessagePage
	for page, err := range it.Client.Messages.Pages(it.Ctx, room, nil) {
		mustOK(t, "Messages.Pages", err)
		firstPage = page
		break
	}
	if firstPage == nil {
		t.Fatal("Pages yielded no page")
	}
	if firstPage.Next == "" {
		if it.live() {
			t.Skip("the live server answered in one page or without tokens; nothing to resume")
		}
		t.Fatalf("the first page (%d messages) has no Next token", len(firstPage.Items))
	}
	n := len(firstPage.Items)
	if got := it.messageIDs(t, room, &chatadmin.MessageListOptions{Token: firstPage.Next}); !slices.Equal(got, want[n:]) {
		t.Errorf("All from the first page's Next = %q, want %q", got, want[n:])
	}

	if it.live() {
		return
	}
	if n != 7 {
		t.Errorf("first page has %d messages, want the emulator's page size 7", n)
	}
	tokens, windows := 0, 0
	for _, r := range it.Srv.Requests() {
		if r.Route == "POST /api/v2/messages" {
			if strings.Contains(string(r.Body), `"token"`) {
				tokens++
			}
			if strings.Contains(string(r.Body), `"after"`) {
				windows++
			}
		}
	}
	if tokens == 0 || windows != 0 {
		t.Errorf("token paging sent %d token and %d segment-window queries, want only token queries", tokens, windows)
	}
}

func messagesAllSegmentWindows(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	msgs := it.postMany(t, room, "window", 45)
	mustOK(t, "Delete", it.Client.Messages.Delete(it.Ctx, msgs[19].MessageID))
	live := slices.Delete(slices.Clone(msgs), 19, 20)
	want := uniqueIDs(live)

	// Without tokens a query returns the first window only; All must walk
	// the channelSegment windows, whatever their size, every message once.
	for _, opts := range []*chatadmin.MessageListOptions{nil, {First: 7}, {First: 11}, {First: 100}} {
		if got := it.messageIDs(t, room, opts); !slices.Equal(got, want) {
			t.Errorf("All(%+v) visited %d messages, want %d in order:\n got %q\nwant %q", opts, len(got), len(want), got, want)
		}
	}
	// A resumed sweep starts after a segment.
	after := live[29].ChannelSegment
	if got := it.messageIDs(t, room, &chatadmin.MessageListOptions{After: after, First: 6}); !slices.Equal(got, want[30:]) {
		t.Errorf("All(after %d) = %q, want %q", after, got, want[30:])
	}

	// Backward: newest window first, each page oldest first.
	var pages [][]string
	for page, err := range it.Client.Messages.Pages(it.Ctx, room, &chatadmin.MessageListOptions{Last: 10}) {
		mustOK(t, "Messages.Pages backward", err)
		var p []string
		for _, m := range page.Items {
			p = append(p, m.MessageID)
		}
		pages = append(pages, p)
	}
	var back []string
	for i := len(pages) - 1; i >= 0; i-- {
		back = append(back, pages[i]...)
	}
	if !slices.Equal(back, want) || len(pages) < 5 || !slices.Equal(pages[0], want[len(want)-10:]) {
		t.Errorf("backward pages = %q, want windows of 10 from the newest", pages)
	}

	for _, r := range it.Srv.Requests() {
		if r.Route == "POST /api/v2/messages" && strings.Contains(string(r.Body), `"token"`) {
			t.Errorf("a segment-window sweep sent a token: %s", r.Body)
		}
	}
}
