package chatadmin

import (
	"encoding/json"
	"fmt"

	"github.com/chatadmin/chatadmin-go/internal/slots"
)

// The response types' side of decodeResponse: each wire method is the one
// line Go needs to embed the type beside the envelope (internal/slots), and each
// check says what the endpoint promises.

// The slot types of page lists: an item and its marker (internal/slots).
type (
	channelSlot struct {
		ChannelResult
		marker
	}
	messageSlot struct {
		Message
		marker
	}
	userSlot struct {
		User
		marker
	}
	reactorSlot struct {
		Reactor
		marker
	}
	mostReactedSlot struct {
		MostReactedMessage
		marker
	}
)

func (s *channelSlot) Open() (*ChannelResult, bool)          { return &s.ChannelResult, s.Seen() }
func (s *messageSlot) Open() (*Message, bool)                { return &s.Message, s.Seen() }
func (s *userSlot) Open() (*User, bool)                      { return &s.User, s.Seen() }
func (s *userListItem) Open() (*UserInfo, bool)              { return &s.Info, s.Seen() }
func (s *reactionGroup) Open() (*reactionGroup, bool)        { return s, s.Seen() }
func (s *reactorSlot) Open() (*Reactor, bool)                { return &s.Reactor, s.Seen() }
func (s *mostReactedSlot) Open() (*MostReactedMessage, bool) { return &s.MostReactedMessage, s.Seen() }

func (r *channelListResponse) wire(s *status) any {
	r.Results = slots.New[channelSlot]()
	return &struct {
		*channelListResponse
		shell[channelListResponse]
	}{r, shell[channelListResponse]{s, r}}
}

func (r *channelListResponse) check() (err error) {
	r.items, err = slots.Items(r.Results, "channel", false, (*ChannelResult).valid)
	return err
}

func (r *ChannelResult) wire(s *status) any {
	return &struct {
		*ChannelResult
		shell[ChannelResult]
	}{r, shell[ChannelResult]{s, r}}
}

func (r *ChannelResult) valid() bool { return r.Channel != nil && r.Channel.ChannelID != "" }

func (r *ChannelResult) check() error {
	if !r.valid() {
		return errNoData("channel")
	}
	return nil
}

func (r *Channel) wire(s *status) any {
	return &struct {
		*Channel
		shell[Channel]
	}{r, shell[Channel]{s, r}}
}

func (r *Channel) check() error {
	if r.ChannelID == "" {
		return errNoData("channelId")
	}
	return nil
}

func (r *messagesResponse) wire(s *status) any {
	r.Messages, r.Users = slots.New[messageSlot](), slots.New[userSlot]()
	return &struct {
		*messagesResponse
		shell[messagesResponse]
	}{r, shell[messagesResponse]{s, r}}
}

func (r *messagesResponse) check() (err error) {
	if r.messages, err = slots.Items(r.Messages, "message", false, (*Message).valid); err != nil {
		return err
	}
	// The senders are a convenience: a page may come without them.
	r.users, err = slots.Items(r.Users, "user", true, (*User).valid)
	return err
}

func (m *Message) valid() bool { return m.MessageID != "" }

func (u *User) valid() bool { return u.UserID != "" }

func (r *messageCreateResponse) wire(s *status) any {
	return &struct {
		*messageCreateResponse
		shell[messageCreateResponse]
	}{r, shell[messageCreateResponse]{s, r}}
}

func (r *messageCreateResponse) check() error {
	if r.Messages == nil || !r.Messages[0].valid() {
		return errNoData("message")
	}
	return nil
}

func (r *MessageResult) wire(s *status) any {
	return &struct {
		*MessageResult
		shell[MessageResult]
	}{r, shell[MessageResult]{s, r}}
}

func (r *MessageResult) check() error {
	if r.Message == nil || !r.Message.valid() {
		return errNoData("message")
	}
	return nil
}

func (r *userListResponse) wire(s *status) any {
	r.Users = slots.New[userListItem]()
	return &struct {
		*userListResponse
		shell[userListResponse]
	}{r, shell[userListResponse]{s, r}}
}

func (r *userListResponse) check() (err error) {
	r.items, err = slots.Items(r.Users, "user", false, func(u *UserInfo) bool { return u.UserID != "" })
	return err
}

