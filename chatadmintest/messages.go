package chatadmintest

import (
	"slices"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// liveMessage returns a message that exists, is not deleted and whose
// channel is open.
func (e *Emulator) liveMessage(id string) (*message, *channel, error) {
	m, ok := e.st.messages[id]
	if !ok || m.deleted {
		return nil, nil, errNotFound("Message")
	}
	ch, err := e.openChannel(m.channelID)
	if err != nil {
		return nil, nil, errNotFound("Message")
	}
	return m, ch, nil
}

// messageQuery is the filter part of a message query.
func messageMatches(m *message, q tokenQuery) bool {
	switch {
	case m.deleted:
		return false
	case q.ParentID != "" && m.parentID != q.ParentID:
		return false
	case q.FilterByParentID && m.parentID != "":
		return false
	case len(q.Tags) > 0 && !hasAny(m.tags, q.Tags):
		return false
	case len(q.ExcludeTags) > 0 && hasAny(m.tags, q.ExcludeTags):
		return false
	}
	return true
}

// queryMessages: POST /api/v2/messages (JSON). Messages come in ascending
// channelSegment order. options.after/before are segment numbers (exclusive
// bounds), options.first/last counts (default 20, max 100): "last" takes the
// newest n of the window, still returned ascending. Without any of them the
// query is token-paged with the WithMessagePageSize page size, starting at
// the oldest message, and data.paging carries next/prev tokens
// (options.token continues; the token carries the filters). With
// WithoutMessageTokens that first page comes without paging. Deleted
// messages are left out (a guess).
func (e *Emulator) queryMessages(c *call) (*response, error) {
	p := c.body
	v := &validator{}
	opts := prefixed("options", v.sub(p, "options"))
	// With a token the query travels in the token, so channelId may be left
	// out (the provider's SDKs send the token alone).
	_, hasToken := opts["options.token"]
	chID, _ := v.str(p, "channelId", strRule{required: !hasToken, nonEmpty: true})
	parentID, _ := v.str(p, "parentId", strRule{})
	byParent, _ := v.boolean(p, "filterByParentId", false)
	tags, _ := v.strArray(p, "tags", arrRule{max: 10})
	excl, _ := v.strArray(p, "excludeTags", arrRule{max: 10})
	after, hasAfter := v.num(opts, "options.after", numRule{integer: true, min: bound(0)})
	before, hasBefore := v.num(opts, "options.before", numRule{integer: true, min: bound(0)})
	first, hasFirst := v.num(opts, "options.first", numRule{integer: true, min: bound(1), max: bound(100)})
	last, hasLast := v.num(opts, "options.last", numRule{integer: true, min: bound(1), max: bound(100)})
	token, _ := v.str(opts, "options.token", strRule{})
	if err := v.err(); err != nil {
		return nil, err
	}
	q := tokenQuery{ChannelID: chID, ParentID: parentID, FilterByParentID: byParent, Tags: tags, ExcludeTags: excl}
	var tok *pageToken
	if token != "" {
		t, err := e.decodeToken(token, "messages")
		if err != nil {
			return nil, err
		}
		tok, q = &t, t.Query
	}
	ch, err := e.openChannel(q.ChannelID)
	if err != nil {
		return nil, err
	}
	var list []*message
	for _, m := range ch.messages {
		if messageMatches(m, q) {
			list = append(list, m)
		}
	}

	var page []*message
	var pg *paging
	switch {
	case tok != nil:
		page, pg = e.messagePage(list, *tok)
	case hasAfter || hasBefore || hasFirst || hasLast:
		var win []*message
		for _, m := range list {
			if (!hasAfter || m.segment > int(after)) && (!hasBefore || m.segment < int(before)) {
				win = append(win, m)
			}
		}
		switch {
		case hasLast && !hasFirst:
			page = win[max(0, len(win)-int(last)):]
		case hasFirst:
			page = win[:min(len(win), int(first))]
		case hasBefore && !hasAfter:
			page = win[max(0, len(win)-20):]
		default:
			page = win[:min(len(win), 20)]
		}
	default:
		page, pg = e.messagePage(list, pageToken{Kind: "messages", Limit: e.cfg.messagePageSize, Query: q})
		if e.cfg.noMessageTokens {
			pg = nil
		}
	}
	data := e.messagesPayload(page)
	if pg != nil {
		data["paging"] = pg
	}
	return wrapped(data), nil
}

// messagePage returns the page a token (or the first-page token) points at.
func (e *Emulator) messagePage(list []*message, t pageToken) ([]*message, *paging) {
	var page []*message
	if t.Before > 0 {
		var win []*message
		for _, m := range list {
			if m.segment < t.Before {
				win = append(win, m)
			}
		}
		page = win[max(0, len(win)-t.Limit):]
	} else {
		for _, m := range list {
			if m.segment > t.After && len(page) < t.Limit {
				page = append(page, m)
			}
		}
	}
	pg := &paging{}
	if len(page) == 0 {
		return page, pg
	}
	lo, hi := page[0].segment, page[len(page)-1].segment
	base := pageToken{Kind: "messages", Limit: t.Limit, Query: t.Query}
	if slices.ContainsFunc(list, func(m *message) bool { return m.segment > hi }) {
		next := base
		next.After = hi
		pg.Next = e.encodeToken(next)
	}
	if slices.ContainsFunc(list, func(m *message) bool { return m.segment < lo }) {
		prev := base
		prev.Before = lo
		pg.Prev = e.encodeToken(prev)
	}
	return page, pg
}

// messagesPayload is {"messages":[…],"users":[…]} with the senders.
func (e *Emulator) messagesPayload(msgs []*message) map[string]any {
	views := []messageView{}
	var ids []string
	for _, m := range msgs {
		views = append(views, m.view())
		ids = append(ids, m.userID)
	}
	return map[string]any{"messages": views, "users": e.st.usersView(ids)}
}

// getMessage: GET /api/v2/message/:messageId → {"channel","message","user"}.
func (e *Emulator) getMessage(c *call) (*response, error) {
	m, ch, err := e.liveMessage(c.path["messageId"])
	if err != nil {
		return nil, err
	}
	var u any
	if usr, ok := e.st.users[m.userID]; ok {
		u = usr.view()
	}
	return flat(map[string]any{"channel": ch.view(c.now), "message": m.view(), "user": u}), nil
}

// The service's limits for messages.
const (
	maxTextLen    = 20000  // characters of data.text
	maxCustomData = 100000 // bytes of a custom message's data (100 KB)
)

// createMessage: POST /api/v2/message (JSON) → wrapped {messages, users}.
func (e *Emulator) createMessage(c *call) (*response, error) {
	p := c.body
	v := &validator{}
	chID, _ := v.str(p, "channelId", strRule{required: true, nonEmpty: true})
	typ, _ := v.str(p, "type", strRule{required: true, enum: []string{"text", "custom"}})
	data, hasData := v.object(p, "data", true)
	tags, _ := v.strArray(p, "tags", arrRule{max: 10, itemMax: 30})
	parentID, _ := v.str(p, "parentId", strRule{})
	if hasData {
		switch typ {
		case "text":
			v.str(prefixed("data", data), "data.text", strRule{required: true, max: maxTextLen})
		case "custom":
			v.maxBytes("data", data, maxCustomData)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	ch, err := e.openChannel(chID)
	if err != nil {
		return nil, err
	}
	if err := e.canPost(ch, parentID, c.now); err != nil {
		return nil, err
	}
	if typ == "text" {
		if err := e.checkText(data["text"].(string)); err != nil {
			return nil, err
		}
	}
	m := e.postMessage(ch, typ, data, tags, parentID, nil, c.now)
	return wrapped(e.messagesPayload([]*message{m})), nil
}

// canPost checks that the admin may post in the channel now: the channel is
// not muted (400303), the admin is not muted (400302) or banned (400304)
// there, and the parent message, if any, is a live message of the channel.
func (e *Emulator) canPost(ch *channel, parentID string, now time.Time) error {
	if ch.mute.active(now) {
		return errCode(apicode.ChannelMuted, "Channel is muted.")
	}
	if m, ok := ch.members[e.cfg.adminUserID]; ok {
		if m.membership == membershipBanned {
			return errCode(apicode.UserBanned, "User is banned.")
		}
		if m.mute.active(now) {
			return errCode(apicode.UserMuted, "User is muted.")
		}
	}
	if parentID != "" {
		parent, ok := e.st.messages[parentID]
		if !ok || parent.deleted || parent.channelID != ch.id {
			return errNotFound("Parent message")
		}
	}
	return nil
}

// postMessage stores a message as the admin with the channel's next
// channelSegment (comments get one too).
func (e *Emulator) postMessage(ch *channel, typ string, data map[string]any, tags []string, parentID string, md *media, now time.Time) *message {
	if tags == nil {
		tags = []string{}
	}
	if data == nil {
		data = map[string]any{}
	}
	ch.lastSegment++
	m := &message{order: e.st.seq + 1, id: e.st.newID(), channelID: ch.id, userID: e.cfg.adminUserID, typ: typ, data: data,
		tags: tags, parentID: parentID, segment: ch.lastSegment, reactions: map[string]int{},
		media: md, created: now, updated: now}
	e.st.messages[m.id] = m
	ch.messages = append(ch.messages, m)
	if parentID != "" {
		e.st.messages[parentID].children++
	}
	ch.touch(now)
	if mem, ok := ch.members[e.cfg.adminUserID]; ok {
		mem.lastActivity, mem.readToSegment = now, m.segment
	}
	return m
}

// deleteMessage: DELETE /api/v2/message/:messageId (no body) → "OK". The
// message is marked deleted: Get answers 404 afterwards and queries skip it.
func (e *Emulator) deleteMessage(c *call) (*response, error) {
	m, _, err := e.liveMessage(c.path["messageId"])
	if err != nil {
		return nil, err
	}
	m.deleted, m.updated = true, c.now
	return okText(), nil
}
