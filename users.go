package chatadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
)

// UsersService calls the User API: query, update, global bans and flags.
type UsersService struct{ service }

// MaxUserRoles is how many roles one user update may set.
const MaxUserRoles = 10

// User is a chat user, as message responses and user updates return it.
type User struct {
	UserID      string    `json:"userId"`
	DisplayName string    `json:"displayName"`
	Roles       []string  `json:"roles,omitempty"`
	Metadata    Metadata  `json:"metadata,omitempty"`
	FlagCount   int       `json:"flagCount"`
	CreatedAt   Timestamp `json:"createdAt"`
	UpdatedAt   Timestamp `json:"updatedAt"`
}

// UserInfo is a user as the user query lists it. The query names the user
// id "publicId"; it decodes into UserID so that it reads like everywhere
// else.
type UserInfo struct {
	UserID      string   `json:"publicId"`
	DisplayName string   `json:"displayName"`
	Roles       []string `json:"roles,omitempty"`
	RoleIDs     []string `json:"roleIds,omitempty"`
	IsGlobalBan bool     `json:"isGlobalBan"`
	FlagCount   int      `json:"flagCount"`
	Metadata    Metadata `json:"metadata,omitempty"`
}

// UserFilter selects the users of a query.
type UserFilter string

// Filters for UserListOptions.Filter.
const (
	UserFilterAll     UserFilter = "all"     // every user (the server's default)
	UserFilterFlagged UserFilter = "flagged" // only users with flags
)

// UserListOptions selects the users of a query. The zero value lists every
// user with the server's default page size (10).
type UserListOptions struct {
	Search string // users whose name matches
	Filter UserFilter
	Limit  int    // users per page, 1 to MaxPageLimit; 0 for the server's default
	Token  string // a Page.Next or Page.Previous token; resumes a sweep
}

// userQuery is the query string of UserListOptions.
type userQuery struct {
	Search    string     `url:"search,omitempty"`
	Filter    UserFilter `url:"filter,omitempty"`
	PageToken string     `url:"pageToken,omitempty"`
	Limit     int        `url:"limit,omitempty"`
}

func (o *UserListOptions) validate() error {
	if o == nil {
		return nil
	}
	if err := checkEnum("Filter", "filter", o.Filter, UserFilterAll, UserFilterFlagged); err != nil {
		return err
	}
	return checkLimit("Limit", "limit", o.Limit)
}

type userListResponse struct {
	Users  []userListItem `json:"users"`
	Paging paging         `json:"paging"`
	items  []UserInfo     // Users checked, set by check
}

type userListItem struct {
	Info UserInfo `json:"info"`
}

// List returns one page of users.
//
// API: GET /api/v2/users (query)
func (s *UsersService) List(ctx context.Context, opts *UserListOptions, reqOpts ...RequestOption) (*Page[UserInfo], error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	var q userQuery
	if opts != nil {
		q = userQuery{Search: opts.Search, Filter: opts.Filter, PageToken: opts.Token, Limit: opts.Limit}
	}
	var out userListResponse
	ep := endpoint{op: "Users.List", method: http.MethodGet, route: "/api/v2/users", query: &q, class: safe}
	if err := s.client.call(ctx, &ep, &out, reqOpts...); err != nil {
		return nil, err
	}
	return newPage(out.items, &out.Paging), nil
}

// Pages iterates over the pages of a user query, starting at opts.Token when
// it is set. Each page's Next token can be saved to resume later.
// WithReadAhead fetches the next page while the loop works on this one.
//
// API: GET /api/v2/users (query), one request per page
func (s *UsersService) Pages(ctx context.Context, opts *UserListOptions, reqOpts ...RequestOption) iter.Seq2[*Page[UserInfo], error] {
	return tokenPages(ctx, opts, func(ctx context.Context, o *UserListOptions) (*Page[UserInfo], error) {
		return s.List(ctx, o, reqOpts...)
	}, reqOpts)
}

func (o *UserListOptions) startToken() string { return o.Token }

func (o *UserListOptions) resumeAt(token string) { o.Limit, o.Token = 0, token }

// All iterates over every user the query selects, fetching pages as the loop
// needs them. Breaking out of the loop stops fetching.
// WithReadAhead fetches the next page while the loop works on the current
// one.
//
// API: GET /api/v2/users (query), one request per page
func (s *UsersService) All(ctx context.Context, opts *UserListOptions, reqOpts ...RequestOption) iter.Seq2[UserInfo, error] {
	return items(s.Pages(ctx, opts, reqOpts...))
}

