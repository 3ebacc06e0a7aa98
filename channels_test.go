package chatadmin

import (
	"context"
	"errors"
	"math"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChannelsList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{
			"filter":         {"member"},
			"userId":         {"u1"},
			"tags[]":         {"public"},
			"excludeTags[]":  {"old", "spam"},
			"options[skip]":  {"5"},
			"options[limit]": {"2"},
			"options[token]": {"eyJza2lwIjoyfQ=="},
		},
	}), "channels_query.json")

	page, err := c.Channels.List(context.Background(), &ChannelListOptions{
		Filter: ChannelFilterMember, UserID: "u1", Tags: []string{"public"}, ExcludeTags: []string{"old", "spam"},
		Skip: 5, Limit: 2, Token: "eyJza2lwIjoyfQ==",
	})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	lobby := page.Items[0]
	assert.Equal(t, "lobby", lobby.Channel.ChannelID)
	assert.Equal(t, "Lobby", lobby.Channel.DisplayName)
	assert.Equal(t, Metadata{"topic": "general", "level": map[string]any{"min": float64(1)}}, lobby.Channel.Metadata)
	assert.Equal(t, []string{"public", "en"}, lobby.Channel.Tags)
	assert.Equal(t, 3, lobby.Channel.MemberCount)
	assert.Equal(t, 42, lobby.Channel.MessageCount)
	assert.Equal(t, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), lobby.Channel.LastActivity.UTC())
	assert.Equal(t, MembershipMember, lobby.ChannelUser.Membership)
	assert.Equal(t, []string{"moderator"}, lobby.ChannelUser.Roles)
	assert.Equal(t, 40, lobby.ChannelUser.ReadToSegment)
	assert.True(t, lobby.ChannelUser.MuteTimeout.IsZero(), "null muteTimeout decodes to the zero time")
	assert.Equal(t, MembershipNone, page.Items[1].ChannelUser.Membership)
	assert.Equal(t, "eyJza2lwIjoyLCJsaW1pdCI6Mn0=", page.Next)
	assert.Equal(t, "eyJza2lwIjowLCJsaW1pdCI6Mn0=", page.Previous, "paging.prev decodes into Previous")
}

func TestChannelsListNoOptionsSendsEmptyForm(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}),
		"channels_query_wrapped.json")

	page, err := c.Channels.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, MembershipBanned, page.Items[0].ChannelUser.Membership)
	assert.True(t, page.Items[0].ChannelUser.IsBanned)
	assert.Empty(t, page.Next)
	assert.Equal(t, "cHJldg==", page.Previous, "paging.previous decodes into Previous")
}

func TestChannelsCreate(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "POST", Path: "/api/v2/channel", ContentType: contentTypeForm,
		Form: url.Values{
			"channelId":           {"lobby"},
			"type":                {"standard"},
			"displayName":         {"Lobby"},
			"metadata[topic]":     {"general"},
			"metadata[limits][n]": {"3"},
			"tags[]":              {"public"},
			"userIds[]":           {"u1", "u2"},
		},
	}), "channel_create.json")

	res, err := c.Channels.Create(context.Background(), "lobby", &ChannelCreateRequest{
		DisplayName: "Lobby",
		Metadata:    Metadata{"topic": "general", "limits": map[string]any{"n": 3}},
		Tags:        []string{"public"}, UserIDs: []string{"u1", "u2"},
	})
	require.NoError(t, err)
	assert.Equal(t, "lobby", res.Channel.ChannelID)
	assert.Equal(t, Metadata{"topic": "general"}, res.Channel.Metadata)
	assert.Equal(t, []string{"channel-moderator"}, res.ChannelUser.Roles)
}

func TestChannelsUpdateDisplayName(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "POST", Path: "/api/v2/channel/displayName", ContentType: contentTypeForm,
		Form: url.Values{"channelId": {"lobby"}, "displayName": {"Main hall"}},
	}), "channel_wrapped.json")

	ch, err := c.Channels.UpdateDisplayName(context.Background(), "lobby", "Main hall")
	require.NoError(t, err)
	assert.Equal(t, "Main hall", ch.DisplayName)
	assert.Equal(t, time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC), ch.UpdatedAt.UTC())
}

