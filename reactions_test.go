package chatadmin

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReactionsList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "GET", Path: "/api/v2/reactions",
		Query: url.Values{
			"referenceId":           {"m1"},
			"referenceType":         {"message"},
			"options[reactionName]": {"like"},
			"options[skip]":         {"4"},
			"options[limit]":        {"2"},
			"options[token]":        {"eyJza2lwIjo0fQ=="},
		},
	}), "reactions_query_wrapped.json")

	page, err := c.Reactions.List(context.Background(), "m1", &ReactionListOptions{
		ReactionName: "like", Skip: 4, Limit: 2, Token: "eyJza2lwIjo0fQ==",
	})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	assert.Equal(t, "r1", page.Items[0].ReactionID)
	assert.Equal(t, "like", page.Items[0].ReactionName)
	assert.Equal(t, "u1", page.Items[0].UserID)
	assert.Equal(t, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), page.Items[0].CreatedAt.UTC())
	assert.Equal(t, "u2", page.Items[1].UserID)
	assert.True(t, page.Items[1].UpdatedAt.IsZero())
	assert.Equal(t, "eyJza2lwIjoyfQ==", page.Next)
	assert.Equal(t, "eyJza2lwIjowfQ==", page.Previous)
}

func TestReactionsListDefaultsToMessage(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/reactions",
		Query: url.Values{"referenceId": {"m1"}, "referenceType": {"message"}}}).
		BodyString(`{"reactions":[],"users":[]}`)

	page, err := c.Reactions.List(context.Background(), "m1", nil)
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.Empty(t, page.Next)
}

func TestReactionsAllPassesOptionsTokenBack(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/reactions", Query: url.Values{
		"referenceId": {"m1"}, "referenceType": {"message"}, "options[reactionName]": {"like"}, "options[limit]": {"1"}}}).
		BodyString(`{"reactions":[{"referenceId":"m1","reactors":[{"reactionId":"r1","userId":"a"}]}],"paging":{"next":"dG9rMQ=="}}`)
	expect(t, wire{Method: "GET", Path: "/api/v2/reactions", Query: url.Values{
		"referenceId": {"m1"}, "referenceType": {"message"}, "options[reactionName]": {"like"}, "options[token]": {"dG9rMQ=="}}}).
		BodyString(`{"status":"success","data":{"reactions":[{"referenceId":"m1","reactors":[{"reactionId":"r2","userId":"b"}]}],"paging":{"next":"dG9rMg=="}}}`)
	expect(t, wire{Method: "GET", Path: "/api/v2/reactions", Query: url.Values{
		"referenceId": {"m1"}, "referenceType": {"message"}, "options[reactionName]": {"like"}, "options[token]": {"dG9rMg=="}}}).
		BodyString(`{"reactions":[{"referenceId":"m1","reactors":[{"reactionId":"r3","userId":"c"}]}]}`)

	var got []string
	for r, err := range c.Reactions.All(context.Background(), "m1", &ReactionListOptions{ReactionName: "like", Limit: 1}) {
		require.NoError(t, err)
		got = append(got, r.UserID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got)
}

func TestReactionsCreate(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "POST", Path: "/api/v2/reactions", ContentType: contentTypeForm,
		Form: url.Values{"referenceId": {"m1"}, "referenceType": {"message"}, "reactionName": {"like"}}}),
		"reactions_added.json")

	id, err := c.Reactions.Create(context.Background(), "m1", "like")
	require.NoError(t, err)
	assert.Equal(t, "r9", id)
}

func TestReactionsDelete(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "DELETE", Path: "/api/v2/reactions", ContentType: contentTypeForm,
		Form: url.Values{"referenceId": {"m1"}, "referenceType": {"message"}, "reactionName": {"like"}}}),
		"reactions_removed_wrapped.json")

	id, err := c.Reactions.Delete(context.Background(), "m1", "like")
	require.NoError(t, err)
	assert.Equal(t, "r9", id)
}

func TestReactionsMostReacted(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/reactions/messages/most",
		Query: url.Values{"reactionName": {"like"}, "limit": {"2"}}}), "reactions_most.json")

	got, err := c.Reactions.MostReacted(context.Background(), "like", &MostReactedOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []MostReactedMessage{{MessageID: "m1", ReactionsCount: 12}, {MessageID: "m7", ReactionsCount: 5}}, got)
}

func TestReactionsMostReactedNoLimit(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/reactions/messages/most", Query: url.Values{"reactionName": {"love"}}}).
		BodyString(`{"status":"success","data":[{"messageId":"m2","reactionsCount":3}]}`)

	got, err := c.Reactions.MostReacted(context.Background(), "love", nil)
	require.NoError(t, err)
	assert.Equal(t, []MostReactedMessage{{MessageID: "m2", ReactionsCount: 3}}, got)
}

func TestReactionsValidation(t *testing.T) {
	c := newTestClient(t)
	ctx := context.Background()
	list := func(id string, o *ReactionListOptions) error { _, err := c.Reactions.List(ctx, id, o); return err }
	create := func(id, name string) error { _, err := c.Reactions.Create(ctx, id, name); return err }
	remove := func(id, name string) error { _, err := c.Reactions.Delete(ctx, id, name); return err }
	cases := []struct {
		field string
		err   error
	}{
		{"referenceId", list("", nil)},
		{"options.limit", list("m1", &ReactionListOptions{Limit: 101})},
		{"options.skip", list("m1", &ReactionListOptions{Skip: -1})},
		{"referenceId", create("", "like")},
		{"reactionName", create("m1", "")},
		{"referenceId", remove("", "like")},
		{"reactionName", remove("m1", "")},
		{"reactionName", func() error { _, err := c.Reactions.MostReacted(ctx, "", nil); return err }()},
		{"limit", func() error {
			_, err := c.Reactions.MostReacted(ctx, "like", &MostReactedOptions{Limit: -1})
			return err
		}()},
		{"limit", func() error {
			_, err := c.Reactions.MostReacted(ctx, "like", &MostReactedOptions{Limit: MaxPageLimit + 1})
			return err
		}()},
	}
	for _, tc := range cases {
		assertInvalidField(t, tc.field, tc.err)
	}
}
