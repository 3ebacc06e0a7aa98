package chatadmin

import (
	"context"
	"net/http"
)

// RolesService calls the Role API. The spec calls roles and permissions a
// work in progress: there are no predefined permissions to assign yet.
type RolesService struct{ service }

// Role is a named set of permissions that users hold through their roles.
type Role struct {
	// Name is the role's id, the name users' roles refer to; the API calls
	// it "publicId".
	Name        string   `json:"publicId"`
	Permissions []string `json:"permissions,omitempty"`
}

// RoleListOptions selects the roles of a query. The zero value lists every
// role.
type RoleListOptions struct {
	Filter string // only roles matching this name
}

type roleQuery struct {
	Filter string `url:"filter,omitempty"`
}

// roleListResponse ignores the network's moderation settings that the
// server sends alongside the roles (under the misspelled key
// "moderatonSettings"): they are undocumented and unrelated to roles.
type roleListResponse struct {
	Roles []Role `json:"roles"`
}

// List returns the network's roles. The list is not paginated.
//
// API: GET /api/v2/roles (query)
func (s *RolesService) List(ctx context.Context, opts *RoleListOptions, reqOpts ...RequestOption) ([]Role, error) {
	var q roleQuery
	if opts != nil {
		q.Filter = opts.Filter
	}
	out, err := callFor[roleListResponse](ctx, s.client, &endpoint{op: "Roles.List", method: http.MethodGet, route: "/api/v2/roles", query: &q, class: safe}, reqOpts)
	if err != nil {
		return nil, err
	}
	return out.Roles, nil
}

type roleAddForm struct {
	Names       []string `url:"publicIds,brackets"`
	Permissions []string `url:"permissions,brackets"`
}

// RoleAddRequest holds the permissions that Add gives the roles it names.
type RoleAddRequest struct {
	Permissions []string // permission names such as "BAN_USER", at least one
}

// Add creates the roles roleIDs (role names, the API's publicIds; at least
// one) or replaces their permissions, each getting req.Permissions. It is a
// PUT, safe to repeat.
//
// API: PUT /api/v2/roles (form)
func (s *RolesService) Add(ctx context.Context, roleIDs []string, req *RoleAddRequest, reqOpts ...RequestOption) error {
	if err := checkIDs("roleIDs", "publicIds", roleIDs, 0); err != nil {
		return err
	}
	if req == nil {
		req = &RoleAddRequest{}
	}
	if err := checkIDs("Permissions", "permissions", req.Permissions, 0); err != nil {
		return err
	}
	ep := endpoint{op: "Roles.Add", method: http.MethodPut, route: "/api/v2/roles", body: formBody{&roleAddForm{roleIDs, req.Permissions}}, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}
