package integration_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

var userScenarios = []scenarioFunc{
	{name: "Users/UpdateAndQuery", run: usersUpdateAndQuery},
	{name: "Users/Paging", run: usersPaging},
	{name: "Users/GlobalBan", run: usersGlobalBan},
	{name: "Users/Flags", run: usersFlags},
}

var roleScenarios = []scenarioFunc{
	{name: "Roles/AddAndQuery", run: rolesAddAndQuery},
}

func TestIntegrationUsers(t *testing.T) { runGroup(t, userScenarios) }

func TestIntegrationRoles(t *testing.T) { runGroup(t, roleScenarios) }

// users lists every user a search (and filter) selects, through All.
func (it *env) users(t *testing.T, opts *chatadmin.UserListOptions) []chatadmin.UserInfo {
	t.Helper()
	var out []chatadmin.UserInfo
	for u, err := range it.Client.Users.All(it.Ctx, opts) {
		mustOK(t, "Users.All", err)
		out = append(out, u)
	}
	return out
}

// user returns the one user a search for its id finds.
func (it *env) user(t *testing.T, userID string) chatadmin.UserInfo {
	t.Helper()
	for _, u := range it.users(t, &chatadmin.UserListOptions{Search: userID}) {
		if u.UserID == userID {
			return u
		}
	}
	t.Fatalf("user %q is not in the query", userID)
	return chatadmin.UserInfo{}
}

// createUser makes a user exist (the API creates users on update).
func (it *env) createUser(t *testing.T, userID, displayName string) {
	t.Helper()
	_, err := it.Client.Users.Update(it.Ctx, userID, &chatadmin.UserUpdateRequest{DisplayName: &displayName})
	mustOK(t, "Users.Update "+userID, err)
}

func usersUpdateAndQuery(t *testing.T, it *env) {
	uid := it.ID("dora")
	name := "Dora " + uid
	editor, viewer := it.ID("editor"), it.ID("viewer")
	meta := chatadmin.Metadata{"team": "core", "prefs": map[string]any{"lang": "fr"}}
	u, err := it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{DisplayName: &name, Roles: []string{editor, viewer}, Metadata: meta})
	mustOK(t, "Users.Update", err)
	if u.UserID != uid || u.DisplayName != name || !slices.Equal(u.Roles, []string{editor, viewer}) || !reflect.DeepEqual(u.Metadata, meta) {
		t.Errorf("Update returned %+v", u)
	}

	info := it.user(t, uid)
	if info.DisplayName != name || !slices.Equal(info.Roles, []string{editor, viewer}) || !reflect.DeepEqual(info.Metadata, meta) || info.IsGlobalBan {
		t.Errorf("after Update the query shows %+v", info)
	}
	if !it.live() && len(info.RoleIDs) != 2 {
		t.Errorf("roleIds = %q, want one per role", info.RoleIDs)
	}

	// A partial update keeps what it does not name.
	_, err = it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{Metadata: chatadmin.Metadata{"team": "ops"}})
	mustOK(t, "Users.Update metadata only", err)
	info = it.user(t, uid)
	if info.DisplayName != name || !slices.Equal(info.Roles, []string{editor, viewer}) || !reflect.DeepEqual(info.Metadata, chatadmin.Metadata{"team": "ops"}) {
		t.Errorf("after a metadata-only update the query shows %+v", info)
	}
	// An empty display name is a value, not "keep".
	u, err = it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{DisplayName: chatadmin.Ptr("")})
	mustOK(t, "Users.Update empty name", err)
	if u.DisplayName != "" {
		t.Errorf("an empty display name was not sent: got %q", u.DisplayName)
	}

	// Search matches display names case-insensitively (and ids).
	if got := it.users(t, &chatadmin.UserListOptions{Search: strings.ToUpper(uid)}); len(got) != 1 || got[0].UserID != uid {
		t.Errorf("search %q found %+v", strings.ToUpper(uid), got)
	}
	if got := it.users(t, &chatadmin.UserListOptions{Search: it.ID("nobody-has-this-name")}); len(got) != 0 {
		t.Errorf("a search for nobody found %+v", got)
	}

	it.wantInvalid(t, "Update without userId", "userId", func() error {
		_, err := it.Client.Users.Update(it.Ctx, "", &chatadmin.UserUpdateRequest{DisplayName: &name})
		return err
	})
	it.wantInvalid(t, "Update with 11 roles", "roles", func() error {
		_, err := it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{Roles: strings.Split("a b c d e f g h i j k", " ")})
		return err
	})
	it.wantInvalid(t, "Update with metadata over 5,000 bytes", "metadata", func() error {
		_, err := it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{Metadata: chatadmin.Metadata{"big": strings.Repeat("x", chatadmin.MaxMetadataBytes)}})
		return err
	})
	it.wantInvalid(t, "List with an unknown filter", "filter", func() error {
		_, err := it.Client.Users.List(it.Ctx, &chatadmin.UserListOptions{Filter: "banned"})
		return err
	})

}

