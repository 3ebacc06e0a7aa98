package chatadmin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMessagesList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","parentId":"m0","filterByParentId":true,"tags":["faq"],"excludeTags":["spam","old"],
			"options":{"after":40,"first":2,"before":50,"last":3,"token":"eyJ0IjoxfQ=="}}`,
	}), "messages_query.json")

	page, err := c.Messages.List(context.Background(), "lobby", &MessageListOptions{
		ParentID: "m0", FilterByParentID: true, Tags: []string{"faq"}, ExcludeTags: []string{"spam", "old"},
		After: 40, First: 2, Before: 50, Last: 3, Token: "eyJ0IjoxfQ==",
	})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	m := page.Items[0]
	assert.Equal(t, "m1", m.MessageID)
	assert.Equal(t, "lobby", m.ChannelID)
	assert.Equal(t, "u1", m.UserID)
	assert.Equal(t, MessageTypeText, m.Type)
	assert.Equal(t, "hello", m.Text())
	assert.Equal(t, []string{"faq"}, m.Tags)
	assert.Empty(t, m.ParentID, "a null parentId decodes to \"\"")
	assert.Equal(t, 2, m.ChildrenNumber)
	assert.Equal(t, 41, m.ChannelSegment)
	assert.Equal(t, 1, m.FlagCount)
	assert.Equal(t, map[string]int{"like": 3, "love": 1}, m.Reactions)
	assert.Equal(t, 4, m.ReactionsCount)
	assert.Equal(t, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), m.CreatedAt.UTC())
	assert.Equal(t, time.Date(2024, 5, 1, 10, 5, 0, 0, time.UTC), m.EditedAt.UTC())

	custom := page.Items[1]
	assert.Equal(t, MessageTypeCustom, custom.Type)
	assert.Empty(t, custom.Text())
	var poll struct {
		Kind    string   `json:"kind"`
		Options []string `json:"options"`
	}
	require.NoError(t, custom.DecodeData(&poll))
	assert.Equal(t, "poll", poll.Kind)
	assert.Equal(t, []string{"a", "b"}, poll.Options)

	require.Len(t, page.Users, 2)
	assert.Equal(t, "Ann", page.User("u1").DisplayName)
	assert.Equal(t, Metadata{"team": "red"}, page.User("u1").Metadata)
	assert.Equal(t, 2, page.User("u2").FlagCount)
	assert.Nil(t, page.User("nobody"))
	assert.Equal(t, "eyJhZnRlciI6NDJ9", page.Next)
	assert.Equal(t, "eyJiZWZvcmUiOjQxfQ==", page.Previous)
}

// filterByParentId is sent even when false, and no options object is sent
// when no option is set.
func TestMessagesListDefaults(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false}`}).
		BodyString(`{"messages":[],"users":[]}`)

	page, err := c.Messages.List(context.Background(), "lobby", nil)
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.Empty(t, page.Next)
}

func TestMessagesGet(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/message/m%2F1"}), "message_get.json")

	res, err := c.Messages.Get(context.Background(), "m/1")
	require.NoError(t, err)
	assert.Equal(t, "lobby", res.Channel.ChannelID)
	assert.Equal(t, 42, res.Channel.MessageCount)
	assert.Equal(t, "m1", res.Message.MessageID)
	assert.Equal(t, "hello", res.Message.Text())
	assert.Equal(t, map[string]int{"like": 3}, res.Message.Reactions)
	assert.Equal(t, "Ann", res.User.DisplayName)
	assert.Equal(t, []string{"moderator"}, res.User.Roles)
	assert.Equal(t, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), res.User.UpdatedAt.UTC())
}

