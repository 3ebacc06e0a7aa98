package chatadmin

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// ChannelsService calls the Channel API: query, create, rename, members,
// mutes, bans and close.
type ChannelsService struct{ service }

// Channel is a chat channel.
type Channel struct {
	ChannelID                    string    `json:"channelId"`
	Type                         string    `json:"type"`
	DisplayName                  string    `json:"displayName"`
	Metadata                     Metadata  `json:"metadata,omitempty"`
	Tags                         []string  `json:"tags,omitempty"`
	IsDistinct                   bool      `json:"isDistinct"`
	IsMuted                      bool      `json:"isMuted"`
	MuteTimeout                  Timestamp `json:"muteTimeout"`
	IsRateLimited                bool      `json:"isRateLimited"`
	RateLimit                    int       `json:"rateLimit"`
	RateLimitWindow              int       `json:"rateLimitWindow"`
	MemberCount                  int       `json:"memberCount"`
	MessageCount                 int       `json:"messageCount"`
	MessageAutoDeleteEnabled     bool      `json:"messageAutoDeleteEnabled"`
	AutoDeleteMessageByFlagLimit int       `json:"autoDeleteMessageByFlagLimit"`
	LastActivity                 Timestamp `json:"lastActivity"`
	CreatedAt                    Timestamp `json:"createdAt"`
	UpdatedAt                    Timestamp `json:"updatedAt"`
}

// Membership is a user's standing in a channel, as ChannelUser reports it.
type Membership string

// Membership values of ChannelUser.Membership.
const (
	MembershipNone   Membership = "none"
	MembershipMember Membership = "member"
	MembershipBanned Membership = "banned"
)

// ChannelUser is a user's membership in a channel.
type ChannelUser struct {
	UserID        string     `json:"userId"`
	ChannelID     string     `json:"channelId"`
	Membership    Membership `json:"membership"`
	IsBanned      bool       `json:"isBanned"`
	Roles         []string   `json:"roles,omitempty"`
	ReadToSegment int        `json:"readToSegment"`
	IsMuted       bool       `json:"isMuted"`
	MuteTimeout   Timestamp  `json:"muteTimeout"`
	LastActivity  Timestamp  `json:"lastActivity"`
	CreatedAt     Timestamp  `json:"createdAt"`
	UpdatedAt     Timestamp  `json:"updatedAt"`
}

// ChannelResult is a channel with the membership the server pairs with it,
// as query and create return them: the admin's own membership (the docs do
// not say whether a query filtered by UserID pairs that user's instead; the
// emulator always pairs the admin's).
type ChannelResult struct {
	Channel     *Channel     `json:"channel"`
	ChannelUser *ChannelUser `json:"channelUser"`
}

// ChannelFilter selects channels by the admin's (or
// ChannelListOptions.UserID's) membership in them.
type ChannelFilter string

// Filters for ChannelListOptions.Filter.
const (
	ChannelFilterAll       ChannelFilter = "all"
	ChannelFilterMember    ChannelFilter = "member"
	ChannelFilterNotMember ChannelFilter = "notMember"
)

// ChannelListOptions selects the channels of a query. The zero value lists
// every channel with the server's default page size.
type ChannelListOptions struct {
	Filter      ChannelFilter
	UserID      string   // whose membership Filter refers to
	Tags        []string // channels with any of these tags
	ExcludeTags []string // channels with none of these tags
	Skip        int      // channels to skip
	Limit       int      // channels per page, at most MaxPageLimit
	Token       string   // a Page.Next or Page.Previous token; resumes a sweep
}

// channelQueryForm is the wire form of ChannelListOptions.
type channelQueryForm struct {
	Filter      ChannelFilter `url:"filter,omitempty"`
	UserID      string        `url:"userId,omitempty"`
	Tags        bracketList   `url:"tags,omitempty"`
	ExcludeTags bracketList   `url:"excludeTags,omitempty"`
	Options     *skipLimitTok `url:"options,omitempty"`
}

