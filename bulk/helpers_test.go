package bulk_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func emulator(t *testing.T) (*chatadmintest.Server, *chatadmin.Client) {
	t.Helper()
	srv := chatadmintest.NewServer()
	t.Cleanup(srv.Close)
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, c
}

func userIDs(prefix string, n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return s
}

// requestsTo counts the requests to a route and returns the user ids their
// bodies carried (form or JSON).
func requestsTo(srv *chatadmintest.Server, route string) (n int, sent map[string]int) {
	sent = map[string]int{}
	for _, r := range srv.Requests() {
		if r.Route != route {
			continue
		}
		n++
		body := string(r.Body)
		if strings.HasPrefix(body, "{") {
			body = strings.NewReplacer(`{"userIds":[`, "", `]}`, "", `"`, "").Replace(body)
			for _, id := range strings.Split(body, ",") {
				sent[id]++
			}
			continue
		}
		form, _ := url.ParseQuery(body)
		for _, id := range form["userIds[]"] {
			sent[id]++
		}
	}
	return n, sent
}

func globallyBanned(t *testing.T, c *chatadmin.Client) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for u, err := range c.Users.All(context.Background(), &chatadmin.UserListOptions{Limit: 100}) {
		require.NoError(t, err)
		out[u.UserID] = u.IsGlobalBan
	}
	return out
}

func TestBanAndUnbanUsers(t *testing.T) {
	srv, c := emulator(t)
	ctx := context.Background()
	users := userIDs("spam", 30)
	for _, u := range users {
		srv.AddUser(u, u)
	}
	var last bulk.Progress
	sum, err := bulk.BanUsers(ctx, c, bulk.Slice(append(users, "ghost")), &bulk.Options{
		Concurrency: 4, Collect: true, OnProgress: func(p bulk.Progress) { last = p }})
	require.NoError(t, err)
	assert.EqualValues(t, 30, sum.Done)
	assert.EqualValues(t, 1, sum.Failed, "an unknown user is refused by the server")
	for _, r := range sum.Results {
		if r.Key == "ghost" {
			assert.ErrorIs(t, r.Err, chatadmin.ErrNotFound)
		}
	}
	assert.EqualValues(t, 31, last.Total)
	banned := globallyBanned(t, c)
	for _, u := range users {
		assert.True(t, banned[u], u)
	}

	sum, err = bulk.UnbanUsers(ctx, c, bulk.Slice(users[:10]), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 10, sum.Done)
	banned = globallyBanned(t, c)
	for i, u := range users {
		assert.Equal(t, i >= 10, banned[u], u)
	}
}

func channel(t *testing.T, c *chatadmin.Client, id string) *chatadmin.Channel {
	t.Helper()
	for ch, err := range c.Channels.All(context.Background(), nil) {
		require.NoError(t, err)
		if ch.Channel.ChannelID == id {
			return ch.Channel
		}
	}
	t.Fatalf("no channel %s", id)
	return nil
}

func TestChannelMembershipJobsAreChunked(t *testing.T) {
	srv, c := emulator(t)
	ctx := context.Background()
	_, err := c.Channels.Create(ctx, "lobby", nil)
	require.NoError(t, err)
	users := userIDs("m", 250)

	sum, err := bulk.AddChannelUsers(ctx, c, "lobby", bulk.Slice(users), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 250, sum.Done)
	n, sent := requestsTo(srv, "POST /api/v2/channel/:channelId/users")
	assert.Equal(t, 3, n, "250 users in calls of at most 100")
	assert.Len(t, sent, 250)
	assert.Equal(t, 1+250, channel(t, c, "lobby").MemberCount)

	sum, err = bulk.MuteChannelUsers(ctx, c, "lobby", bulk.Slice(users[:150]), time.Hour, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 150, sum.Done)
	n, sent = requestsTo(srv, "PUT /api/v2/channel/:channelId/users/mute")
	assert.Equal(t, 2, n)
	assert.Len(t, sent, 150)

	sum, err = bulk.RemoveChannelUsers(ctx, c, "lobby", bulk.Slice(users[:50]), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 50, sum.Done)
	n, sent = requestsTo(srv, "DELETE /api/v2/channel/:channelId/users")
	assert.Equal(t, 1, n)
	assert.Len(t, sent, 50)
	assert.Equal(t, 1+200, channel(t, c, "lobby").MemberCount)

	sum, err = bulk.BanChannelUsers(ctx, c, "lobby", bulk.Slice(users[50:]), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 200, sum.Done)
	n, _ = requestsTo(srv, "POST /api/v2/channel/:channelId/users/ban")
	assert.Equal(t, 2, n)
	assert.Equal(t, 1, channel(t, c, "lobby").MemberCount, "banned users stop being members")

	// One user who is not banned fails the whole chunk it is in.
	sum, err = bulk.UnbanChannelUsers(ctx, c, "lobby", bulk.Slice(append(users[50:150:150], users[0])), &bulk.Options{Collect: true})
	require.NoError(t, err)
	assert.EqualValues(t, 100, sum.Done)
	assert.EqualValues(t, 1, sum.Failed)
	require.Len(t, sum.Results, 101)
	for _, r := range sum.Results {
		if r.Status == bulk.Failed {
			assert.Equal(t, users[0], r.Key)
			assert.ErrorContains(t, r.Err, "400316")
		}
	}
}