func TestMessagesCreateText(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/message", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","type":"text","data":{"text":"Welcome, all"},"tags":["news"],"parentId":"m1"}`}),
		"message_create.json")

	m, err := c.Messages.Create(context.Background(), "lobby", &MessageCreateRequest{
		Text: "Welcome, all", Tags: []string{"news"}, ParentID: "m1",
	})
	require.NoError(t, err)
	assert.Equal(t, "m43", m.MessageID)
	assert.Equal(t, "Welcome, all", m.Text())
	assert.Equal(t, "m1", m.ParentID)
	assert.Equal(t, 43, m.ChannelSegment)
	assert.Equal(t, []string{"news"}, m.Tags)
}

func TestMessagesCreateCustom(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/message", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","type":"custom","data":{"kind":"poll","question":"Lunch?","options":["pizza","sushi"]}}`}),
		"message_create_custom.json")

	type poll struct {
		Kind     string   `json:"kind"`
		Question string   `json:"question"`
		Options  []string `json:"options"`
	}
	m, err := c.Messages.Create(context.Background(), "lobby", &MessageCreateRequest{
		Type: MessageTypeCustom, Data: poll{"poll", "Lunch?", []string{"pizza", "sushi"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "m44", m.MessageID)
	assert.Equal(t, MessageTypeCustom, m.Type)
	var got poll
	require.NoError(t, m.DecodeData(&got))
	assert.Equal(t, poll{"poll", "Lunch?", []string{"pizza", "sushi"}}, got)
}

func TestMessagesDelete(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "DELETE", Path: "/api/v2/message/m1", NoBody: true}).BodyString("OK")
	require.NoError(t, c.Messages.Delete(context.Background(), "m1"))
}

func TestMessagesCreateReturnsErrorsTyped(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/message", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","type":"text","data":{"text":"buy now"}}`}).
		Status(400).BodyString(`{"status":"error","code":400308,"message":"Blacklisted word."}`)

	_, err := c.Messages.Create(context.Background(), "lobby", &MessageCreateRequest{Text: "buy now"})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeBlacklistedWord, apiErr.Code)
	assert.ErrorIs(t, err, ErrContentRejected)
}

func TestMessagesAllFollowsTokens(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":true}`}).
		BodyString(`{"status":"success","data":{"messages":[{"messageId":"a","channelSegment":1},{"messageId":"b","channelSegment":2}],
			"users":[],"paging":{"next":"dG9rMQ=="}}}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":true,"options":{"token":"dG9rMQ=="}}`}).
		BodyString(`{"messages":[{"messageId":"c","channelSegment":5}],"users":[],"paging":{"prev":"cHJldg=="}}`)

	var got []string
	for m, err := range c.Messages.All(context.Background(), "lobby", &MessageListOptions{FilterByParentID: true}) {
		require.NoError(t, err)
		got = append(got, m.MessageID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got, "a page with paging but no next ends the sweep")
}

func TestMessagesPagesWalksSegmentWindows(t *testing.T) {
	c := newTestClient(t)
	msgs := func(segs ...int) string {
		var parts []string
		for _, s := range segs {
			parts = append(parts, fmt.Sprintf(`{"messageId":"m%d","channelSegment":%d,"userId":"u1"}`, s, s))
		}
		return `{"messages":[` + strings.Join(parts, ",") + `],"users":[{"userId":"u1","displayName":"Ann"}]}`
	}
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"tags":["t"],"options":{"first":2}}`}).BodyString(msgs(1, 2))
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"tags":["t"],"options":{"after":2,"first":2}}`}).BodyString(msgs(4, 7))
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"tags":["t"],"options":{"after":7,"first":2}}`}).BodyString(msgs(9))

	var got []string
	for page, err := range c.Messages.Pages(context.Background(), "lobby", &MessageListOptions{Tags: []string{"t"}, First: 2}) {
		require.NoError(t, err)
		for _, m := range page.Items {
			got = append(got, m.MessageID)
			assert.Equal(t, "Ann", page.User(m.UserID).DisplayName, "each page carries its users")
		}
	}
	assert.Equal(t, []string{"m1", "m2", "m4", "m7", "m9"}, got, "a page shorter than the window ends the sweep")
}

// When the server picks the first page's size and sends no paging, the
// sweep goes on in windows of MaxPageLimit until an empty page.
func TestMessagesAllServerDefaultWindow(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false}`}).
		BodyString(`{"messages":[{"messageId":"a","channelSegment":3},{"messageId":"b","channelSegment":4}]}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"options":{"after":4,"first":100}}`}).
		BodyString(`{"messages":[]}`)

	var got []string
	for m, err := range c.Messages.All(context.Background(), "lobby", nil) {
		require.NoError(t, err)
		got = append(got, m.MessageID)
	}
	assert.Equal(t, []string{"a", "b"}, got)
}