func usersPaging(t *testing.T, it *env) {
	prefix := it.ID("pager")
	var want []string
	for i := range 12 {
		id := fmt.Sprintf("%s-%02d", prefix, i+1)
		it.createUser(t, id, fmt.Sprintf("%s person %02d", prefix, i+1))
		want = append(want, id)
	}
	opts := &chatadmin.UserListOptions{Search: prefix, Limit: 5}

	var sizes []int
	var got []string
	var firstNext string
	for page, err := range it.Client.Users.Pages(it.Ctx, opts) {
		mustOK(t, "Users.Pages", err)
		sizes = append(sizes, len(page.Items))
		if len(sizes) == 1 {
			firstNext = page.Next
		} else if page.Previous == "" {
			t.Errorf("page %d has no previous token", len(sizes))
		}
		for _, u := range page.Items {
			got = append(got, u.UserID)
		}
	}
	if !slices.Equal(sizes, []int{5, 5, 2}) {
		t.Errorf("page sizes = %v, want [5 5 2]", sizes)
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged users = %q, want %q", got, want)
	}
	var all []string
	for _, u := range it.users(t, opts) {
		all = append(all, u.UserID)
	}
	if !slices.Equal(all, want) {
		t.Errorf("All users = %q, want %q", all, want)
	}
	var rest []string
	for _, u := range it.users(t, &chatadmin.UserListOptions{Token: firstNext}) {
		rest = append(rest, u.UserID)
	}
	if !slices.Equal(rest, want[5:]) {
		t.Errorf("users resumed from the first Next = %q, want %q", rest, want[5:])
	}
	// The default page size is the server's (10 in the emulator).
	page, err := it.Client.Users.List(it.Ctx, &chatadmin.UserListOptions{Search: prefix})
	mustOK(t, "Users.List", err)
	if !it.live() && (len(page.Items) != 10 || page.Next == "") {
		t.Errorf("default page: %d users, next %q", len(page.Items), page.Next)
	}

	if !it.live() {
		tokens := 0
		for _, r := range it.Srv.Requests() {
			if r.Route == "GET /api/v2/users" && strings.Contains(r.RawQuery, "pageToken=") {
				tokens++
			}
		}
		if tokens < 3 {
			t.Errorf("only %d user queries carried a pageToken", tokens)
		}
	}
	it.wantInvalid(t, "List with limit 101", "limit", func() error {
		_, err := it.Client.Users.List(it.Ctx, &chatadmin.UserListOptions{Limit: 101})
		return err
	})
}

