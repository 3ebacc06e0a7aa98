package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/stream"
)

// dataMethods calls every method that returns data, and reports whether
// the result it got is the zero value of its type.
var dataMethods = []struct {
	name string
	call func(c *Client) (zero bool, err error)
}{
	{"Channels.List", func(c *Client) (bool, error) { p, err := c.Channels.List(ctx(), nil); return p == nil, err }},
	{"Channels.Create", func(c *Client) (bool, error) {
		r, err := c.Channels.Create(ctx(), "lobby", nil)
		return r == nil, err
	}},
	{"Channels.UpdateDisplayName", func(c *Client) (bool, error) {
		r, err := c.Channels.UpdateDisplayName(ctx(), "lobby", "Lobby")
		return r == nil, err
	}},
	{"Messages.List", func(c *Client) (bool, error) { p, err := c.Messages.List(ctx(), "lobby", nil); return p == nil, err }},
	{"Messages.Get", func(c *Client) (bool, error) { m, err := c.Messages.Get(ctx(), "m1"); return m == nil, err }},
	{"Messages.Create", func(c *Client) (bool, error) {
		m, err := c.Messages.Create(ctx(), "lobby", &MessageCreateRequest{Text: "hi"})
		return m == nil, err
	}},
	{"Messages.CreateImage", func(c *Client) (bool, error) {
		m, err := c.Messages.CreateImage(ctx(), "lobby", &ImageMessageRequest{File: FileFromReaderAt(strings.NewReader("png"), 3, "a.png")})
		return m == nil, err
	}},
	{"Messages.CreateFile", func(c *Client) (bool, error) {
		m, err := c.Messages.CreateFile(ctx(), "lobby", &FileMessageRequest{File: FileFromReaderAt(strings.NewReader("txt"), 3, "a.txt")})
		return m == nil, err
	}},
	{"Users.List", func(c *Client) (bool, error) { p, err := c.Users.List(ctx(), nil); return p == nil, err }},
	{"Users.Update", func(c *Client) (bool, error) {
		name := "Ann"
		u, err := c.Users.Update(ctx(), "u1", &UserUpdateRequest{DisplayName: &name})
		return u == nil, err
	}},
	{"Users.ClearFlags", func(c *Client) (bool, error) { u, err := c.Users.ClearFlags(ctx(), "u1"); return u == nil, err }},
	{"Roles.List", func(c *Client) (bool, error) { r, err := c.Roles.List(ctx(), nil); return r == nil, err }},
	{"Blacklist.List", func(c *Client) (bool, error) { r, err := c.Blacklist.List(ctx(), nil); return r == nil, err }},
	{"Blacklist.Update", func(c *Client) (bool, error) {
		r, err := c.Blacklist.Update(ctx(), "r1", &BlacklistUpdateRequest{Regex: "x"})
		return r == nil, err
	}},
	{"Whitelist.List", func(c *Client) (bool, error) { r, err := c.Whitelist.List(ctx(), nil); return r == nil, err }},
	{"Whitelist.Update", func(c *Client) (bool, error) {
		r, err := c.Whitelist.Update(ctx(), "r1", &WhitelistUpdateRequest{Regex: "x"})
		return r == nil, err
	}},
	{"Reactions.List", func(c *Client) (bool, error) { p, err := c.Reactions.List(ctx(), "m1", nil); return p == nil, err }},
	{"Reactions.Create", func(c *Client) (bool, error) {
		id, err := c.Reactions.Create(ctx(), "m1", "like")
		return id == "", err
	}},
	{"Reactions.Delete", func(c *Client) (bool, error) {
		id, err := c.Reactions.Delete(ctx(), "m1", "like")
		return id == "", err
	}},
	{"Reactions.MostReacted", func(c *Client) (bool, error) {
		r, err := c.Reactions.MostReacted(ctx(), "like", nil)
		return r == nil, err
	}},
}

func ctx() context.Context { return context.Background() }

