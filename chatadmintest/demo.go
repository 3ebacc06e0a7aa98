package chatadmintest

import "time"

// loadDemo fills the store for WithDemoData: users alice, bob and carol
// (carol flagged twice), roles moderator and member, channels "general"
// (tags public, members admin/alice/bob) and "random" (tag offtopic,
// members admin/carol), four messages in general (one a comment) with a
// "like" reaction, and one blacklist rule ("spoiler", exact word).
func (e *Emulator) loadDemo(now time.Time) {
	s := e.st
	admin := e.cfg.adminUserID
	s.ensureRole("moderator", now).permissions = []string{"MUTE_CHANNEL", "BAN_USER_FROM_CHANNEL", "DELETE_MESSAGE"}
	s.ensureRole("member", now)
	for _, u := range []struct{ id, name, role string }{
		{"alice", "Alice Liddell", "moderator"}, {"bob", "Bob Builder", "member"}, {"carol", "Carol Danvers", "member"},
	} {
		usr := s.ensureUser(u.id, now)
		usr.displayName, usr.roles = u.name, []string{u.role}
	}
	s.users["carol"].flagCount = 2
	s.users["alice"].metadata = map[string]any{"team": "core"}
	mk := func(id, name string, tags []string, members ...string) *channel {
		ch := &channel{id: id, typ: "standard", displayName: name, metadata: map[string]any{}, tags: tags,
			members: map[string]*member{}, created: now, updated: now, lastActivity: now}
		s.channels[id] = ch
		s.channelOrder = append(s.channelOrder, id)
		for _, m := range append([]string{admin}, members...) {
			ch.memberOf(m, now).membership = membershipMember
		}
		return ch
	}
	general := mk("general", "General", []string{"public"}, "alice", "bob")
	mk("random", "Random", []string{"offtopic"}, "carol")
	first := e.postMessage(general, "text", map[string]any{"text": "Welcome to #general!"}, []string{"announcement"}, "", nil, now)
	e.postMessage(general, "text", map[string]any{"text": "Read the rules first."}, nil, "", nil, now)
	e.postMessage(general, "text", map[string]any{"text": "Thanks!"}, nil, first.id, nil, now)
	e.postMessage(general, "custom", map[string]any{"kind": "poll", "question": "Lunch?"}, nil, "", nil, now)
	first.reactors = append(first.reactors, &reactor{id: s.newID(), name: "like", userID: admin, created: now})
	first.reactions["like"], first.reactionsCount = 1, 1
	re, _ := compileRule("spoiler", true)
	s.rules[blacklist] = append(s.rules[blacklist], &rule{id: s.newID(), regex: "spoiler", exactWord: true, enabled: true, re: re, created: now, updated: now})
}