func usersGlobalBan(t *testing.T, it *env) {
	uid := it.ID("mallory")
	it.createUser(t, uid, "Mallory "+uid)
	it.cleanup(t, "unban "+uid, func(ctx context.Context) error { return it.Client.Users.Unban(ctx, uid) })

	mustOK(t, "Users.Ban", it.Client.Users.Ban(it.Ctx, uid))
	if !it.user(t, uid).IsGlobalBan {
		t.Error("after Ban the user is not globally banned")
	}
	mustOK(t, "Users.Ban again", it.Client.Users.Ban(it.Ctx, uid))
	mustOK(t, "Users.Unban", it.Client.Users.Unban(it.Ctx, uid))
	if it.user(t, uid).IsGlobalBan {
		t.Error("after Unban the user is still globally banned")
	}
	it.wantInvalid(t, "Ban without userId", "userId", func() error { return it.Client.Users.Ban(it.Ctx, "") })

	it.emulatorOnly(t, "banning an unknown user follows an emulator guess")
	err := it.Client.Users.Ban(it.Ctx, "nobody")
	it.wantAPIError(t, "Ban of an unknown user", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	err = it.Client.Users.Unban(it.Ctx, "nobody")
	it.wantAPIError(t, "Unban of an unknown user", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
}

func usersFlags(t *testing.T, it *env) {
	// Clearing the flags of a user without any is a no-op that returns
	// the user.
	clean := it.ID("clean")
	it.createUser(t, clean, "Clean "+clean)
	u, err := it.Client.Users.ClearFlags(it.Ctx, clean)
	mustOK(t, "ClearFlags of an unflagged user", err)
	if u.UserID != clean || u.FlagCount != 0 {
		t.Errorf("ClearFlags returned %+v", u)
	}
	it.wantInvalid(t, "ClearFlags without userId", "userId", func() error {
		_, err := it.Client.Users.ClearFlags(it.Ctx, "")
		return err
	})

	it.emulatorOnly(t, "flagging users needs the emulator's FlagUser")
	it.Srv.FlagUser("mallory", 3)
	it.Srv.AddUser("nice", "Nice Person", "member")

	flagged := it.users(t, &chatadmin.UserListOptions{Filter: chatadmin.UserFilterFlagged})
	if len(flagged) != 1 || flagged[0].UserID != "mallory" || flagged[0].FlagCount != 3 {
		t.Fatalf("flagged users = %+v, want mallory with 3 flags", flagged)
	}
	all := it.users(t, &chatadmin.UserListOptions{Filter: chatadmin.UserFilterAll})
	if len(all) != 4 { // admin, clean, mallory, nice
		t.Errorf("all users = %+v, want 4", all)
	}

	u, err = it.Client.Users.ClearFlags(it.Ctx, "mallory")
	mustOK(t, "ClearFlags", err)
	if u.UserID != "mallory" || u.FlagCount != 0 {
		t.Errorf("ClearFlags returned %+v", u)
	}
	if got := it.users(t, &chatadmin.UserListOptions{Filter: chatadmin.UserFilterFlagged}); len(got) != 0 {
		t.Errorf("after ClearFlags the flagged users are %+v", got)
	}
	if got := it.user(t, "mallory"); got.FlagCount != 0 {
		t.Errorf("after ClearFlags mallory's flagCount = %d", got.FlagCount)
	}

	_, err = it.Client.Users.ClearFlags(it.Ctx, "nobody")
	it.wantAPIError(t, "ClearFlags of an unknown user", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
}

func rolesAddAndQuery(t *testing.T, it *env) {
	prefix := it.ID("role")
	mod, helper := prefix+"-moderator", prefix+"-helper"
	mustOK(t, "Roles.Add", it.Client.Roles.Add(it.Ctx, []string{mod, helper}, &chatadmin.RoleAddRequest{Permissions: []string{"BAN_USER_FROM_CHANNEL", "MUTE_CHANNEL"}}))

	roles, err := it.Client.Roles.List(it.Ctx, &chatadmin.RoleListOptions{Filter: prefix})
	mustOK(t, "Roles.List", err)
	byName := map[string][]string{}
	for _, r := range roles {
		byName[r.Name] = r.Permissions
	}
	for _, name := range []string{mod, helper} {
		if p, ok := byName[name]; !ok || !slices.Equal(p, []string{"BAN_USER_FROM_CHANNEL", "MUTE_CHANNEL"}) {
			t.Errorf("role %q after Add: present %v, permissions %q", name, ok, p)
		}
	}
	if len(roles) != 2 {
		t.Errorf("the filter %q returned %d roles, want 2", prefix, len(roles))
	}

	// Adding an existing role replaces its permissions.
	mustOK(t, "Roles.Add again", it.Client.Roles.Add(it.Ctx, []string{helper}, &chatadmin.RoleAddRequest{Permissions: []string{"DELETE_MESSAGE"}}))
	roles, err = it.Client.Roles.List(it.Ctx, &chatadmin.RoleListOptions{Filter: helper})
	mustOK(t, "Roles.List", err)
	if len(roles) != 1 || !slices.Equal(roles[0].Permissions, []string{"DELETE_MESSAGE"}) {
		t.Errorf("after re-adding, the helper role is %+v", roles)
	}

	all, err := it.Client.Roles.List(it.Ctx, nil)
	mustOK(t, "Roles.List all", err)
	if !slices.ContainsFunc(all, func(r chatadmin.Role) bool { return r.Name == mod }) {
		t.Errorf("the unfiltered role list lacks %q", mod)
	}

	// A role given to a user shows up on the user.
	uid := it.ID("roled")
	_, err = it.Client.Users.Update(it.Ctx, uid, &chatadmin.UserUpdateRequest{Roles: []string{mod}})
	mustOK(t, "Users.Update roles", err)
	if got := it.user(t, uid).Roles; !slices.Equal(got, []string{mod}) {
		t.Errorf("user roles = %q, want [%s]", got, mod)
	}

	it.wantInvalid(t, "Roles.Add without names", "publicIds", func() error {
		return it.Client.Roles.Add(it.Ctx, nil, &chatadmin.RoleAddRequest{Permissions: []string{"X"}})
	})
	it.wantInvalid(t, "Roles.Add with an empty name", "publicIds", func() error {
		return it.Client.Roles.Add(it.Ctx, []string{""}, &chatadmin.RoleAddRequest{Permissions: []string{"X"}})
	})
}
