package chatadmintest

import "strings"

// adminUserView is an item's "info" in the query users answer; publicId is
// the user id there.
type adminUserView struct {
	PublicID    string         `json:"publicId"`
	DisplayName string         `json:"displayName"`
	Roles       []string       `json:"roles"`
	RoleIDs     []string       `json:"roleIds"`
	IsGlobalBan bool           `json:"isGlobalBan"`
	FlagCount   int            `json:"flagCount"`
	Metadata    map[string]any `json:"metadata"`
}

type userItem struct {
	Info    adminUserView  `json:"info"`
	Session map[string]any `json:"session"`
}

// queryUsers: GET /api/v2/users?search=&filter=all|flagged&limit=&pageToken=.
// search is a case-insensitive substring of displayName or user id; flagged
// means flagCount > 0; creation order; limit 1–100, default 10. "roles"
// lists the roles of the users on the page.
func (e *Emulator) queryUsers(c *call) (*response, error) {
	p := c.query
	v := &validator{}
	search, _ := v.str(p, "search", strRule{})
	filter, _ := v.str(p, "filter", strRule{enum: []string{"all", "flagged"}})
	limit, ok := v.num(p, "limit", numRule{integer: true, min: bound(1), max: bound(100)})
	if !ok {
		limit = 10
	}
	token, _ := v.str(p, "pageToken", strRule{})
	if err := v.err(); err != nil {
		return nil, err
	}
	tok := pageToken{Kind: "users", Limit: int(limit), Query: tokenQuery{Search: search, Filter: filter}}
	if token != "" {
		t, err := e.decodeToken(token, "users")
		if err != nil {
			return nil, err
		}
		tok = t
	}
	needle := strings.ToLower(tok.Query.Search)
	var list []*user
	for _, id := range e.st.userOrder {
		u := e.st.users[id]
		if tok.Query.Filter == "flagged" && u.flagCount <= 0 {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(u.displayName), needle) && !strings.Contains(strings.ToLower(u.id), needle) {
			continue
		}
		list = append(list, u)
	}
	lo, hi, pg := e.window(len(list), tok)
	items := []userItem{}
	roles := []roleView{}
	seen := map[string]bool{}
	for _, u := range list[lo:hi] {
		ids := []string{}
		for _, r := range u.roles {
			role := e.st.ensureRole(r, c.now)
			ids = append(ids, role.id)
			if !seen[r] {
				seen[r] = true
				roles = append(roles, roleView{role.publicID, role.permissions})
			}
		}
		items = append(items, userItem{Info: adminUserView{PublicID: u.id, DisplayName: u.displayName, Roles: u.roles,
			RoleIDs: ids, IsGlobalBan: u.globalBan, FlagCount: u.flagCount, Metadata: u.metadata}, Session: map[string]any{}})
	}
	return flat(map[string]any{"users": items, "roles": roles, "paging": pg}), nil
}

// maxMetadata is the service's limit on a user's metadata, in bytes of
// JSON.
const maxMetadata = 5000

// updateUser: PUT /api/v2/users (form) → the User. Only the fields given
// change (metadata is replaced as a whole, not merged); an unknown user is
// created.
func (e *Emulator) updateUser(c *call) (*response, error) {
	p := c.body
	v := &validator{}
	id, _ := v.str(p, "userId", strRule{required: true, nonEmpty: true, max: 50})
	name, hasName := v.str(p, "displayName", strRule{max: 100})
	roles, hasRoles := v.strArray(p, "roles", arrRule{max: 10, itemMax: 100, nonEmpty: true})
	meta, hasMeta := v.object(p, "metadata", false)
	if hasMeta {
		v.maxBytes("metadata", meta, maxMetadata)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	u := e.st.ensureUser(id, c.now)
	if hasName {
		u.displayName = name
	}
	if hasRoles {
		u.roles = roles
		for _, r := range roles {
			e.st.ensureRole(r, c.now)
		}
	}
	if hasMeta {
		u.metadata = meta
	}
	u.updated = c.now
	return flat(u.view()), nil
}

// knownUser returns an existing user or 404.
func (e *Emulator) knownUser(id string) (*user, error) {
	u, ok := e.st.users[id]
	if !ok {
		return nil, errNotFound("User")
	}
	return u, nil
}

func (e *Emulator) setGlobalBan(c *call, banned bool) (*response, error) {
	v := &validator{}
	id, _ := v.str(c.body, "userId", strRule{required: true, nonEmpty: true})
	if err := v.err(); err != nil {
		return nil, err
	}
	u, err := e.knownUser(id)
	if err != nil {
		return nil, err
	}
	u.globalBan, u.updated = banned, c.now
	return okText(), nil
}

// globalBan: POST /api/v2/users/ban (form userId) → "OK"; sets isGlobalBan.
// An unknown user is 404.
func (e *Emulator) globalBan(c *call) (*response, error) { return e.setGlobalBan(c, true) }

// globalUnban: POST /api/v2/users/unban (form userId) → "OK"; clears
// isGlobalBan (unbanning a user who is not banned is fine).
func (e *Emulator) globalUnban(c *call) (*response, error) { return e.setGlobalBan(c, false) }

// clearFlags: DELETE /api/v2/users/:userId/flags → the User with flagCount 0.
func (e *Emulator) clearFlags(c *call) (*response, error) {
	u, err := e.knownUser(c.path["userId"])
	if err != nil {
		return nil, err
	}
	u.flagCount, u.updated = 0, c.now
	return flat(u.view()), nil
}

// queryRoles: GET /api/v2/roles?filter= → wrapped {"roles":[…]}; filter is a
// substring of publicId.
func (e *Emulator) queryRoles(c *call) (*response, error) {
	v := &validator{}
	filter, _ := v.str(c.query, "filter", strRule{})
	if err := v.err(); err != nil {
		return nil, err
	}
	roles := []roleView{}
	for _, id := range e.st.roleOrder {
		r := e.st.roles[id]
		if strings.Contains(r.publicID, filter) {
			roles = append(roles, roleView{r.publicID, r.permissions})
		}
	}
	return wrapped(map[string]any{"roles": roles}), nil
}

// addRoles: PUT /api/v2/roles (form publicIds[], permissions[]) → "OK".
// Roles are created or their permissions overwritten. permissions may be
// absent (an empty list cannot be written in a form body), meaning none.
func (e *Emulator) addRoles(c *call) (*response, error) {
	v := &validator{}
	ids, _ := v.strArray(c.body, "publicIds", arrRule{required: true, min: 1, nonEmpty: true, itemMax: 100})
	perms, _ := v.strArray(c.body, "permissions", arrRule{})
	if err := v.err(); err != nil {
		return nil, err
	}
	if perms == nil {
		perms = []string{}
	}
	for _, id := range ids {
		e.st.ensureRole(id, c.now).permissions = append([]string{}, perms...)
	}
	return okText(), nil
}