// replyServer answers every request with 200 and the current body.
func replyServer(t *testing.T) (*Client, func(body string)) {
	t.Helper()
	srv, h := bodyServer(t)
	c := newServerClient(t, srv, WithMaxAttempts(1))
	t.Cleanup(c.CloseIdleConnections)
	return c, func(body string) {
		f := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
		h.Store(&f)
	}
}

// TestDataMethodsRefuseMissingData is issue 9 item 5: a 200 without the
// data a method promises is ErrUnexpectedResponse, never a zero value
// with a nil error.
func TestDataMethodsRefuseMissingData(t *testing.T) {
	c, reply := replyServer(t)
	for _, body := range []string{`null`, `{"data":null}`, `{}`, `{"status":"success"}`} {
		for _, m := range dataMethods {
			t.Run(body+"/"+m.name, func(t *testing.T) {
				reply(body)
				zero, err := m.call(c)
				assert.ErrorIs(t, err, ErrUnexpectedResponse)
				assert.True(t, zero, "no result beside the error")
				var apiErr *APIError
				assert.False(t, errors.As(err, &apiErr))
			})
		}
	}
}

// TestDataMethodsAcceptBothShapes: every data method decodes its payload
// flat and wrapped in {"status":"success","data":…}.
func TestDataMethodsAcceptBothShapes(t *testing.T) {
	c, reply := replyServer(t)
	const (
		channel  = `{"channelId":"lobby"}`
		message  = `{"messageId":"m1"}`
		user     = `{"userId":"u1"}`
		rule     = `{"ruleId":"r1","regex":"x"}`
		messages = `{"messages":[` + message + `],"users":[` + user + `]}`
	)
	payloads := map[string]string{
		"Channels.List":              `{"results":[{"channel":` + channel + `}],"paging":{"previous":"p"}}`,
		"Channels.Create":            `{"channel":` + channel + `}`,
		"Channels.UpdateDisplayName": channel,
		"Messages.List":              messages,
		"Messages.Get":               `{"message":` + message + `}`,
		"Messages.Create":            messages,
		"Messages.CreateImage":       messages,
		"Messages.CreateFile":        messages,
		"Users.List":                 `{"users":[{"info":{"publicId":"u1"}}]}`,
		"Users.Update":               user,
		"Users.ClearFlags":           user,
		"Roles.List":                 `{"roles":[{"publicId":"mod"}]}`,
		"Blacklist.List":             `{"results":[` + rule + `]}`,
		"Blacklist.Update":           rule,
		"Whitelist.List":             `{"results":[` + rule + `]}`,
		"Whitelist.Update":           rule,
		"Reactions.List":             `{"reactions":[{"referenceId":"m1","reactors":[{"reactionId":"x1"}]}]}`,
		"Reactions.Create":           `{"addedId":"x1"}`,
		"Reactions.Delete":           `{"removedId":"x1"}`,
		"Reactions.MostReacted":      `[{"messageId":"m1","reactionsCount":2}]`,
	}
	require.Len(t, payloads, len(dataMethods))
	for _, m := range dataMethods {
		for _, shape := range []string{"flat", "wrapped"} {
			t.Run(m.name+"/"+shape, func(t *testing.T) {
				body := payloads[m.name]
				if shape == "wrapped" {
					body = `{"status":"success","data":` + body + `}`
				}
				reply(body)
				zero, err := m.call(c)
				require.NoError(t, err)
				assert.False(t, zero)
			})
		}
	}
}

