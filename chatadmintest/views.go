package chatadmintest

import "time"

// The view types fix the JSON field names and order of the provider's
// documented response payloads (the wire's names, e.g. publicId for a
// user id in a user query).

type channelView struct {
	ChannelID                    string         `json:"channelId"`
	Type                         string         `json:"type"`
	DisplayName                  string         `json:"displayName"`
	Metadata                     map[string]any `json:"metadata"`
	Tags                         []string       `json:"tags"`
	IsDistinct                   bool           `json:"isDistinct"`
	IsMuted                      bool           `json:"isMuted"`
	MuteTimeout                  *string        `json:"muteTimeout,omitempty"`
	IsRateLimited                bool           `json:"isRateLimited"`
	RateLimit                    int            `json:"rateLimit"`
	RateLimitWindow              int            `json:"rateLimitWindow"`
	MemberCount                  int            `json:"memberCount"`
	MessageCount                 int            `json:"messageCount"`
	MessageAutoDeleteEnabled     bool           `json:"messageAutoDeleteEnabled"`
	AutoDeleteMessageByFlagLimit int            `json:"autoDeleteMessageByFlagLimit"`
	LastActivity                 string         `json:"lastActivity"`
	CreatedAt                    string         `json:"createdAt"`
	UpdatedAt                    string         `json:"updatedAt"`
}

func (ch *channel) view(now time.Time) channelView {
	return channelView{
		ChannelID:    ch.id,
		Type:         ch.typ,
		DisplayName:  ch.displayName,
		Metadata:     ch.metadata,
		Tags:         ch.tags,
		IsMuted:      ch.mute.active(now),
		MuteTimeout:  ch.mute.timeout(),
		MemberCount:  ch.memberCount(),
		MessageCount: ch.messageCount(),
		LastActivity: ts(ch.lastActivity),
		CreatedAt:    ts(ch.created),
		UpdatedAt:    ts(ch.updated),
	}
}

type channelUserView struct {
	UserID        string   `json:"userId"`
	ChannelID     string   `json:"channelId"`
	Membership    string   `json:"membership"`
	IsBanned      bool     `json:"isBanned"`
	Roles         []string `json:"roles"`
	ReadToSegment int      `json:"readToSegment"`
	IsMuted       bool     `json:"isMuted"`
	MuteTimeout   *string  `json:"muteTimeout,omitempty"`
	LastActivity  string   `json:"lastActivity"`
	CreatedAt     string   `json:"createdAt"`
	UpdatedAt     string   `json:"updatedAt"`
}

// channelUserView reports userID's membership; a user without a record gets
// membership "none" with the channel's times.
func (ch *channel) channelUserView(userID string, now time.Time) channelUserView {
	m, ok := ch.members[userID]
	if !ok {
		m = &member{userID: userID, membership: membershipNone, roles: []string{}, created: ch.created, updated: ch.created, lastActivity: ch.created}
	}
	return channelUserView{
		UserID:        m.userID,
		ChannelID:     ch.id,
		Membership:    m.membership,
		IsBanned:      m.membership == membershipBanned,
		Roles:         m.roles,
		ReadToSegment: m.readToSegment,
		IsMuted:       m.mute.active(now),
		MuteTimeout:   m.mute.timeout(),
		LastActivity:  ts(m.lastActivity),
		CreatedAt:     ts(m.created),
		UpdatedAt:     ts(m.updated),
	}
}

type channelResult struct {
	Channel     channelView     `json:"channel"`
	ChannelUser channelUserView `json:"channelUser"`
}

type messageView struct {
	MessageID      string         `json:"messageId"`
	ChannelID      string         `json:"channelId"`
	UserID         string         `json:"userId"`
	Type           string         `json:"type"`
	Data           map[string]any `json:"data"`
	Tags           []string       `json:"tags"`
	ParentID       string         `json:"parentId,omitempty"`
	ChildrenNumber int            `json:"childrenNumber"`
	ChannelSegment int            `json:"channelSegment"`
	IsDeleted      bool           `json:"isDeleted"`
	FlagCount      int            `json:"flagCount"`
	Reactions      map[string]int `json:"reactions"`
	ReactionsCount int            `json:"reactionsCount"`
	CreatedAt      string         `json:"createdAt"`
	UpdatedAt      string         `json:"updatedAt"`
	EditedAt       string         `json:"editedAt"`
}

func (m *message) view() messageView {
	return messageView{
		MessageID:      m.id,
		ChannelID:      m.channelID,
		UserID:         m.userID,
		Type:           m.typ,
		Data:           m.data,
		Tags:           m.tags,
		ParentID:       m.parentID,
		ChildrenNumber: m.children,
		ChannelSegment: m.segment,
		IsDeleted:      m.deleted,
		FlagCount:      m.flagCount,
		Reactions:      m.reactions,
		ReactionsCount: m.reactionsCount,
		CreatedAt:      ts(m.created),
		UpdatedAt:      ts(m.updated),
		EditedAt:       ts(m.created),
	}
}

type userView struct {
	UserID      string         `json:"userId"`
	DisplayName string         `json:"displayName"`
	Roles       []string       `json:"roles"`
	Metadata    map[string]any `json:"metadata"`
	FlagCount   int            `json:"flagCount"`
	CreatedAt   string         `json:"createdAt"`
	UpdatedAt   string         `json:"updatedAt"`
}

func (u *user) view() userView {
	return userView{
		UserID: u.id, DisplayName: u.displayName, Roles: u.roles, Metadata: u.metadata,
		FlagCount: u.flagCount, CreatedAt: ts(u.created), UpdatedAt: ts(u.updated),
	}
}

// usersView renders the users behind a list of ids, each once, in order.
func (s *store) usersView(ids []string) []userView {
	out := []userView{}
	seen := map[string]bool{}
	for _, id := range ids {
		if u, ok := s.users[id]; ok && !seen[id] {
			seen[id] = true
			out = append(out, u.view())
		}
	}
	return out
}

type roleView struct {
	PublicID    string   `json:"publicId"`
	Permissions []string `json:"permissions"`
}

type ruleView struct {
	RuleID           string `json:"ruleId"`
	Regex            string `json:"regex"`
	IsMatchExactWord *bool  `json:"isMatchExactWord,omitempty"`
	IsEnabled        bool   `json:"isEnabled"`
	IsDeleted        bool   `json:"isDeleted"`
	CreatedAt        string `json:"createdAt"`
	UpdatedAt        string `json:"updatedAt"`
}

func (r *rule) view(kind ruleKind) ruleView {
	v := ruleView{RuleID: r.id, Regex: r.regex, IsEnabled: r.enabled, CreatedAt: ts(r.created), UpdatedAt: ts(r.updated)}
	if kind == blacklist {
		exact := r.exactWord
		v.IsMatchExactWord = &exact
	}
	return v
}

// paging is the {"next","prev"} object; a key is absent when there is no
// page that way.
type paging struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}