func (r *User) wire(s *status) any {
	return &struct {
		*User
		shell[User]
	}{r, shell[User]{s, r}}
}

func (r *User) check() error {
	if !r.valid() {
		return errNoData("userId")
	}
	return nil
}

func (r *roleListResponse) wire(s *status) any {
	return &struct {
		*roleListResponse
		shell[roleListResponse]
	}{r, shell[roleListResponse]{s, r}}
}

func (r *roleListResponse) check() error {
	if r.Roles == nil {
		return errNoData("roles list")
	}
	for i := range r.Roles {
		if r.Roles[i].Name == "" {
			return errNoData("publicId in a role")
		}
	}
	return nil
}

func (r *ruleListResponse) wire(s *status) any {
	return &struct {
		*ruleListResponse
		shell[ruleListResponse]
	}{r, shell[ruleListResponse]{s, r}}
}

func (r *ruleListResponse) check() error {
	if r.Results == nil {
		return errNoData("rules list")
	}
	for i := range r.Results {
		if r.Results[i].RuleID == "" {
			return errNoData("ruleId in a rule")
		}
	}
	return nil
}

func (r *Rule) wire(s *status) any {
	return &struct {
		*Rule
		shell[Rule]
	}{r, shell[Rule]{s, r}}
}

func (r *Rule) check() error {
	if r.RuleID == "" {
		return errNoData("ruleId")
	}
	return nil
}

func (r *reactorListResponse) wire(s *status) any {
	r.Reactions = slots.New[reactionGroup]()
	return &struct {
		*reactorListResponse
		shell[reactorListResponse]
	}{r, shell[reactorListResponse]{s, r}}
}

// check flattens the reactors of every group into one page, which may not
// hold more than a page's items in all.
func (r *reactorListResponse) check() error {
	groups, err := slots.Items(r.Reactions, "reaction group", false, func(g *reactionGroup) bool { return g.Reactors != nil })
	if err != nil {
		return err
	}
	r.items = nil
	for i := range groups {
		reactors, err := slots.Items(groups[i].Reactors, "reactor", false, func(x *Reactor) bool { return x.ReactionID != "" })
		if err != nil {
			return err
		}
		if len(r.items)+len(reactors) > MaxPageLimit {
			return fmt.Errorf("more than %d reactors in one page", MaxPageLimit)
		}
		r.items = append(r.items, reactors...)
	}
	return nil
}

func (r *addedResponse) wire(s *status) any {
	return &struct {
		*addedResponse
		shell[addedResponse]
	}{r, shell[addedResponse]{s, r}}
}

func (r *addedResponse) check() error {
	if r.AddedID == "" {
		return errNoData("addedId")
	}
	return nil
}

func (r *removedResponse) wire(s *status) any {
	return &struct {
		*removedResponse
		shell[removedResponse]
	}{r, shell[removedResponse]{s, r}}
}

func (r *removedResponse) check() error {
	if r.RemovedID == "" {
		return errNoData("removedId")
	}
	return nil
}

// UnmarshalJSON gives each group's reactors marked slots: encoding/json
// has no other hook for a nested list. The reactor query is rare, and
// the second pass over the group that an UnmarshalJSON costs is paid only
// there.
func (g *reactionGroup) UnmarshalJSON(b []byte) error {
	type plain reactionGroup // without this method
	g.Reactors = slots.New[reactorSlot]()
	return json.Unmarshal(b, (*plain)(g))
}

// mostReactedResponse is a bare JSON array, flat or as the envelope's data.
type mostReactedResponse struct {
	list  *[maxListItems]mostReactedSlot
	items []MostReactedMessage
}

// UnmarshalJSON decodes the array into marked slots. Only this rarely
// called endpoint pays for the second pass an UnmarshalJSON costs.
func (r *mostReactedResponse) UnmarshalJSON(b []byte) error {
	r.list = slots.New[mostReactedSlot]()
	return json.Unmarshal(b, r.list)
}

// wire does not embed the response: its UnmarshalJSON would be promoted
// and take over the whole body.
func (r *mostReactedResponse) wire(s *status) any { return &shell[mostReactedResponse]{s, r} }

func (r *mostReactedResponse) check() (err error) {
	r.items, err = slots.Items(r.list, "message", false, func(m *MostReactedMessage) bool { return m.MessageID != "" })
	return err
}