// TestListItemsWithoutIDRefused: every element of a page list must be an
// item: {}, null and an item without its id are refused wherever they
// stand, in every list.
func TestListItemsWithoutIDRefused(t *testing.T) {
	valid := map[string]string{
		"channel": `{"channel":{"channelId":"a"}}`, "message": `{"messageId":"m"}`, "user": `{"userId":"u"}`,
		"userInfo": `{"info":{"publicId":"u"}}`, "reactor": `{"reactionId":"x"}`, "most": `{"messageId":"m"}`,
	}
	lists := []struct {
		name, item string
		body       func(list string) string
		out        func() response
	}{
		{"channels", "channel", func(l string) string { return `{"results":` + l + `}` }, func() response { return new(channelListResponse) }},
		{"messages", "message", func(l string) string { return `{"messages":` + l + `,"users":[]}` }, func() response { return new(messagesResponse) }},
		{"senders", "user", func(l string) string { return `{"messages":[],"users":` + l + `}` }, func() response { return new(messagesResponse) }},
		{"users", "userInfo", func(l string) string { return `{"users":` + l + `}` }, func() response { return new(userListResponse) }},
		{"reactors", "reactor", func(l string) string { return `{"reactions":[{"reactors":` + l + `}]}` }, func() response { return new(reactorListResponse) }},
		{"most reacted", "most", func(l string) string { return l }, func() response { return new(mostReactedResponse) }},
	}
	for _, l := range lists {
		v := valid[l.item]
		for _, bad := range []string{`{}`, `null`, `{"createdAt":"2024-01-01T00:00:00Z"}`} {
			for _, list := range []string{"[" + bad + "]", "[" + v + "," + bad + "]", "[" + bad + "," + v + "]"} {
				t.Run(l.name+"/"+list, func(t *testing.T) {
					apiErr, err := decodeResponse([]byte(l.body(list)), l.out())
					require.Nil(t, apiErr)
					assert.Error(t, err)
				})
			}
		}
		t.Run(l.name+"/valid", func(t *testing.T) {
			_, err := decodeResponse([]byte(l.body("["+v+","+v+"]")), l.out())
			assert.NoError(t, err)
		})
	}
}

// TestPageListsBounded is issue 9 item 4: no list of a page may hold more
// than MaxPageLimit items, and what a page expands into does not grow with
// what the server sends.
func TestPageListsBounded(t *testing.T) {
	items := func(n int, item string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
	}
	cases := []struct {
		name string
		body func(list string) string
		item string
		out  func() response
	}{
		{"channels", func(l string) string { return `{"results":` + l + `}` }, `{"channel":{"channelId":"a"}}`, func() response { return new(channelListResponse) }},
		{"messages", func(l string) string { return `{"status":"success","data":{"messages":` + l + `,"users":[]}}` }, `{"messageId":"m"}`, func() response { return new(messagesResponse) }},
		{"senders", func(l string) string { return `{"messages":[{"messageId":"m"}],"users":` + l + `}` }, `{"userId":"u"}`, func() response { return new(messagesResponse) }},
		{"users", func(l string) string { return `{"users":` + l + `}` }, `{"info":{"publicId":"u"}}`, func() response { return new(userListResponse) }},
		{"reaction groups", func(l string) string { return `{"reactions":` + l + `}` }, `{"reactors":[{"reactionId":"x"}]}`, func() response { return new(reactorListResponse) }},
		{"reactors", func(l string) string { return `{"reactions":[{"reactors":` + l + `}]}` }, `{"reactionId":"x"}`, func() response { return new(reactorListResponse) }},
		{"most reacted", func(l string) string { return l }, `{"messageId":"m"}`, func() response { return new(mostReactedResponse) }},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/a full page", func(t *testing.T) {
			_, err := decodeResponse([]byte(tc.body(items(MaxPageLimit, tc.item))), tc.out())
			assert.NoError(t, err)
		})
		t.Run(tc.name+"/one more", func(t *testing.T) {
			_, err := decodeResponse([]byte(tc.body(items(MaxPageLimit+1, tc.item))), tc.out())
			assert.Error(t, err)
		})
		t.Run(tc.name+"/a full page and {}", func(t *testing.T) {
			list := strings.TrimSuffix(items(MaxPageLimit, tc.item), "]") + ",{}]"
			_, err := decodeResponse([]byte(tc.body(list)), tc.out())
			assert.Error(t, err)
		})
		// 512 KiB is 175,000 items: unbounded, 40 MiB of messages, ten
		// times the bound below (TestClientRefusesAHugePage sends 2 MiB
		// through a client).
		t.Run(tc.name+"/512 KiB of {}", func(t *testing.T) {
			body := []byte(tc.body(items(512<<10/3, "{}")))
			out := tc.out()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := decodeResponse(body, out)
			runtime.ReadMemStats(&after)
			assert.Error(t, err)
			// Unbounded, 175,000 messages are 40 MiB; the decoded-size
			// bound refuses the body before it is decoded.
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %d KiB for %d KiB", alloc>>10, len(body)>>10)
			assert.Less(t, alloc, uint64(4<<20))
		})
	}
}

