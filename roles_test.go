package chatadmin

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRolesList(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/roles", Query: url.Values{"filter": {"mod"}}}),
		"roles_query_wrapped.json")

	roles, err := c.Roles.List(context.Background(), &RoleListOptions{Filter: "mod"})
	require.NoError(t, err)
	assert.Equal(t, []Role{
		{Name: "moderator", Permissions: []string{"MUTE_CHANNEL", "BAN_USER_FROM_CHANNEL"}},
		{Name: "reader", Permissions: []string{}},
	}, roles)
}

func TestRolesListFlatNoFilter(t *testing.T) {
	c := newTestClient(t)
	replyFixture(t, expect(t, wire{Method: "GET", Path: "/api/v2/roles"}), "roles_query.json")

	roles, err := c.Roles.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []Role{{Name: "moderator", Permissions: []string{"MUTE_CHANNEL"}}}, roles)
}

func TestRolesAdd(t *testing.T) {
	c := newTestClient(t)
	// One element each: the brackets must still be there, or a qs parser
	// reads a string instead of an array.
	expect(t, wire{Method: "PUT", Path: "/api/v2/roles", ContentType: contentTypeForm,
		Form: url.Values{"publicIds[]": {"editor"}, "permissions[]": {"EDIT_MESSAGE"}}}).BodyString("OK")
	require.NoError(t, c.Roles.Add(context.Background(), []string{"editor"}, &RoleAddRequest{Permissions: []string{"EDIT_MESSAGE"}}))
}

func TestRolesAddMany(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "PUT", Path: "/api/v2/roles", ContentType: contentTypeForm,
		Form: url.Values{"publicIds[]": {"editor", "helper"}, "permissions[]": {"EDIT_MESSAGE", "DELETE_MESSAGE"}}}).
		BodyString(`{"status":"success","data":{}}`)
	require.NoError(t, c.Roles.Add(context.Background(), []string{"editor", "helper"}, &RoleAddRequest{Permissions: []string{"EDIT_MESSAGE", "DELETE_MESSAGE"}}))
}

func TestRolesValidation(t *testing.T) {
	c := newTestClient(t)
	ctx := context.Background()
	assertInvalidField(t, "publicIds", c.Roles.Add(ctx, nil, &RoleAddRequest{Permissions: []string{"EDIT_MESSAGE"}}))
	assertInvalidField(t, "publicIds", c.Roles.Add(ctx, []string{""}, &RoleAddRequest{Permissions: []string{"EDIT_MESSAGE"}}))
	assertInvalidField(t, "permissions", c.Roles.Add(ctx, []string{"editor"}, &RoleAddRequest{Permissions: nil}))
	assertInvalidField(t, "permissions", c.Roles.Add(ctx, []string{"editor"}, &RoleAddRequest{Permissions: []string{"EDIT_MESSAGE", ""}}))
}