// skipLimitTok is the "options" object of the skip/limit/token lists.
type skipLimitTok struct {
	Skip  int    `url:"skip,omitempty"`
	Limit int    `url:"limit,omitempty"`
	Token string `url:"token,omitempty"`
}

func newSkipLimitTok(skip, limit int, token string) *skipLimitTok {
	if skip == 0 && limit == 0 && token == "" {
		return nil
	}
	return &skipLimitTok{Skip: skip, Limit: limit, Token: token}
}

func (o *ChannelListOptions) validate() error {
	if o == nil {
		return nil
	}
	return firstErr(
		checkEnum("Filter", "filter", o.Filter, ChannelFilterAll, ChannelFilterMember, ChannelFilterNotMember),
		checkTags("Tags", "tags", o.Tags),
		checkTags("ExcludeTags", "excludeTags", o.ExcludeTags),
		checkSkip("Skip", "options.skip", o.Skip),
		checkLimit("Limit", "options.limit", o.Limit),
	)
}

type channelListResponse struct {
	Results []ChannelResult `json:"results"`
	Paging  paging          `json:"paging"`
}

// List returns one page of channels.
//
// API: POST /api/v2/channels (form)
func (s *ChannelsService) List(ctx context.Context, opts *ChannelListOptions, reqOpts ...RequestOption) (*Page[ChannelResult], error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	var form channelQueryForm
	if opts != nil {
		form = channelQueryForm{
			Filter: opts.Filter, UserID: opts.UserID, Tags: opts.Tags, ExcludeTags: opts.ExcludeTags,
			Options: newSkipLimitTok(opts.Skip, opts.Limit, opts.Token),
		}
	}
	var out channelListResponse
	ep := endpoint{op: "Channels.List", method: http.MethodPost, route: "/api/v2/channels", body: formBody{&form}, class: safe}
	if err := s.client.call(ctx, &ep, &out, reqOpts...); err != nil {
		return nil, err
	}
	return newPage(out.Results, &out.Paging), nil
}

// Pages iterates over the pages of a channel query, starting at opts.Token
// when it is set. Each page's Next token can be saved to resume later.
// WithReadAhead fetches the next page while the loop works on this one.
//
// API: POST /api/v2/channels (form), one request per page
func (s *ChannelsService) Pages(ctx context.Context, opts *ChannelListOptions, reqOpts ...RequestOption) iter.Seq2[*Page[ChannelResult], error] {
	return tokenPages(ctx, opts, func(ctx context.Context, o *ChannelListOptions) (*Page[ChannelResult], error) {
		return s.List(ctx, o, reqOpts...)
	}, reqOpts)
}

func (o *ChannelListOptions) startToken() string { return o.Token }

func (o *ChannelListOptions) resumeAt(token string) { o.Skip, o.Limit, o.Token = 0, 0, token }

// All iterates over every channel the query selects, fetching pages as the
// loop needs them. Breaking out of the loop stops fetching.
// WithReadAhead fetches the next page while the loop works on the current
// one.
//
// API: POST /api/v2/channels (form), one request per page
func (s *ChannelsService) All(ctx context.Context, opts *ChannelListOptions, reqOpts ...RequestOption) iter.Seq2[ChannelResult, error] {
	return items(s.Pages(ctx, opts, reqOpts...))
}

// ChannelCreateRequest describes a new channel; every field is optional.
// The channel's type is not a field: the Admin API creates only standard
// channels, and the SDK sends that type.
type ChannelCreateRequest struct {
	DisplayName string
	Metadata    Metadata // free-form data
	Tags        []string // at most MaxTags
	UserIDs     []string // initial members
}

// channelCreateForm is the wire form of a create.
type channelCreateForm struct {
	ChannelID   string      `url:"channelId"`
	Type        string      `url:"type"`
	DisplayName string      `url:"displayName,omitempty"`
	Metadata    Metadata    `url:"metadata,omitempty"`
	Tags        bracketList `url:"tags,omitempty"`
	UserIDs     bracketList `url:"userIds,omitempty"`
}

