package chatadmin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIteratorBreakMakesNoSecondRequest(t *testing.T) {
	c := newTestClient(t) // a second request would be unmatched and fail the test
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}},{"channel":{"channelId":"b"}}],"paging":{"next":"bmV4dA=="}}`)
	n := 0
	for res, err := range c.Channels.All(context.Background(), nil) {
		require.NoError(t, err)
		assert.Equal(t, "a", res.Channel.ChannelID)
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func TestIteratorErrorOnSecondPageEndsLoop(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"bmV4dA=="}}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"bmV4dA=="}}}).
		Status(400).BodyString(`{"status":"error","code":400000,"message":"Query Token is invalid"}`)
	var got []string
	var errs []error
	for res, err := range c.Channels.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, res.Channel.ChannelID)
	}
	assert.Equal(t, []string{"a"}, got)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.True(t, errors.Is(errs[0], ErrBadRequest))
}

func TestIteratorStopsWhenContextEnds(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"bmV4dA=="}}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for _, err := range c.Channels.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cancel() // the next page must not be fetched
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

func TestPagesResumeFromSavedToken(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"filter": {"all"}, "options[token]": {"c2F2ZWQ="}}}).
		BodyString(`{"results":[{"channel":{"channelId":"k"}}],"paging":{"prev":"cHJldg=="}}`)
	var got []*Page[ChannelResult]
	for page, err := range c.Channels.Pages(context.Background(), &ChannelListOptions{Filter: ChannelFilterAll, Token: "c2F2ZWQ="}) {
		require.NoError(t, err)
		got = append(got, page)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "k", got[0].Items[0].Channel.ChannelID)
	assert.Equal(t, "cHJldg==", got[0].Previous)
}

func TestIteratorStopsOnRepeatedToken(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"c2FtZQ=="}}}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"c2FtZQ=="}}`)
	var errs []error
	for _, err := range c.Channels.All(context.Background(), &ChannelListOptions{Token: "c2FtZQ=="}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrUnexpectedResponse)
}

// cycleServer pages every token-paged list (channels, users, reactions,
// messages) through tokens that go round in a circle: "" → A → B → A. Each
// page holds one item named after the token it was fetched with. After 20
// requests it ends the sweep, so that a client without a loop guard fails
// the test instead of hanging it.
func cycleServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	next := map[string]string{"": "A", "A": "B", "B": "A"}
	return countingServer(t, func(n int32, w http.ResponseWriter, r *http.Request) {
		var token string
		switch r.URL.Path {
		case "/api/v2/channels":
			require.NoError(t, r.ParseForm())
			token = r.PostForm.Get("options[token]")
		case "/api/v2/users":
			token = r.URL.Query().Get("pageToken")
		case "/api/v2/reactions":
			token = r.URL.Query().Get("options[token]")
		case "/api/v2/messages":
			var q struct {
				Options struct {
					Token string `json:"token"`
				} `json:"options"`
			}
			require.NoError(t, json.NewDecoder(r.Body).Decode(&q))
			token = q.Options.Token
		}
		nxt := next[token]
		if n >= 20 {
			nxt = ""
		}
		id := "p" + token
		paging := fmt.Sprintf(`"paging":{"next":%q}`, nxt)
		switch r.URL.Path {
		case "/api/v2/channels":
			fmt.Fprintf(w, `{"results":[{"channel":{"channelId":%q}}],%s}`, id, paging)
		case "/api/v2/users":
			fmt.Fprintf(w, `{"users":[{"info":{"publicId":%q}}],%s}`, id, paging)
		case "/api/v2/reactions":
			fmt.Fprintf(w, `{"reactions":[{"reactors":[{"reactionId":%q,"userId":%q}]}],%s}`, "r"+id, id, paging)
		case "/api/v2/messages":
			fmt.Fprintf(w, `{"messages":[{"messageId":%q,"channelSegment":%d}],%s}`, id, n, paging)
		}
	})
}

// TestSweepStopsOnTokenCycle: a server whose tokens go A → B → A (not just
// A → A) ends every token-paged sweep with ErrUnexpectedResponse, with or
// without read-ahead, after the three pages it really has (the page that
// hands back a known token is new, so it is still delivered) and without
// a fourth request.
func TestSweepStopsOnTokenCycle(t *testing.T) {
	ctx := context.Background()
	type sweep func(c *Client, opts ...RequestOption) iter.Seq2[string, error]
	sweeps := map[string]sweep{
		"channels": func(c *Client, opts ...RequestOption) iter.Seq2[string, error] {
			return mapSeq(c.Channels.All(ctx, nil, opts...), func(r ChannelResult) string { return r.Channel.ChannelID })
		},
		"users": func(c *Client, opts ...RequestOption) iter.Seq2[string, error] {
			return mapSeq(c.Users.All(ctx, nil, opts...), func(u UserInfo) string { return u.UserID })
		},
		"reactions": func(c *Client, opts ...RequestOption) iter.Seq2[string, error] {
			return mapSeq(c.Reactions.All(ctx, "m1", nil, opts...), func(r Reactor) string { return r.UserID })
		},
		"messages": func(c *Client, opts ...RequestOption) iter.Seq2[string, error] {
			return mapSeq(c.Messages.All(ctx, "lobby", nil, opts...), func(m Message) string { return m.MessageID })
		},
	}
	for name, all := range sweeps {
		for _, readAhead := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readAhead=%v", name, readAhead), func(t *testing.T) {
				srv, requests := cycleServer(t)
				c := newServerClient(t, srv)
				defer c.CloseIdleConnections()
				var opts []RequestOption
				if readAhead {
					opts = append(opts, WithReadAhead())
				}
				var got []string
				var errs []error
				for id, err := range all(c, opts...) {
					if err != nil {
						errs = append(errs, err)
						continue
					}
					got = append(got, id)
				}
				assert.Equal(t, []string{"p", "pA", "pB"}, got)
				require.Len(t, errs, 1)
				assert.ErrorIs(t, errs[0], ErrUnexpectedResponse)
				assert.EqualValues(t, 3, requests.Load(), "no request after the loop was found")
			})
		}
	}
}

// mapSeq maps the items of a sweep.
func mapSeq[T any](seq iter.Seq2[T, error], f func(T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			var s string
			if err == nil {
				s = f(v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}