func postTexts(t *testing.T, c *chatadmin.Client, channelID string, texts ...string) []string {
	t.Helper()
	var ids []string
	for _, s := range texts {
		m, err := c.Messages.Create(context.Background(), channelID, &chatadmin.MessageCreateRequest{Text: s})
		require.NoError(t, err)
		ids = append(ids, m.MessageID)
	}
	return ids
}

func texts(t *testing.T, c *chatadmin.Client, channelID string) []string {
	t.Helper()
	var out []string
	for m, err := range c.Messages.All(context.Background(), channelID, nil) {
		require.NoError(t, err)
		out = append(out, m.Text())
	}
	return out
}

func TestDeleteMessagesAndSweep(t *testing.T) {
	_, c := emulator(t)
	ctx := context.Background()
	_, err := c.Channels.Create(ctx, "lobby", nil)
	require.NoError(t, err)
	var all []string
	for i := range 60 {
		if i%3 == 0 {
			all = append(all, fmt.Sprintf("buy cheap pills %d", i))
		} else {
			all = append(all, fmt.Sprintf("hello %d", i))
		}
	}
	ids := postTexts(t, c, "lobby", all...)

	sum, err := bulk.DeleteMessages(ctx, c, bulk.Slice(ids[:2]), nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, sum.Done)
	assert.Len(t, texts(t, c, "lobby"), 58)

	sum, err = bulk.SweepMessages(ctx, c, "lobby", &chatadmin.MessageListOptions{First: 7},
		func(m *chatadmin.Message) bool { return strings.Contains(m.Text(), "pills") },
		&bulk.Options{Concurrency: 3, Journal: t.TempDir() + "/sweep.jsonl"})
	require.NoError(t, err)
	assert.EqualValues(t, 19, sum.Done, "20 spam messages, one already deleted")
	left := texts(t, c, "lobby")
	assert.Len(t, left, 39)
	for _, s := range left {
		assert.NotContains(t, s, "pills")
	}
}

func TestUpdateUsers(t *testing.T) {
	srv, c := emulator(t)
	ctx := context.Background()
	users := userIDs("x", 12)
	var updates []bulk.UserUpdate
	for i, u := range users {
		srv.AddUser(u, u)
		updates = append(updates, bulk.UserUpdate{UserID: u, Request: &chatadmin.UserUpdateRequest{
			Metadata: chatadmin.Metadata{"tier": fmt.Sprint(i % 2)}}})
	}
	var results []bulk.Result[string]
	sum, err := bulk.UpdateUsers(ctx, c, bulk.Slice(updates), &bulk.Options{
		Journal: t.TempDir() + "/update.jsonl", OnResult: func(r bulk.Result[string]) { results = append(results, r) }})
	require.NoError(t, err)
	assert.EqualValues(t, 12, sum.Done)
	assert.Len(t, results, 12)
	got := map[string]any{}
	for u, err := range c.Users.All(ctx, &chatadmin.UserListOptions{Limit: 100}) {
		require.NoError(t, err)
		if u.Metadata != nil {
			got[u.UserID] = u.Metadata["tier"]
		}
	}
	for i, u := range users {
		assert.Equal(t, fmt.Sprint(i%2), got[u], u)
	}
}
