package chatadmin

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertInvalidField checks that err is the *ValidationError of field; the
// gock client of the calling test fails it if anything was sent.
func assertInvalidField(t *testing.T, field string, err error) {
	t.Helper()
	var verr *ValidationError
	if assert.ErrorAs(t, err, &verr, "field %s", field) {
		assert.Equal(t, field, verr.WireField, "wire field")
		assert.NotEmpty(t, verr.Field, "Go field")
		assert.Contains(t, verr.Error(), field)
		assert.True(t, errors.Is(err, ErrInvalidInput))
	}
}

// assertNothingToUpdate checks the refusal of an empty update.
func assertNothingToUpdate(t *testing.T, err error) {
	t.Helper()
	var verr *ValidationError
	if assert.ErrorAs(t, err, &verr) {
		assert.Equal(t, "nothing to update", verr.Message)
		assert.True(t, errors.Is(err, ErrInvalidInput))
	}
}

func TestUsersList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{
		Method: "GET", Path: "/api/v2/users",
		Query: url.Values{
			"search":    {"an"},
			"filter":    {"flagged"},
			"pageToken": {"eyJza2lwIjoyfQ=="},
			"limit":     {"2"},
		},
	}), "users_query.json")

	page, err := c.Users.List(context.Background(), &UserListOptions{
		Search: "an", Filter: UserFilterFlagged, Limit: 2, Token: "eyJza2lwIjoyfQ==",
	})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	ann := page.Items[0]
	assert.Equal(t, "u1", ann.UserID, "info.publicId decodes into UserID")
	assert.Equal(t, "Ann", ann.DisplayName)
	assert.Equal(t, []string{"moderator"}, ann.Roles)
	assert.Equal(t, []string{"r-abc"}, ann.RoleIDs)
	assert.Equal(t, 2, ann.FlagCount)
	assert.False(t, ann.IsGlobalBan)
	assert.Equal(t, Metadata{"team": "blue", "prefs": map[string]any{"lang": "en"}}, ann.Metadata)
	assert.Equal(t, "u2", page.Items[1].UserID)
	assert.True(t, page.Items[1].IsGlobalBan)
	assert.Equal(t, "eyJza2lwIjoyLCJsaW1pdCI6Mn0=", page.Next)
	assert.Equal(t, "eyJza2lwIjowLCJsaW1pdCI6Mn0=", page.Previous)
}

func TestUsersListNoOptionsSendsNoQuery(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/users"}).
		BodyString(`{"status":"success","data":{"users":[{"info":{"publicId":"u9"},"session":{}}],"roles":[]}}`)

	page, err := c.Users.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "u9", page.Items[0].UserID)
	assert.Empty(t, page.Next)
}

func TestUsersAllPassesPageTokenBack(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "GET", Path: "/api/v2/users",
		Query: url.Values{"search": {"a"}, "filter": {"all"}, "limit": {"1"}}}).
		BodyString(`{"users":[{"info":{"publicId":"a1"}}],"paging":{"next":"dG9rMQ=="}}`)
	expect(t, wire{Method: "GET", Path: "/api/v2/users",
		Query: url.Values{"search": {"a"}, "filter": {"all"}, "pageToken": {"dG9rMQ=="}}}).
		BodyString(`{"users":[{"info":{"publicId":"a2"}}],"paging":{"next":"dG9rMg==","prev":"x"}}`)
	expect(t, wire{Method: "GET", Path: "/api/v2/users",
		Query: url.Values{"search": {"a"}, "filter": {"all"}, "pageToken": {"dG9rMg=="}}}).
		BodyString(`{"status":"success","data":{"users":[{"info":{"publicId":"a3"}}],"paging":{}}}`)

	var got []string
	for u, err := range c.Users.All(context.Background(), &UserListOptions{Search: "a", Filter: UserFilterAll, Limit: 1}) {
		require.NoError(t, err)
		got = append(got, u.UserID)
	}
	assert.Equal(t, []string{"a1", "a2", "a3"}, got)
}

func TestUsersUpdate(t *testing.T) {
	c := newTestClient(t)
	name := "Ann B."
	replyFixture(t, expect(t, wire{
		Method: "PUT", Path: "/api/v2/users", ContentType: contentTypeForm,
		Form: url.Values{
			"userId":             {"u1"},
			"displayName":        {"Ann B."},
			"roles[]":            {"moderator", "vip"},
			"metadata[team]":     {"red"},
			"metadata[prefs][n]": {"3"},
		},
	}), "user_update_wrapped.json")

	u, err := c.Users.Update(context.Background(), "u1", &UserUpdateRequest{
		DisplayName: &name, Roles: []string{"moderator", "vip"},
		Metadata: Metadata{"team": "red", "prefs": map[string]any{"n": 3}},
	})
	require.NoError(t, err)
	assert.Equal(t, "u1", u.UserID)
	assert.Equal(t, "Ann B.", u.DisplayName)
	assert.Equal(t, []string{"moderator", "vip"}, u.Roles)
	assert.Equal(t, Metadata{"team": "red"}, u.Metadata)
	assert.Equal(t, 2, u.FlagCount)
	assert.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), u.CreatedAt.UTC())
	assert.Equal(t, time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC), u.UpdatedAt.UTC())
}