// UserUpdateRequest holds the changes of a user update. Only the fields set
// are sent, and the server leaves the others as they are; so an empty Roles
// or Metadata cannot clear them, and a DisplayName pointing to "" sends an
// empty name.
type UserUpdateRequest struct {
	DisplayName *string  // the new display name; nil keeps it
	Roles       []string // the user's new roles, at most MaxUserRoles; nil keeps them
	Metadata    Metadata // the new metadata, at most MaxMetadataBytes as JSON; nil keeps it
}

// userUpdateForm is the wire form of a user update.
type userUpdateForm struct {
	UserID      string   `url:"userId"`
	DisplayName *string  `url:"displayName,omitempty"`
	Roles       []string `url:"roles,brackets,omitempty"`
	Metadata    Metadata `url:"metadata,omitempty"`
}

func (r *UserUpdateRequest) validate() error {
	// Only set fields are sent, and empty Roles or Metadata are not: a
	// request without any would be an empty update.
	if r == nil || (r.DisplayName == nil && len(r.Roles) == 0 && len(r.Metadata) == 0) {
		return errNothingToUpdate()
	}
	if len(r.Roles) > MaxUserRoles {
		return invalid("Roles", "roles", "at most %d roles, got %d", MaxUserRoles, len(r.Roles))
	}
	for i, role := range r.Roles {
		if role == "" {
			return invalid(fmt.Sprintf("Roles[%d]", i), fmt.Sprintf("roles[%d]", i), "is empty")
		}
	}
	if len(r.Metadata) > 0 { // empty metadata is not sent (see UserUpdateRequest)
		// The server's limit is on the stored object, which it measures as
		// JSON after parsing the form body, where every scalar became a
		// string: measure that shape, not the Go values.
		shaped, err := formShape("metadata", r.Metadata)
		if err != nil {
			return err
		}
		data, err := json.Marshal(shaped)
		if err != nil {
			return invalid("Metadata", "metadata", "cannot be encoded: %v", err)
		}
		if len(data) > MaxMetadataBytes {
			return invalid("Metadata", "metadata", "at most %d bytes as JSON once sent as a form, got %d", MaxMetadataBytes, len(data))
		}
	}
	return nil
}

// Update changes a user's display name, roles or metadata and returns the
// updated user. A nil request, or one that sets nothing, is refused
// ("nothing to update") without sending anything.
//
// API: PUT /api/v2/users (form)
func (s *UsersService) Update(ctx context.Context, userID string, req *UserUpdateRequest, reqOpts ...RequestOption) (*User, error) {
	if err := firstErr(checkRequired("userID", "userId", userID), req.validate()); err != nil {
		return nil, err
	}
	form := userUpdateForm{UserID: userID, DisplayName: req.DisplayName, Roles: req.Roles, Metadata: req.Metadata}
	return callFor[User](ctx, s.client, &endpoint{op: "Users.Update", method: http.MethodPut, route: "/api/v2/users", body: formBody{&form}, class: safe}, reqOpts)
}

type userIDForm struct {
	UserID string `url:"userId"`
}

// globalBan sends a global ban or unban. Both are safe to repeat: a second
// ban leaves the user banned.
func (s *UsersService) globalBan(ctx context.Context, op, route, userID string, reqOpts []RequestOption) error {
	if err := checkRequired("userID", "userId", userID); err != nil {
		return err
	}
	ep := endpoint{op: op, method: http.MethodPost, route: route, body: formBody{&userIDForm{userID}}, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}

// Ban bans a user from the whole network: the user can no longer use the
// chat SDK until Unban.
//
// API: POST /api/v2/users/ban (form)
func (s *UsersService) Ban(ctx context.Context, userID string, reqOpts ...RequestOption) error {
	return s.globalBan(ctx, "Users.Ban", "/api/v2/users/ban", userID, reqOpts)
}

// Unban lifts a user's global ban.
//
// API: POST /api/v2/users/unban (form)
func (s *UsersService) Unban(ctx context.Context, userID string, reqOpts ...RequestOption) error {
	return s.globalBan(ctx, "Users.Unban", "/api/v2/users/unban", userID, reqOpts)
}

// ClearFlags removes the flags other users put on a user and returns the
// user, with a flag count of 0.
//
// API: DELETE /api/v2/users/:userId/flags (form, empty)
func (s *UsersService) ClearFlags(ctx context.Context, userID string, reqOpts ...RequestOption) (*User, error) {
	if err := checkRequired("userID", "userId", userID); err != nil {
		return nil, err
	}
	return callFor[User](ctx, s.client, &endpoint{op: "Users.ClearFlags", method: http.MethodDelete, route: "/api/v2/users/:userId/flags", params: []string{userID},
		body: formBody{}, class: safe}, reqOpts)
}
