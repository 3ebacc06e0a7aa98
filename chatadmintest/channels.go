package chatadmintest

import (
	"slices"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// channelTypes is the spec's enum for create channel.
var channelTypes = []string{"standard"}

// openChannel returns a channel that exists and is not closed; a closed
// channel is "not found" for every later call that names it.
func (e *Emulator) openChannel(id string) (*channel, error) {
	ch, ok := e.st.channels[id]
	if !ok || ch.closed {
		return nil, errNotFound("Channel")
	}
	return ch, nil
}

// pageOptions validates options.skip/limit/token (channels, reactions);
// opts is the prefixed options object.
func pageOptions(v *validator, opts map[string]any) (skip, limit int, token string) {
	s, _ := v.num(opts, "options.skip", numRule{integer: true, min: bound(0)})
	l, ok := v.num(opts, "options.limit", numRule{integer: true, min: bound(1), max: bound(100)})
	if !ok {
		l = 10
	}
	token, _ = v.str(opts, "options.token", strRule{})
	return int(s), int(l), token
}

// hasAny reports whether tags share an element with want (any-of filter).
func hasAny(tags, want []string) bool {
	for _, w := range want {
		if slices.Contains(tags, w) {
			return true
		}
	}
	return false
}

// queryChannels: POST /api/v2/channels. filter is relative to the admin, or
// to userId when given; tags is any-of, excludeTags none-of; closed channels
// are left out; creation order.
func (e *Emulator) queryChannels(c *call) (*response, error) {
	p := c.body
	v := &validator{}
	filter, _ := v.str(p, "filter", strRule{enum: []string{"all", "member", "notMember"}})
	userID, _ := v.str(p, "userId", strRule{})
	tags, _ := v.strArray(p, "tags", arrRule{})
	excl, _ := v.strArray(p, "excludeTags", arrRule{})
	skip, limit, token := pageOptions(v, prefixed("options", v.sub(p, "options")))
	if err := v.err(); err != nil {
		return nil, err
	}
	tok := pageToken{Kind: "channels", Skip: skip, Limit: limit,
		Query: tokenQuery{Filter: filter, UserID: userID, Tags: tags, ExcludeTags: excl}}
	if token != "" {
		t, err := e.decodeToken(token, "channels")
		if err != nil {
			return nil, err
		}
		tok = t
	}
	q := tok.Query
	who := q.UserID
	if who == "" {
		who = e.cfg.adminUserID
	}
	var list []*channel
	for _, id := range e.st.channelOrder {
		ch := e.st.channels[id]
		if ch.closed {
			continue
		}
		isMember := false
		if m, ok := ch.members[who]; ok && m.membership == membershipMember {
			isMember = true
		}
		if (q.Filter == "member" && !isMember) || (q.Filter == "notMember" && isMember) {
			continue
		}
		if len(q.Tags) > 0 && !hasAny(ch.tags, q.Tags) {
			continue
		}
		if len(q.ExcludeTags) > 0 && hasAny(ch.tags, q.ExcludeTags) {
			continue
		}
		list = append(list, ch)
	}
	lo, hi, pg := e.window(len(list), tok)
	results := []channelResult{}
	for _, ch := range list[lo:hi] {
		results = append(results, channelResult{ch.view(c.now), ch.channelUserView(e.cfg.adminUserID, c.now)})
	}
	return flat(struct {
		Results []channelResult `json:"results"`
		Paging  paging          `json:"paging"`
	}{results, pg}), nil
}

// createChannel: POST /api/v2/channel. The admin becomes a member, and so do
// userIds. A channelId in use (even by a closed channel) is a conflict.
func (e *Emulator) createChannel(c *call) (*response, error) {
	p := c.body
	v := &validator{}
	id, _ := v.str(p, "channelId", strRule{required: true, nonEmpty: true, max: 100})
	typ, _ := v.str(p, "type", strRule{required: true, enum: channelTypes})
	name, _ := v.str(p, "displayName", strRule{max: 100})
	meta, _ := v.object(p, "metadata", false)
	tags, _ := v.strArray(p, "tags", arrRule{max: 10, itemMax: 100})
	userIDs, _ := v.strArray(p, "userIds", arrRule{nonEmpty: true})
	if err := v.err(); err != nil {
		return nil, err
	}
	if _, exists := e.st.channels[id]; exists {
		return nil, errCode(apicode.Conflict, "Channel already exists.")
	}
	if meta == nil {
		meta = map[string]any{}
	}
	if tags == nil {
		tags = []string{}
	}
	now := c.now
	ch := &channel{id: id, typ: typ, displayName: name, metadata: meta, tags: tags,
		members: map[string]*member{}, created: now, updated: now, lastActivity: now}
	e.st.channels[id] = ch
	e.st.channelOrder = append(e.st.channelOrder, id)
	for _, u := range append([]string{e.cfg.adminUserID}, userIDs...) {
		e.st.ensureUser(u, now)
		ch.memberOf(u, now).membership = membershipMember
	}
	return flat(channelResult{ch.view(now), ch.channelUserView(e.cfg.adminUserID, now)}), nil
}

// updateDisplayName: POST /api/v2/channel/displayName → the Channel.
func (e *Emulator) updateDisplayName(c *call) (*response, error) {
	v := &validator{}
	id, _ := v.str(c.body, "channelId", strRule{required: true, nonEmpty: true})
	name, _ := v.str(c.body, "displayName", strRule{required: true, max: 100})
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(id)
	if err != nil {
		return nil, err
	}
	ch.displayName = name
	ch.updated = c.now
	return flat(ch.view(c.now)), nil
}

// userIDs validates the userIds list of the membership endpoints; ban and
// mute allow 1–100 ids, the service's limit per request.
func userIDs(v *validator, p map[string]any, maxItems int) []string {
	ids, _ := v.strArray(p, "userIds", arrRule{required: true, min: 1, max: maxItems, nonEmpty: true, itemMax: 50})
	return ids
}

// channelAndUsers is the common start of the membership endpoints.
func (e *Emulator) channelAndUsers(c *call, maxItems int) (*channel, []string, error) {
	v := &validator{}
	ids := userIDs(v, c.body, maxItems)
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	ch, err := e.openChannel(c.path["channelId"])
	return ch, ids, err
}

// addChannelUsers: POST /api/v2/channel/:channelId/users. Already-members
// are fine; a user banned in the channel is refused (403/400304, a guess)
// and nothing changes.
func (e *Emulator) addChannelUsers(c *call) (*response, error) {
	ch, ids, err := e.channelAndUsers(c, 0)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if m, ok := ch.members[id]; ok && m.membership == membershipBanned {
			return nil, errCode(apicode.UserBanned, "User is banned.")
		}
	}
	for _, id := range ids {
		e.st.ensureUser(id, c.now)
		m := ch.memberOf(id, c.now)
		if m.membership != membershipMember {
			m.membership, m.updated = membershipMember, c.now
		}
	}
	ch.updated = c.now
	return okText(), nil
}

