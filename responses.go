package chatadmin

import "fmt"

// The response types' side of decodeResponse: each check says what the
// endpoint promises.

func (r *channelListResponse) check() error {
	return pageList(r.Results, "channel", false, (*ChannelResult).valid)
}

func (r *ChannelResult) valid() bool { return r.Channel != nil && r.Channel.ChannelID != "" }

func (r *ChannelResult) check() error { return need(r.valid(), "channel") }

func (r *Channel) check() error { return need(r.ChannelID != "", "channelId") }

func (r *messagesResponse) check() error {
	if err := pageList(r.Messages, "message", false, (*Message).valid); err != nil {
		return err
	}
	// The senders are a convenience: a page may come without them.
	return pageList(r.Users, "user", true, (*User).valid)
}

func (m *Message) valid() bool { return m.MessageID != "" }

func (u *User) valid() bool { return u.UserID != "" }

func (r *messageCreateResponse) check() error {
	return need(r.Messages != nil && r.Messages[0].valid(), "message")
}

func (r *MessageResult) check() error { return need(r.Message != nil && r.Message.valid(), "message") }

func (r *userListResponse) check() error {
	if err := pageList(r.Users, "user", false, func(u *userListItem) bool { return u.Info.UserID != "" }); err != nil {
		return err
	}
	r.items = make([]UserInfo, len(r.Users))
	for i := range r.Users {
		r.items[i] = r.Users[i].Info
	}
	return nil
}

func (r *User) check() error { return need(r.valid(), "userId") }

func (r *roleListResponse) check() error {
	return everyItem(r.Roles, "role", func(x *Role) bool { return x.Name != "" })
}

func (r *ruleListResponse) check() error {
	return everyItem(r.Results, "rule", func(x *Rule) bool { return x.RuleID != "" })
}

func (r *Rule) check() error { return need(r.RuleID != "", "ruleId") }

// check flattens the reactors of every group into one page, which may not
// hold more than a page's items in all.
func (r *reactorListResponse) check() error {
	err := pageList(r.Reactions, "reaction group", false, func(g *reactionGroup) bool { return g.Reactors != nil })
	if err != nil {
		return err
	}
	r.items = nil
	for _, g := range r.Reactions {
		if err := pageList(g.Reactors, "reactor", false, func(x *Reactor) bool { return x.ReactionID != "" }); err != nil {
			return err
		}
		if len(r.items)+len(g.Reactors) > MaxPageLimit {
			return fmt.Errorf("more than %d reactors in one page", MaxPageLimit)
		}
		r.items = append(r.items, g.Reactors...)
	}
	return nil
}

func (r *addedResponse) check() error { return need(r.AddedID != "", "addedId") }

func (r *removedResponse) check() error { return need(r.RemovedID != "", "removedId") }

// mostReactedResponse is a bare JSON array, flat or as the envelope's data.
type mostReactedResponse []MostReactedMessage

func (r *mostReactedResponse) check() error {
	return pageList(*r, "message", false, func(m *MostReactedMessage) bool { return m.MessageID != "" })
}
