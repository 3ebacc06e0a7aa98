package chatadmintest

import (
	"fmt"
	"regexp"
	"time"
)

// store is the emulator's state; every access holds Emulator.mu.
type store struct {
	seq uint64

	users     map[string]*user
	userOrder []string

	roles     map[string]*role
	roleOrder []string

	channels     map[string]*channel
	channelOrder []string // creation order, which queries keep

	messages map[string]*message

	rules map[ruleKind][]*rule
}

func newStore() *store {
	return &store{
		users:    map[string]*user{},
		roles:    map[string]*role{},
		channels: map[string]*channel{},
		messages: map[string]*message{},
		rules:    map[ruleKind][]*rule{},
	}
}

// newID returns a 24-hex-digit id, the shape of the service's ObjectIds.
// Multiplying the counter by an odd constant keeps ids unique while making
// them look less sequential, so no client is tempted to parse them.
func (s *store) newID() string {
	s.seq++
	return fmt.Sprintf("%08x%016x", uint32(s.seq>>32)+0x65000000, s.seq*0x9E3779B97F4A7C15)
}

type user struct {
	id          string
	displayName string
	roles       []string
	metadata    map[string]any
	flagCount   int
	globalBan   bool
	created     time.Time
	updated     time.Time
}

// ensureUser returns the user, creating it: user ids named by the admin
// (channel members, reactors…) exist from then on, as they would once their
// SDK session logs in.
func (s *store) ensureUser(id string, now time.Time) *user {
	if u, ok := s.users[id]; ok {
		return u
	}
	u := &user{id: id, roles: []string{}, metadata: map[string]any{}, created: now, updated: now}
	s.users[id] = u
	s.userOrder = append(s.userOrder, id)
	return u
}

type role struct {
	id          string // internal id, reported in users' roleIds
	publicID    string
	permissions []string
	created     time.Time
}

func (s *store) ensureRole(publicID string, now time.Time) *role {
	if r, ok := s.roles[publicID]; ok {
		return r
	}
	r := &role{id: s.newID(), publicID: publicID, permissions: []string{}, created: now}
	s.roles[publicID] = r
	s.roleOrder = append(s.roleOrder, publicID)
	return r
}

// muteState is a mute with expiry: until is compared with the clock at read
// time, so a mute ends by itself.
type muteState struct {
	set     bool // a mute period was ever given (muteTimeout is reported)
	forever bool // mutePeriod -1
	until   time.Time
}

// muteFor applies a mutePeriod in milliseconds: 0 unmutes, -1 is forever.
func muteFor(period int64, now time.Time) muteState {
	switch {
	case period < 0:
		return muteState{set: true, forever: true, until: foreverTime}
	case period == 0:
		return muteState{set: true, until: now}
	}
	return muteState{set: true, until: now.Add(time.Duration(period) * time.Millisecond)}
}

// foreverTime is the muteTimeout reported for mutePeriod -1 (a guess: the
// service's value is not documented).
var foreverTime = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)

func (m muteState) active(now time.Time) bool { return m.forever || (m.set && now.Before(m.until)) }

func (m muteState) timeout() *string {
	if !m.set {
		return nil
	}
	s := ts(m.until)
	return &s
}

// Membership states of a ChannelUser.
const (
	membershipNone   = "none"
	membershipMember = "member"
	membershipBanned = "banned"
)

type channel struct {
	id           string
	typ          string
	displayName  string
	metadata     map[string]any
	tags         []string
	closed       bool
	mute         muteState
	members      map[string]*member
	lastSegment  int
	messages     []*message // in channelSegment order
	created      time.Time
	updated      time.Time
	lastActivity time.Time
}

type member struct {
	userID        string
	membership    string
	roles         []string
	readToSegment int
	mute          muteState
	created       time.Time
	updated       time.Time
	lastActivity  time.Time
}

// memberOf returns the membership record, creating a "none" one.
func (ch *channel) memberOf(userID string, now time.Time) *member {
	if m, ok := ch.members[userID]; ok {
		return m
	}
	m := &member{userID: userID, membership: membershipNone, roles: []string{}, created: now, updated: now, lastActivity: now}
	ch.members[userID] = m
	return m
}

func (ch *channel) memberCount() int {
	n := 0
	for _, m := range ch.members {
		if m.membership == membershipMember {
			n++
		}
	}
	return n
}

func (ch *channel) messageCount() int {
	n := 0
	for _, m := range ch.messages {
		if !m.deleted {
			n++
		}
	}
	return n
}

type message struct {
	order          uint64 // creation sequence, for stable ordering across channels
	id             string
	channelID      string
	userID         string
	typ            string
	data           map[string]any
	tags           []string
	parentID       string
	children       int
	segment        int
	deleted        bool
	flagCount      int
	reactions      map[string]int
	reactionsCount int
	reactors       []*reactor // in reaction order
	media          *media
	created        time.Time
	updated        time.Time
}

type reactor struct {
	id      string
	name    string
	userID  string
	created time.Time
}

// media is an uploaded image or file.
type media struct {
	fileID      string
	name        string
	contentType string
	original    []byte
	isImage     bool
	full        bool              // uploaded with fullImage=true
	sizes       map[string][]byte // small, medium, large
}

type ruleKind string

const (
	blacklist ruleKind = "blacklist"
	whitelist ruleKind = "whitelist"
)

type rule struct {
	id        string
	regex     string
	exactWord bool
	enabled   bool
	re        *regexp.Regexp // how the rule matches, see compileRule
	created   time.Time
	updated   time.Time
}