// removeChannelUsers: DELETE /api/v2/channel/:channelId/users (JSON body).
// Removing a non-member is fine; a banned user stays banned.
func (e *Emulator) removeChannelUsers(c *call) (*response, error) {
	ch, ids, err := e.channelAndUsers(c, 0)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if m, ok := ch.members[id]; ok && m.membership == membershipMember {
			m.membership, m.updated = membershipNone, c.now
		}
	}
	ch.updated = c.now
	return okText(), nil
}

// mutePeriod validates the mute period in milliseconds (-1 forever, 0 unmute).
func mutePeriod(v *validator, p map[string]any) int64 {
	n, _ := v.num(p, "mutePeriod", numRule{required: true, integer: true, min: bound(-1)})
	return n
}

// muteChannel: PUT /api/v2/channel/:channelId/mute (JSON) → {"success":true}.
func (e *Emulator) muteChannel(c *call) (*response, error) {
	v := &validator{}
	period := mutePeriod(v, c.body)
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(c.path["channelId"])
	if err != nil {
		return nil, err
	}
	ch.mute = muteFor(period, c.now)
	ch.updated = c.now
	return flat(map[string]bool{"success": true}), nil
}

// muteChannelUsers: PUT /api/v2/channel/:channelId/users/mute (form) →
// {"success":true}. Non-members can be muted too (the mute waits for them).
func (e *Emulator) muteChannelUsers(c *call) (*response, error) {
	v := &validator{}
	ids := userIDs(v, c.body, 100)
	period := mutePeriod(v, c.body)
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(c.path["channelId"])
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		e.st.ensureUser(id, c.now)
		m := ch.memberOf(id, c.now)
		m.mute, m.updated = muteFor(period, c.now), c.now
	}
	return flat(map[string]bool{"success": true}), nil
}

// banChannelUsers: POST /api/v2/channel/:channelId/users/ban. A banned user
// is not a member (membership "banned").
func (e *Emulator) banChannelUsers(c *call) (*response, error) {
	ch, ids, err := e.channelAndUsers(c, 100)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		e.st.ensureUser(id, c.now)
		m := ch.memberOf(id, c.now)
		m.membership, m.updated = membershipBanned, c.now
	}
	ch.updated = c.now
	return okText(), nil
}

// unbanChannelUsers: POST /api/v2/channel/:channelId/users/unban. If any
// user is not banned the call fails with 400316 and nothing changes;
// unbanned users are not members again (membership "none").
func (e *Emulator) unbanChannelUsers(c *call) (*response, error) {
	ch, ids, err := e.channelAndUsers(c, 100)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if m, ok := ch.members[id]; !ok || m.membership != membershipBanned {
			return nil, errCode(apicode.NotBanned, "User is unbanned from a channel.")
		}
	}
	for _, id := range ids {
		m := ch.members[id]
		m.membership, m.updated = membershipNone, c.now
	}
	ch.updated = c.now
	return okText(), nil
}

// closeChannel: POST /api/v2/channel/:channelId/close. Irreversible: members
// are removed and messages deleted; the channel is "not found" afterwards.
func (e *Emulator) closeChannel(c *call) (*response, error) {
	ch, err := e.openChannel(c.path["channelId"])
	if err != nil {
		return nil, err
	}
	ch.closed = true
	ch.members = map[string]*member{}
	for _, m := range ch.messages {
		m.deleted, m.updated = true, c.now
	}
	ch.updated = c.now
	return okText(), nil
}

// touch records activity on a channel.
func (ch *channel) touch(now time.Time) { ch.lastActivity, ch.updated = now, now }