// TestClientRefusesAHugePage runs the bound through a client: a 2 MiB page
// of empty items is ErrUnexpectedResponse.
func TestClientRefusesAHugePage(t *testing.T) {
	c, reply := replyServer(t)
	reply(`{"status":"success","data":{"messages":[` + strings.TrimSuffix(strings.Repeat(`{},`, 700_000), ",") + `]}}`)
	p, err := c.Messages.List(ctx(), "lobby", nil)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
	assert.Nil(t, p)
}

// TestReadBufferGrowsWithArrivingBytes is issue 9 item 4: a Content-Length
// is a claim, and a lying one costs nothing. Before, the buffer was sized
// from it before a byte arrived: 1 GiB for this two-byte body.
func TestReadBufferGrowsWithArrivingBytes(t *testing.T) {
	got, err := stream.ReadLimited(nil, strings.NewReader("{}"), 1<<40, 1<<30)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(got))
	assert.LessOrEqual(t, cap(got), stream.MaxPresize+1)

	big := bytes.Repeat([]byte("x"), 3*stream.MaxPresize)
	got, err = stream.ReadLimited(nil, bytes.NewReader(big), 1<<40, int64(len(big)))
	require.NoError(t, err)
	assert.Equal(t, big, got)
}

// TestLyingContentLengthThroughTheClient: a raw server announces 1 GiB and
// sends two bytes; with a cap of 1 TiB the call fails (the body is short)
// without allocating the announced size.
func TestLyingContentLengthThroughTheClient(t *testing.T) {
	srv, h := bodyServer(t)
	f := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		_, _ = w.Write([]byte("{}"))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	h.Store(&f)
	c := newServerClient(t, srv, WithMaxAttempts(1), WithMaxResponseBytes(1<<40))
	t.Cleanup(c.CloseIdleConnections)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.Channels.List(ctx(), nil)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))
}

// TestErrorStatusIn2xx: a 2xx whose body says error or fail is an
// *APIError, on data and action endpoints, flat or with data.
func TestErrorStatusIn2xx(t *testing.T) {
	c, reply := replyServer(t)
	for _, body := range []string{
		`{"status":"error","code":400400,"message":"Channel Not Found."}`,
		`{"status":"fail","code":"400400","message":"Channel Not Found.","data":{"detail":["no lobby"]}}`,
		`{"code":400400,"message":"Channel Not Found.","status":"error","data":{"detail":{"channelId":"lobby"}}}`,
	} {
		reply(body)
		for name, call := range map[string]func() error{
			"data":   func() error { _, err := c.Channels.List(ctx(), nil); return err },
			"get":    func() error { _, err := c.Messages.Get(ctx(), "m1"); return err },
			"action": func() error { return c.Channels.BanUsers(ctx(), "lobby", []string{"u1"}) },
		} {
			err := call()
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr, "%s: %s", name, body)
			assert.Equal(t, CodeNotFound, apiErr.Code)
			assert.Equal(t, "Channel Not Found.", apiErr.Message)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrNotFound)
		}
	}
}