// Create creates the channel channelID (unique). req may be nil. It is not
// retried once sent: if the connection fails after sending, the error wraps
// ErrOutcomeUnknown.
//
// API: POST /api/v2/channel (form)
func (s *ChannelsService) Create(ctx context.Context, channelID string, req *ChannelCreateRequest, reqOpts ...RequestOption) (*ChannelResult, error) {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return nil, err
	}
	form := channelCreateForm{ChannelID: channelID, Type: "standard"}
	if req != nil {
		if err := checkTags("Tags", "tags", req.Tags); err != nil {
			return nil, err
		}
		form.DisplayName, form.Metadata, form.Tags, form.UserIDs = req.DisplayName, req.Metadata, req.Tags, req.UserIDs
	}
	return callFor[ChannelResult](ctx, s.client, &endpoint{op: "Channels.Create", method: http.MethodPost, route: "/api/v2/channel", body: formBody{&form}, class: unsafe}, reqOpts)
}

type displayNameForm struct {
	ChannelID   string `url:"channelId"`
	DisplayName string `url:"displayName"`
}

// UpdateDisplayName renames a channel and returns it.
//
// API: POST /api/v2/channel/displayName (form)
func (s *ChannelsService) UpdateDisplayName(ctx context.Context, channelID, displayName string, reqOpts ...RequestOption) (*Channel, error) {
	if err := firstErr(
		checkRequired("channelID", "channelId", channelID),
		checkRequired("displayName", "displayName", displayName),
	); err != nil {
		return nil, err
	}
	return callFor[Channel](ctx, s.client, &endpoint{op: "Channels.UpdateDisplayName", method: http.MethodPost, route: "/api/v2/channel/displayName",
		body: formBody{&displayNameForm{channelID, displayName}}, class: safe}, reqOpts)
}

// userIDsForm carries userIds[] in a form body.
type userIDsForm struct {
	UserIDs bracketList `url:"userIds"`
}

// userIDsJSON carries userIds in a JSON body.
type userIDsJSON struct {
	UserIDs []string `json:"userIds"`
}