// TestChannelsUserActions covers the seven calls that act on users of a
// channel, each with its exact method, path, content type and body.
func TestChannelsUserActions(t *testing.T) {
	ctx := context.Background()
	ids := []string{"u1", "u2"}
	cases := []struct {
		name string
		wire wire
		call func(c *Client) error
	}{
		{"AddUsers", wire{Method: "POST", Path: "/api/v2/channel/lobby/users", ContentType: contentTypeForm,
			Form: url.Values{"userIds[]": ids}},
			func(c *Client) error { return c.Channels.AddUsers(ctx, "lobby", ids) }},
		{"RemoveUsers", wire{Method: "DELETE", Path: "/api/v2/channel/lobby/users", ContentType: contentTypeJSON,
			JSON: `{"userIds":["u1","u2"]}`},
			func(c *Client) error { return c.Channels.RemoveUsers(ctx, "lobby", ids) }},
		{"BanUsers", wire{Method: "POST", Path: "/api/v2/channel/lobby/users/ban", ContentType: contentTypeForm,
			Form: url.Values{"userIds[]": ids}},
			func(c *Client) error { return c.Channels.BanUsers(ctx, "lobby", ids) }},
		{"UnbanUsers", wire{Method: "POST", Path: "/api/v2/channel/lobby/users/unban", ContentType: contentTypeForm,
			Form: url.Values{"userIds[]": ids}},
			func(c *Client) error { return c.Channels.UnbanUsers(ctx, "lobby", ids) }},
		{"MuteUsers", wire{Method: "PUT", Path: "/api/v2/channel/lobby/users/mute", ContentType: contentTypeForm,
			Form: url.Values{"mutePeriod": {"90000"}, "userIds[]": ids}},
			func(c *Client) error { return c.Channels.MuteUsers(ctx, "lobby", ids, 90*time.Second) }},
		{"MuteUsersForever", wire{Method: "PUT", Path: "/api/v2/channel/lobby/users/mute", ContentType: contentTypeForm,
			Form: url.Values{"mutePeriod": {"-1"}, "userIds[]": {"u1"}}},
			func(c *Client) error { return c.Channels.MuteUsers(ctx, "lobby", []string{"u1"}, MuteForever) }},
		{"UnmuteUsers", wire{Method: "PUT", Path: "/api/v2/channel/lobby/users/mute", ContentType: contentTypeForm,
			Form: url.Values{"mutePeriod": {"0"}, "userIds[]": {"u1"}}},
			func(c *Client) error { return c.Channels.UnmuteUsers(ctx, "lobby", []string{"u1"}) }},
		{"Mute", wire{Method: "PUT", Path: "/api/v2/channel/lobby/mute", ContentType: contentTypeJSON,
			JSON: `{"mutePeriod":1500}`},
			func(c *Client) error { return c.Channels.Mute(ctx, "lobby", 1500*time.Millisecond) }},
		{"MuteRoundsUp", wire{Method: "PUT", Path: "/api/v2/channel/lobby/mute", ContentType: contentTypeJSON,
			JSON: `{"mutePeriod":1}`},
			func(c *Client) error { return c.Channels.Mute(ctx, "lobby", time.Microsecond) }},
		{"MuteLongest", wire{Method: "PUT", Path: "/api/v2/channel/lobby/mute", ContentType: contentTypeJSON,
			JSON: `{"mutePeriod":9223372036855}`},
			func(c *Client) error { return c.Channels.Mute(ctx, "lobby", time.Duration(math.MaxInt64)) }},
		{"MuteUsersLongest", wire{Method: "PUT", Path: "/api/v2/channel/lobby/users/mute", ContentType: contentTypeForm,
			Form: url.Values{"mutePeriod": {"9223372036855"}, "userIds[]": {"u1"}}},
			func(c *Client) error {
				return c.Channels.MuteUsers(ctx, "lobby", []string{"u1"}, time.Duration(math.MaxInt64))
			}},
		{"Unmute", wire{Method: "PUT", Path: "/api/v2/channel/lobby/mute", ContentType: contentTypeJSON,
			JSON: `{"mutePeriod":0}`},
			func(c *Client) error { return c.Channels.Unmute(ctx, "lobby") }},
		{"Close", wire{Method: "POST", Path: "/api/v2/channel/lobby/close", ContentType: contentTypeForm},
			func(c *Client) error { return c.Channels.Close(ctx, "lobby") }},
	}
	// The three ack bodies action endpoints are seen to send.
	acks := []string{"OK", `{"success":true}`, ""}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t)
			expect(t, tc.wire).BodyString(acks[i%len(acks)])
			require.NoError(t, tc.call(c))
		})
	}
}

