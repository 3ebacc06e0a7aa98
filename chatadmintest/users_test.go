package chatadmintest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func userIDsOf(t *testing.T, r result) ([]string, map[string]any) {
	t.Helper()
	require.Equal(t, 200, r.status, "%s", r.body)
	m := r.obj(t)
	var ids []string
	for _, u := range m["users"].([]any) {
		ids = append(ids, u.(map[string]any)["info"].(map[string]any)["publicId"].(string))
	}
	pg, _ := m["paging"].(map[string]any)
	return ids, pg
}

func TestQueryUsers(t *testing.T) {
	c := newTC(t)
	c.s.AddUser("u1", "Ann Smith", "moderator")
	c.s.AddUser("u2", "Bob")
	c.s.AddUser("u3", "annie")
	c.s.FlagUser("u2", 3)

	ids, _ := userIDsOf(t, c.get("/api/v2/users"))
	require.Equal(t, []string{"admin", "u1", "u2", "u3"}, ids, "the admin user exists from the start")
	ids, _ = userIDsOf(t, c.get("/api/v2/users?search=ANN"))
	require.Equal(t, []string{"u1", "u3"}, ids)
	ids, _ = userIDsOf(t, c.get("/api/v2/users?search=u2"))
	require.Equal(t, []string{"u2"}, ids)
	ids, _ = userIDsOf(t, c.get("/api/v2/users?filter=flagged"))
	require.Equal(t, []string{"u2"}, ids)
	c.get("/api/v2/users?filter=bad").requireError(t, 422, 500000)
	c.get("/api/v2/users?limit=101").requireError(t, 422, 500000)
	c.get("/api/v2/users?limit=abc").requireError(t, 422, 500000)

	m := c.get("/api/v2/users?search=u1").obj(t)
	info := m["users"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{}, info["session"])
	in := info["info"].(map[string]any)
	require.Equal(t, "Ann Smith", in["displayName"])
	require.Equal(t, []any{"moderator"}, in["roles"])
	require.Len(t, in["roleIds"], 1)
	require.Equal(t, false, in["isGlobalBan"])
	require.Equal(t, []any{map[string]any{"publicId": "moderator", "permissions": []any{}}}, m["roles"])

	// Paging with pageToken, which carries the filter.
	ids, pg := userIDsOf(t, c.get("/api/v2/users?limit=2"))
	require.Equal(t, []string{"admin", "u1"}, ids)
	ids, pg = userIDsOf(t, c.get("/api/v2/users?pageToken="+url.QueryEscape(pg["next"].(string))))
	require.Equal(t, []string{"u2", "u3"}, ids)
	require.NotContains(t, pg, "next")
	require.NotEmpty(t, pg["prev"])
	c.get("/api/v2/users?pageToken=x"+url.QueryEscape(pg["prev"].(string))).requireError(t, 400, 400000)
}

func TestUpdateUser(t *testing.T) {
	c := newTC(t)
	r := c.form(http.MethodPut, "/api/v2/users", "userId=new&displayName=New&roles[]=r1&metadata[k]=v")
	require.Equal(t, 200, r.status, "%s", r.body)
	u := r.obj(t)
	require.Equal(t, "new", u["userId"])
	require.Equal(t, "New", u["displayName"])
	require.Equal(t, []any{"r1"}, u["roles"])
	require.Equal(t, map[string]any{"k": "v"}, u["metadata"])
	require.EqualValues(t, 0, u["flagCount"])
	require.NotEmpty(t, u["createdAt"])

	// Only fields given change.
	u = c.form(http.MethodPut, "/api/v2/users", "userId=new&metadata[x][y]=1").obj(t)
	require.Equal(t, "New", u["displayName"])
	require.Equal(t, []any{"r1"}, u["roles"])
	require.Equal(t, map[string]any{"x": map[string]any{"y": "1"}}, u["metadata"])

	c.form(http.MethodPut, "/api/v2/users", "userId=new&roles=r1").requireError(t, 422, 500000)
	c.form(http.MethodPut, "/api/v2/users", "displayName=x").requireError(t, 422, 500000)
	c.form(http.MethodPut, "/api/v2/users", "userId=new&metadata[k]="+strings.Repeat("x", 5000)).requireError(t, 422, 500000)
	require.Equal(t, 200, c.form(http.MethodPut, "/api/v2/users", "userId=new&metadata[k]="+strings.Repeat("x", 4980)).status)
}

func TestGlobalBanAndFlags(t *testing.T) {
	c := newTC(t)
	c.s.AddUser("u1", "U")
	c.s.FlagUser("u1", 2)
	isBanned := func() bool {
		m := c.get("/api/v2/users?search=u1").obj(t)
		return m["users"].([]any)[0].(map[string]any)["info"].(map[string]any)["isGlobalBan"].(bool)
	}
	c.form(http.MethodPost, "/api/v2/users/ban", "userId=u1").requireOK(t)
	require.True(t, isBanned())
	c.form(http.MethodPost, "/api/v2/users/unban", "userId=u1").requireOK(t)
	require.False(t, isBanned())
	c.form(http.MethodPost, "/api/v2/users/ban", "userId=ghost").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/users/ban", "").requireError(t, 422, 500000)

	r := c.form(http.MethodDelete, "/api/v2/users/u1/flags", "")
	require.Equal(t, 200, r.status, "%s", r.body)
	require.EqualValues(t, 0, r.obj(t)["flagCount"])
	require.Equal(t, "u1", r.obj(t)["userId"])
	ids, _ := userIDsOf(t, c.get("/api/v2/users?filter=flagged"))
	require.Empty(t, ids)
	c.form(http.MethodDelete, "/api/v2/users/ghost/flags", "").requireError(t, 404, 400400)
}

func TestRoles(t *testing.T) {
	c := newTC(t)
	c.form(http.MethodPut, "/api/v2/roles", "publicIds[]=moderator&publicIds[]=mod-lite&permissions[]=BAN_USER").requireOK(t)
	c.form(http.MethodPut, "/api/v2/roles", "publicIds[]=viewer").requireOK(t)
	roles := c.get("/api/v2/roles").data(t)["roles"].([]any)
	require.Equal(t, []any{
		map[string]any{"publicId": "moderator", "permissions": []any{"BAN_USER"}},
		map[string]any{"publicId": "mod-lite", "permissions": []any{"BAN_USER"}},
		map[string]any{"publicId": "viewer", "permissions": []any{}},
	}, roles)
	c.form(http.MethodPut, "/api/v2/roles", "publicIds[]=viewer&permissions[]=A&permissions[]=B").requireOK(t)
	roles = c.get("/api/v2/roles?filter=view").data(t)["roles"].([]any)
	require.Equal(t, []any{map[string]any{"publicId": "viewer", "permissions": []any{"A", "B"}}}, roles)
	c.form(http.MethodPut, "/api/v2/roles", "publicIds=viewer").requireError(t, 422, 500000)
}

func TestDemoData(t *testing.T) {
	c := newTC(t, WithDemoData())
	ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.Equal(t, []string{"general", "random"}, ids)
	s, _ := segments(t, c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"general"}`))
	require.Equal(t, []int{1, 2, 3, 4}, s)
	u, _ := userIDsOf(t, c.get("/api/v2/users?filter=flagged"))
	require.Equal(t, []string{"carol"}, u)
	c.json(http.MethodPost, "/api/v2/message", textBody("general", "no spoiler please")).requireError(t, 400, 400308)
}