// usersAction is the shape shared by the member, ban and unban calls: a
// channel id in the path and a list of user ids in the body.
func (s *ChannelsService) usersAction(ctx context.Context, op, method, route, channelID string, userIDs []string, body requestBody, reqOpts []RequestOption) error {
	if err := firstErr(
		checkRequired("channelID", "channelId", channelID),
		checkIDs("userIDs", "userIds", userIDs, MaxUserIDs),
	); err != nil {
		return err
	}
	ep := endpoint{op: op, method: method, route: route, params: []string{channelID}, body: body, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}

// AddUsers adds users to a channel.
//
// API: POST /api/v2/channel/:channelId/users (form)
func (s *ChannelsService) AddUsers(ctx context.Context, channelID string, userIDs []string, reqOpts ...RequestOption) error {
	return s.usersAction(ctx, "Channels.AddUsers", http.MethodPost, "/api/v2/channel/:channelId/users", channelID, userIDs,
		formBody{&userIDsForm{userIDs}}, reqOpts)
}

// RemoveUsers removes users from a channel.
//
// API: DELETE /api/v2/channel/:channelId/users (JSON)
func (s *ChannelsService) RemoveUsers(ctx context.Context, channelID string, userIDs []string, reqOpts ...RequestOption) error {
	return s.usersAction(ctx, "Channels.RemoveUsers", http.MethodDelete, "/api/v2/channel/:channelId/users", channelID, userIDs,
		jsonBody{&userIDsJSON{userIDs}}, reqOpts)
}

// BanUsers bans users from a channel: they stop being members.
//
// API: POST /api/v2/channel/:channelId/users/ban (form)
func (s *ChannelsService) BanUsers(ctx context.Context, channelID string, userIDs []string, reqOpts ...RequestOption) error {
	return s.usersAction(ctx, "Channels.BanUsers", http.MethodPost, "/api/v2/channel/:channelId/users/ban", channelID, userIDs,
		formBody{&userIDsForm{userIDs}}, reqOpts)
}

// UnbanUsers lifts users' bans from a channel. Unbanning a user who is not
// banned fails with code CodeNotBanned.
//
// API: POST /api/v2/channel/:channelId/users/unban (form)
func (s *ChannelsService) UnbanUsers(ctx context.Context, channelID string, userIDs []string, reqOpts ...RequestOption) error {
	return s.usersAction(ctx, "Channels.UnbanUsers", http.MethodPost, "/api/v2/channel/:channelId/users/unban", channelID, userIDs,
		formBody{&userIDsForm{userIDs}}, reqOpts)
}

type mutePeriodJSON struct {
	MutePeriod int64 `json:"mutePeriod"`
}

type muteUsersForm struct {
	MutePeriod int64       `url:"mutePeriod"`
	UserIDs    bracketList `url:"userIds"`
}

func (s *ChannelsService) setChannelMute(ctx context.Context, op, channelID string, millis int64, reqOpts []RequestOption) error {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return err
	}
	ep := endpoint{op: op, method: http.MethodPut, route: "/api/v2/channel/:channelId/mute", params: []string{channelID},
		body: jsonBody{&mutePeriodJSON{millis}}, class: safe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}

// Mute mutes a channel for period (whole milliseconds, rounded up), or until
// Unmute with MuteForever.
//
// API: PUT /api/v2/channel/:channelId/mute (JSON)
func (s *ChannelsService) Mute(ctx context.Context, channelID string, period time.Duration, reqOpts ...RequestOption) error {
	millis, err := mutePeriodMillis(period)
	if err != nil {
		return err
	}
	return s.setChannelMute(ctx, "Channels.Mute", channelID, millis, reqOpts)
}

// Unmute unmutes a channel (a mute period of 0 on the wire).
//
// API: PUT /api/v2/channel/:channelId/mute (JSON)
func (s *ChannelsService) Unmute(ctx context.Context, channelID string, reqOpts ...RequestOption) error {
	return s.setChannelMute(ctx, "Channels.Unmute", channelID, 0, reqOpts)
}

func (s *ChannelsService) setUsersMute(ctx context.Context, op, channelID string, userIDs []string, millis int64, reqOpts []RequestOption) error {
	return s.usersAction(ctx, op, http.MethodPut, "/api/v2/channel/:channelId/users/mute", channelID, userIDs,
		formBody{&muteUsersForm{millis, userIDs}}, reqOpts)
}

// MuteUsers mutes users in a channel for period, or until UnmuteUsers with
// MuteForever.
//
// API: PUT /api/v2/channel/:channelId/users/mute (form)
func (s *ChannelsService) MuteUsers(ctx context.Context, channelID string, userIDs []string, period time.Duration, reqOpts ...RequestOption) error {
	millis, err := mutePeriodMillis(period)
	if err != nil {
		return err
	}
	return s.setUsersMute(ctx, "Channels.MuteUsers", channelID, userIDs, millis, reqOpts)
}

// UnmuteUsers unmutes users in a channel (a mute period of 0 on the wire).
//
// API: PUT /api/v2/channel/:channelId/users/mute (form)
func (s *ChannelsService) UnmuteUsers(ctx context.Context, channelID string, userIDs []string, reqOpts ...RequestOption) error {
	return s.setUsersMute(ctx, "Channels.UnmuteUsers", channelID, userIDs, 0, reqOpts)
}

// Close closes a channel for good: its members are removed and its messages
// deleted. It is not retried once sent.
//
// API: POST /api/v2/channel/:channelId/close (form)
func (s *ChannelsService) Close(ctx context.Context, channelID string, reqOpts ...RequestOption) error {
	if err := checkRequired("channelID", "channelId", channelID); err != nil {
		return err
	}
	ep := endpoint{op: "Channels.Close", method: http.MethodPost, route: "/api/v2/channel/:channelId/close", params: []string{channelID},
		body: formBody{}, class: unsafe}
	return s.client.call(ctx, &ep, nil, reqOpts...)
}