func TestChannelsPathEscaping(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channel/a%2F..%2F..%2Fusers%2Fban/users/ban",
		ContentType: contentTypeForm, Form: url.Values{"userIds[]": {"u1"}}}).BodyString("OK")
	require.NoError(t, c.Channels.BanUsers(context.Background(), "a/../../users/ban", []string{"u1"}))
}

func TestChannelsValidation(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	ctx := context.Background()
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = "u"
	}
	cases := []struct {
		field string
		err   error
	}{
		{"channelId", c.Channels.BanUsers(ctx, "", []string{"u1"})},
		{"userIds", c.Channels.BanUsers(ctx, "lobby", tooMany)},
		{"userIds", c.Channels.MuteUsers(ctx, "lobby", tooMany, time.Minute)},
		{"userIds", c.Channels.AddUsers(ctx, "lobby", nil)},
		{"userIds", c.Channels.RemoveUsers(ctx, "lobby", []string{""})},
		{"channelId", c.Channels.Close(ctx, "")},
		{"channelId", c.Channels.Mute(ctx, "", time.Minute)},
		{"mutePeriod", c.Channels.Mute(ctx, "lobby", 0)},
		{"mutePeriod", c.Channels.MuteUsers(ctx, "lobby", []string{"u1"}, -time.Second)},
		{"mutePeriod", c.Channels.MuteUsers(ctx, "lobby", []string{"u1"}, math.MinInt64)},
		{"mutePeriod", c.Channels.Mute(ctx, "lobby", MuteForever-1)},
		{"mutePeriod", c.Channels.Mute(ctx, "lobby", MuteForever+1)},
		{"displayName", func() error { _, err := c.Channels.UpdateDisplayName(ctx, "lobby", ""); return err }()},
		{"filter", func() error {
			_, err := c.Channels.List(ctx, &ChannelListOptions{Filter: "everyone"})
			return err
		}()},
		{"options.limit", func() error { _, err := c.Channels.List(ctx, &ChannelListOptions{Limit: 101}); return err }()},
		{"channelId", func() error { _, err := c.Channels.Create(ctx, "", nil); return err }()},
		{"tags", func() error {
			_, err := c.Channels.Create(ctx, "x", &ChannelCreateRequest{Tags: make([]string, 11)})
			return err
		}()},
	}
	for _, tc := range cases {
		var verr *ValidationError
		if assert.ErrorAs(t, tc.err, &verr, "field %s", tc.field) {
			assert.Equal(t, tc.field, verr.WireField, "wire field")
			assert.NotEmpty(t, verr.Field, "Go field")
			assert.Contains(t, verr.Error(), tc.field)
			assert.True(t, errors.Is(tc.err, ErrInvalidInput))
		}
	}
}

func TestChannelsAllFollowsTokens(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[limit]": {"1"}}}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"dG9rMQ=="}}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"dG9rMQ=="}}}).
		BodyString(`{"results":[{"channel":{"channelId":"b"}}],"paging":{"next":"dG9rMg==","prev":"x"}}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"dG9rMg=="}}}).
		BodyString(`{"status":"success","data":{"results":[{"channel":{"channelId":"c"}}],"paging":{}}}`)

	var got []string
	for res, err := range c.Channels.All(context.Background(), &ChannelListOptions{Limit: 1}) {
		require.NoError(t, err)
		got = append(got, res.Channel.ChannelID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got)
}

// TestMutePeriodMillis: every positive Duration becomes the smallest whole
// number of milliseconds that covers it, up to the longest Duration, where
// rounding up by addition overflowed into a negative period.
func TestMutePeriodMillis(t *testing.T) {
	for _, d := range []time.Duration{
		1, time.Millisecond - 1, time.Millisecond, time.Millisecond + 1, 90 * time.Second,
		math.MaxInt64 - 999_999, math.MaxInt64 - 775_807, math.MaxInt64 - 775_806, math.MaxInt64,
	} {
		ms, err := mutePeriodMillis(d)
		require.NoError(t, err, "%d", d)
		// In uint64, where ms*1e6 cannot overflow for any Duration.
		covers := uint64(ms)*uint64(time.Millisecond) >= uint64(d)
		smallest := uint64(ms-1)*uint64(time.Millisecond) < uint64(d)
		assert.True(t, ms > 0 && covers && smallest, "%d ns → %d ms", d, ms)
	}
	ms, err := mutePeriodMillis(MuteForever)
	require.NoError(t, err)
	assert.Equal(t, int64(-1), ms)
}