// TestUsersUpdateSendsOnlyGivenFields: a field left out must not reach the
// wire, or the server would overwrite it; an empty name set on purpose must.
func TestUsersUpdateSendsOnlyGivenFields(t *testing.T) {
	ctx := context.Background()
	t.Run("metadata only", func(t *testing.T) {
		c := newTestClient(t)
		replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/users", ContentType: contentTypeForm,
			Form: url.Values{"userId": {"u1"}, "metadata[team]": {"red"}}}), "user_update_wrapped.json")
		_, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{Metadata: Metadata{"team": "red"}})
		require.NoError(t, err)
	})
	t.Run("empty display name", func(t *testing.T) {
		c := newTestClient(t)
		replyFixture(t, expect(t, wire{Method: "PUT", Path: "/api/v2/users", ContentType: contentTypeForm,
			Form: url.Values{"userId": {"u1"}, "displayName": {""}}}), "user_update_wrapped.json")
		_, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{DisplayName: Ptr("")})
		require.NoError(t, err)
	})
	// An update that sets nothing is refused before sending (gock fails
	// the test on any request it does not expect).
	t.Run("nil request", func(t *testing.T) {
		c := newTestClient(t)
		_, err := c.Users.Update(ctx, "u1", nil)
		assertNothingToUpdate(t, err)
	})
	t.Run("empty request", func(t *testing.T) {
		c := newTestClient(t)
		_, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{Roles: []string{}, Metadata: Metadata{}})
		assertNothingToUpdate(t, err)
	})
}

func TestUsersBanUnban(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, path, ack string
		call            func(c *Client) error
	}{
		{"Ban", "/api/v2/users/ban", "OK", func(c *Client) error { return c.Users.Ban(ctx, "u1") }},
		{"Unban", "/api/v2/users/unban", `{"success":true}`, func(c *Client) error { return c.Users.Unban(ctx, "u1") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t)
			expect(t, wire{Method: "POST", Path: tc.path, ContentType: contentTypeForm,
				Form: url.Values{"userId": {"u1"}}}).BodyString(tc.ack)
			require.NoError(t, tc.call(c))
		})
	}
}

func TestUsersClearFlags(t *testing.T) {
	c := newTestClient(t)
	// A form Content-Type as the spec says, with nothing in the body; the id
	// stays in its own path segment.
	replyFixture(t, expect(t, wire{Method: "DELETE", Path: "/api/v2/users/u%2F1/flags", ContentType: contentTypeForm}),
		"user_flags_cleared.json")

	u, err := c.Users.ClearFlags(context.Background(), "u/1")
	require.NoError(t, err)
	assert.Equal(t, "u/1", u.UserID)
	assert.Equal(t, 0, u.FlagCount)
	assert.Equal(t, time.Date(2024, 6, 2, 8, 0, 0, 0, time.UTC), u.UpdatedAt.UTC())
}

func TestUsersValidation(t *testing.T) {
	c := newTestClient(t) // any request would be unmatched and fail the test
	ctx := context.Background()
	big := Metadata{"blob": strings.Repeat("x", MaxMetadataBytes)}
	// Exactly at the limit as JSON: {"b":"…"} is 8 bytes plus the string.
	atLimit := Metadata{"b": strings.Repeat("x", MaxMetadataBytes-8)}

	list := func(o *UserListOptions) error { _, err := c.Users.List(ctx, o); return err }
	update := func(id string, r *UserUpdateRequest) error { _, err := c.Users.Update(ctx, id, r); return err }
	cases := []struct {
		field string
		err   error
	}{
		{"filter", list(&UserListOptions{Filter: "banned"})},
		{"limit", list(&UserListOptions{Limit: 101})},
		{"limit", list(&UserListOptions{Limit: -1})},
		{"userId", update("", &UserUpdateRequest{Metadata: Metadata{"a": 1}})},
		{"metadata", update("u1", &UserUpdateRequest{Metadata: big})},
		{"metadata[ch]", update("u1", &UserUpdateRequest{Metadata: Metadata{"ch": make(chan int)}})},
		{"roles", update("u1", &UserUpdateRequest{Roles: make([]string, MaxUserRoles+1)})},
		{"roles[1]", update("u1", &UserUpdateRequest{Roles: []string{"a", ""}})},
		{"userId", c.Users.Ban(ctx, "")},
		{"userId", c.Users.Unban(ctx, "")},
		{"userId", func() error { _, err := c.Users.ClearFlags(ctx, ""); return err }()},
	}
	for _, tc := range cases {
		assertInvalidField(t, tc.field, tc.err)
	}
	assert.NoError(t, (&UserUpdateRequest{Metadata: atLimit}).validate(), "metadata of exactly MaxMetadataBytes is allowed")
}