// TestActionAcks: action endpoints take any 2xx body that is not an error,
// and refuse a JSON object that does not parse.
func TestActionAcks(t *testing.T) {
	c, reply := replyServer(t)
	for _, body := range []string{``, `OK`, `"Success"`, `{"success":true}`, `{"status":"success","code":200}`, `{"status":200}`, `[]`} {
		reply(body)
		assert.NoError(t, c.Channels.BanUsers(ctx(), "lobby", []string{"u1"}), body)
	}
	reply(`{"status":`)
	assert.ErrorIs(t, c.Channels.BanUsers(ctx(), "lobby", []string{"u1"}), ErrUnexpectedResponse)
}

// TestSuccessDataIsNotMasked is issue 9's decision: a success payload is
// the server's data, returned as sent, even where it holds the token's
// characters (scrubbing belongs to the SDK's own output).
func TestSuccessDataIsNotMasked(t *testing.T) {
	c, reply := replyServer(t)
	reply(`{"channelId":"lobby","displayName":"` + testToken + `"}`)
	ch, err := c.Channels.UpdateDisplayName(ctx(), "lobby", "x")
	require.NoError(t, err)
	assert.Equal(t, testToken, ch.DisplayName)
}

// TestErrorStatusIn2xxIsMasked: an error is output, so a 2xx error body
// is masked as a non-2xx one is.
func TestErrorStatusIn2xxIsMasked(t *testing.T) {
	c, reply := replyServer(t)
	reply(`{"status":"error","code":400100,"message":"bad token ` + testToken + `"}`)
	_, err := c.Channels.List(ctx(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, apiErr.Message, testToken)
	assert.NotContains(t, string(apiErr.Body), testToken)
	assert.NotContains(t, err.Error(), testToken)
}

// TestResponseTypesLeaveTheEnvelopeAlone: a body with "status" and "data"
// at its top level is the envelope, so a payload field of either name
// would make a flat payload read as one.
func TestResponseTypesLeaveTheEnvelopeAlone(t *testing.T) {
	for _, out := range []response{new(channelListResponse), new(ChannelResult), new(Channel), new(messagesResponse),
		new(messageCreateResponse), new(MessageResult), new(userListResponse), new(User), new(roleListResponse),
		new(ruleListResponse), new(Rule), new(reactorListResponse), new(addedResponse), new(removedResponse)} {
		typ := reflect.TypeOf(out).Elem()
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			assert.NotContains(t, []string{"status", "data"}, name, "%T.%s", out, typ.Field(i).Name)
		}
	}
}

// TestDecodeTolerances keeps the decoder tolerant of what the service is
// known to vary: paging.prev or paging.previous, a non-string status read
// as none, unknown keys.
func TestDecodeTolerances(t *testing.T) {
	for _, body := range []string{
		`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"n","prev":"p"}}`,
		`{"status":"success","data":{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"n","previous":"p"}},"extra":1}`,
		`{"status":1,"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"n","prev":"p"}}`,
	} {
		var out channelListResponse
		apiErr, err := decodeResponse([]byte(body), &out)
		require.NoError(t, err, body)
		require.Nil(t, apiErr)
		assert.Equal(t, "a", out.Results[0].Channel.ChannelID)
		page := newPage(out.Results, &out.Paging)
		assert.Equal(t, "n", page.Next)
		assert.Equal(t, "p", page.Previous)
	}
}

// TestCutBodyIsAnError: a success body cut right after a key's opening
// quote (a server or proxy that stopped mid-answer) is a decode error, not
// a panic in the size pass that runs before decoding.
func TestCutBodyIsAnError(t *testing.T) {
	for _, body := range []string{`{"`, `{"status":"success","data":{"messages":[{"`} {
		var out messageCreateResponse
		if apiErr, err := decodeResponse([]byte(body), &out); err == nil || apiErr != nil {
			t.Errorf("%s: err %v, API error %v", body, err, apiErr)
		}
	}
}