func TestMessagesAllBreakStopsFetching(t *testing.T) {
	c := newTestClient(t) // a second request would be unmatched and fail the test
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"options":{"first":2}}`}).
		BodyString(`{"messages":[{"messageId":"a","channelSegment":1},{"messageId":"b","channelSegment":2}],"paging":{"next":"bmV4dA=="}}`)

	n := 0
	for _, err := range c.Messages.All(context.Background(), "lobby", &MessageListOptions{First: 2}) {
		require.NoError(t, err)
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func TestMessagesAllStopsWhenServerDoesNotAdvance(t *testing.T) {
	c := newTestClient(t)
	page := `{"messages":[{"messageId":"a","channelSegment":1},{"messageId":"b","channelSegment":2}]}`
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"options":{"first":2}}`}).BodyString(page)
	expect(t, wire{Method: "POST", Path: "/api/v2/messages", ContentType: contentTypeJSON,
		JSON: `{"channelId":"lobby","filterByParentId":false,"options":{"after":2,"first":2}}`}).BodyString(page)

	var err error
	n := 0
	for _, err = range c.Messages.All(context.Background(), "lobby", &MessageListOptions{First: 2}) {
		if err != nil {
			break
		}
		n++
	}
	assert.Equal(t, 2, n)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
}

// fakeMessageServer answers message queries over segments 1..n the way the
// API may: by token when tokens is set and no window option is given,
// otherwise by after/before/first/last windows (default 20), without
// paging.
func fakeMessageServer(t *testing.T, n int, tokens bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var q struct {
			Options struct {
				After, First, Before, Last int
				Token                      string
			} `json:"options"`
		}
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		o := q.Options
		lo, hi := 1, n // the window, inclusive
		size, fromEnd := 20, false
		useToken := tokens && o.After == 0 && o.Before == 0 && o.First == 0 && o.Last == 0
		if o.Token != "" {
			fmt.Sscanf(o.Token, "after-%d", &lo)
			lo++
		}
		if o.After > 0 {
			lo = o.After + 1
		}
		if o.Before > 0 {
			hi = o.Before - 1
		}
		switch {
		case o.First > 0:
			size = o.First
		case o.Last > 0:
			size, fromEnd = o.Last, true
		}
		var segs []int
		for s := lo; s <= hi; s++ {
			segs = append(segs, s)
		}
		if fromEnd {
			segs = segs[max(0, len(segs)-size):]
		} else {
			segs = segs[:min(len(segs), size)]
		}
		out := map[string]any{"users": []any{}}
		msgs := []map[string]any{} // [] when empty: a null list is no list
		for _, s := range segs {
			msgs = append(msgs, map[string]any{"messageId": fmt.Sprintf("m%d", s), "channelSegment": s})
		}
		out["messages"] = msgs
		if useToken {
			pg := map[string]string{}
			if len(segs) > 0 && segs[len(segs)-1] < n {
				pg["next"] = fmt.Sprintf("after-%d", segs[len(segs)-1])
			}
			out["paging"] = pg
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": out})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestMessagesAllVisitsEveryMessageOnce(t *testing.T) {
	const n = 250
	cases := []struct {
		name      string
		tokens    bool
		opts      *MessageListOptions
		wantCalls int32
		backward  bool
	}{
		{"tokens", true, nil, 13, false},                                  // 12 full pages of 20, one of 10
		{"server window", false, nil, 4, false},                           // 20, then 100, 100, 30
		{"first window", false, &MessageListOptions{First: 50}, 6, false}, // 5 full windows, then an empty one
		{"after", false, &MessageListOptions{After: 200, First: 30}, 2, false},
		{"backward", false, &MessageListOptions{Last: 40}, 7, true}, // 6 of 40, one of 10
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := fakeMessageServer(t, n, tc.tokens)
			c, err := NewClient(testToken, WithBaseURL(srv.URL))
			require.NoError(t, err)
			seen := map[string]int{}
			var order []int
			for m, err := range c.Messages.All(context.Background(), "lobby", tc.opts) {
				require.NoError(t, err)
				seen[m.MessageID]++
				order = append(order, m.ChannelSegment)
			}
			first := 1
			if tc.opts != nil && tc.opts.After > 0 {
				first = tc.opts.After + 1
			}
			assert.Len(t, seen, n-first+1)
			for id, k := range seen {
				assert.Equal(t, 1, k, "message %s visited %d times", id, k)
			}
			if !tc.backward {
				for i := 1; i < len(order); i++ {
					require.Less(t, order[i-1], order[i], "messages come in channelSegment order")
				}
			} else {
				assert.Equal(t, []int{211, 212}, order[:2], "backward: newest window first, oldest first within it")
			}
			assert.Equal(t, tc.wantCalls, calls.Load())
		})
	}
}

