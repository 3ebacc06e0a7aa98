package chatadmintest

import (
	"cmp"
	"slices"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

type reactorView struct {
	ReactionID   string `json:"reactionId"`
	ReactionName string `json:"reactionName"`
	UserID       string `json:"userId"`
	CreatedAt    string `json:"createdAt"`
}

type reactionView struct {
	ReferenceID   string        `json:"referenceId"`
	ReferenceType string        `json:"referenceType"`
	Reactors      []reactorView `json:"reactors"`
}

// referenceTypes is the spec's enum for reactions.
var referenceTypes = []string{"message"}

// queryReactions: GET /api/v2/reactions?referenceId=&referenceType=message
// &options[reactionName|skip|limit|token] → wrapped {reactions, users,
// paging{next}}. Reactors are in reaction order; limit defaults to 10.
func (e *Emulator) queryReactions(c *call) (*response, error) {
	p := c.query
	v := &validator{}
	opts := prefixed("options", v.sub(p, "options"))
	_, hasToken := opts["options.token"] // the token carries the query
	refID, _ := v.str(p, "referenceId", strRule{required: !hasToken, nonEmpty: true, max: 900})
	refType, _ := v.str(p, "referenceType", strRule{required: !hasToken, enum: referenceTypes})
	name, _ := v.str(opts, "options.reactionName", strRule{max: 100})
	skip, limit, token := pageOptions(v, opts)
	if err := v.err(); err != nil {
		return nil, err
	}
	tok := pageToken{Kind: "reactions", Skip: skip, Limit: limit,
		Query: tokenQuery{ReferenceID: refID, ReferenceType: refType, ReactionName: name}}
	if token != "" {
		t, err := e.decodeToken(token, "reactions")
		if err != nil {
			return nil, err
		}
		tok = t
	}
	m, _, err := e.liveMessage(tok.Query.ReferenceID)
	if err != nil {
		return nil, err
	}
	var list []*reactor
	for _, r := range m.reactors {
		if tok.Query.ReactionName == "" || r.name == tok.Query.ReactionName {
			list = append(list, r)
		}
	}
	lo, hi, pg := e.window(len(list), tok)
	reactors := []reactorView{}
	var ids []string
	for _, r := range list[lo:hi] {
		reactors = append(reactors, reactorView{r.id, r.name, r.userID, ts(r.created)})
		ids = append(ids, r.userID)
	}
	return wrapped(map[string]any{
		"reactions": []reactionView{{ReferenceID: m.id, ReferenceType: tok.Query.ReferenceType, Reactors: reactors}},
		"users":     e.st.usersView(ids),
		"paging":    paging{Next: pg.Next},
	}), nil
}

// reactionParams validates the add/remove reaction form.
func (e *Emulator) reactionParams(c *call) (*message, string, error) {
	v := &validator{}
	refID, _ := v.str(c.body, "referenceId", strRule{required: true, nonEmpty: true, max: 900})
	v.str(c.body, "referenceType", strRule{required: true, enum: referenceTypes})
	name, _ := v.str(c.body, "reactionName", strRule{required: true, nonEmpty: true, max: 100})
	if err := v.err(); err != nil {
		return nil, "", err
	}
	m, _, err := e.liveMessage(refID)
	return m, name, err
}

// addReaction: POST /api/v2/reactions (form) → {"addedId": reactionId}. The
// admin is the reactor; the same reaction twice is 409/400315.
func (e *Emulator) addReaction(c *call) (*response, error) {
	m, name, err := e.reactionParams(c)
	if err != nil {
		return nil, err
	}
	admin := e.cfg.adminUserID
	if slices.ContainsFunc(m.reactors, func(r *reactor) bool { return r.name == name && r.userID == admin }) {
		return nil, errCode(apicode.Duplicate, "Data already exists.")
	}
	r := &reactor{id: e.st.newID(), name: name, userID: admin, created: c.now}
	m.reactors = append(m.reactors, r)
	m.reactions[name]++
	m.reactionsCount++
	m.updated = c.now
	return flat(map[string]string{"addedId": r.id}), nil
}

// removeReaction: DELETE /api/v2/reactions (form) → {"removedId":
// reactionId}; 404 when the admin has no such reaction.
func (e *Emulator) removeReaction(c *call) (*response, error) {
	m, name, err := e.reactionParams(c)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(m.reactors, func(r *reactor) bool { return r.name == name && r.userID == e.cfg.adminUserID })
	if i < 0 {
		return nil, errNotFound("Reaction")
	}
	r := m.reactors[i]
	m.reactors = slices.Delete(m.reactors, i, i+1)
	if m.reactions[name]--; m.reactions[name] <= 0 {
		delete(m.reactions, name)
	}
	m.reactionsCount--
	m.updated = c.now
	return flat(map[string]string{"removedId": r.id}), nil
}

type mostReactedView struct {
	MessageID      string `json:"messageId"`
	ReactionsCount int    `json:"reactionsCount"`
}

// mostReacted: GET /api/v2/reactions/messages/most?reactionName=&limit= → a
// bare array, by count of that reaction descending (older messages first on
// ties); limit 0 (the default) means 10.
func (e *Emulator) mostReacted(c *call) (*response, error) {
	v := &validator{}
	name, _ := v.str(c.query, "reactionName", strRule{required: true, nonEmpty: true, max: 100})
	limit, _ := v.num(c.query, "limit", numRule{integer: true, min: bound(0), max: bound(100)})
	if err := v.err(); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 10
	}
	var list []*message
	for _, m := range e.st.messages {
		if _, _, err := e.liveMessage(m.id); err == nil && m.reactions[name] > 0 {
			list = append(list, m)
		}
	}
	slices.SortFunc(list, func(a, b *message) int {
		return cmp.Or(cmp.Compare(b.reactions[name], a.reactions[name]), cmp.Compare(a.order, b.order))
	})
	out := []mostReactedView{}
	for _, m := range list[:min(len(list), int(limit))] {
		out = append(out, mostReactedView{m.id, m.reactions[name]})
	}
	return flat(out), nil
}