func TestMessagesValidation(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	ctx := context.Background()
	listErr := func(channelID string, o *MessageListOptions) error {
		_, err := c.Messages.List(ctx, channelID, o)
		return err
	}
	createErr := func(channelID string, r *MessageCreateRequest) error {
		_, err := c.Messages.Create(ctx, channelID, r)
		return err
	}
	var allErr error
	for _, err := range c.Messages.All(ctx, "", nil) {
		allErr = err
	}
	cases := []struct {
		field string
		err   error
	}{
		{"channelId", listErr("", nil)},
		{"channelId", allErr},
		{"tags", listErr("lobby", &MessageListOptions{Tags: make([]string, 11)})},
		{"excludeTags", listErr("lobby", &MessageListOptions{ExcludeTags: []string{""}})},
		{"options.first", listErr("lobby", &MessageListOptions{First: 101})},
		{"options.last", listErr("lobby", &MessageListOptions{Last: -1})},
		{"options.after", listErr("lobby", &MessageListOptions{After: -1})},
		{"messageId", func() error { _, err := c.Messages.Get(ctx, ""); return err }()},
		{"messageId", c.Messages.Delete(ctx, "")},
		{"channelId", createErr("", &MessageCreateRequest{Text: "hi"})},
		{"data.text", createErr("lobby", nil)},
		{"data.text", createErr("lobby", &MessageCreateRequest{})},
		{"data.text", createErr("lobby", &MessageCreateRequest{Text: strings.Repeat("é", MaxTextLength+1)})},
		{"data.text", createErr("lobby", &MessageCreateRequest{Type: MessageTypeCustom, Text: "hi", Data: map[string]any{}})},
		{"data", createErr("lobby", &MessageCreateRequest{Data: map[string]any{"a": 1}})},
		{"data", createErr("lobby", &MessageCreateRequest{Type: MessageTypeCustom, Data: []int{1}})},
		{"data", createErr("lobby", &MessageCreateRequest{Type: MessageTypeCustom})},
		{"data", createErr("lobby", &MessageCreateRequest{Type: MessageTypeCustom,
			Data: map[string]string{"blob": strings.Repeat("x", MaxCustomData)}})},
		{"type", createErr("lobby", &MessageCreateRequest{Type: "video", Text: "hi"})},
		{"tags", createErr("lobby", &MessageCreateRequest{Text: "hi", Tags: make([]string, MaxTags+1)})},
	}
	for _, tc := range cases {
		var verr *ValidationError
		if assert.ErrorAs(t, tc.err, &verr, "field %s", tc.field) {
			assert.Equal(t, tc.field, verr.WireField, "wire field")
			assert.NotEmpty(t, verr.Field, "Go field")
			assert.True(t, errors.Is(tc.err, ErrInvalidInput))
		}
	}
	// The limit itself is allowed.
	_, err := (&MessageCreateRequest{Text: strings.Repeat("é", MaxTextLength)}).wire("lobby")
	assert.NoError(t, err)
}
