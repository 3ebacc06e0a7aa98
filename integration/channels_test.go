package integration_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

var channelScenarios = []scenarioFunc{
	{name: "Channels/CreateAndQuery", run: channelsCreateAndQuery},
	{name: "Channels/Membership", run: channelsMembership},
	{name: "Channels/Ban", run: channelsBan},
	{name: "Channels/MuteChannel", run: channelsMuteChannel},
	{name: "Channels/MuteUsers", run: channelsMuteUsers},
	{name: "Channels/MuteExpiry", emulatorOnly: true, run: channelsMuteExpiry},
	{name: "Channels/Close", run: channelsClose},
}

func TestIntegrationChannels(t *testing.T) { runGroup(t, channelScenarios) }

// createChannel creates a channel tagged with tag (so that queries can find
// it on a busy live tenant) and closes it at the end of a live run.
func (it *env) createChannel(t *testing.T, id, tag string, userIDs ...string) *chatadmin.ChannelResult {
	t.Helper()
	res, err := it.Client.Channels.Create(it.Ctx, id, &chatadmin.ChannelCreateRequest{
		DisplayName: "Room " + id, Tags: []string{tag}, UserIDs: userIDs,
	})
	mustOK(t, "Channels.Create "+id, err)
	it.cleanup(t, "close channel "+id, func(ctx context.Context) error {
		return it.Client.Channels.Close(ctx, id)
	})
	return res
}

// channels lists every channel the options select, through All.
func (it *env) channels(t *testing.T, opts *chatadmin.ChannelListOptions) map[string]chatadmin.ChannelResult {
	t.Helper()
	out := map[string]chatadmin.ChannelResult{}
	for r, err := range it.Client.Channels.All(it.Ctx, opts) {
		mustOK(t, "Channels.All", err)
		if _, dup := out[r.Channel.ChannelID]; dup {
			t.Errorf("Channels.All returned %q twice", r.Channel.ChannelID)
		}
		out[r.Channel.ChannelID] = r
	}
	return out
}

// channel returns a channel as a tag query shows it, failing if absent.
func (it *env) channel(t *testing.T, id, tag string) chatadmin.ChannelResult {
	t.Helper()
	r, ok := it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag}})[id]
	if !ok {
		t.Fatalf("channel %q is not in the query for tag %q", id, tag)
	}
	if r.Channel == nil || r.ChannelUser == nil {
		t.Fatalf("channel %q: result lacks channel or channelUser: %+v", id, r)
	}
	return r
}

// isMember reports whether a channel query filtered on userID's membership
// lists the channel.
func (it *env) isMember(t *testing.T, channelID, tag, userID string) bool {
	t.Helper()
	member := it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag}, UserID: userID, Filter: chatadmin.ChannelFilterMember})
	notMember := it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag}, UserID: userID, Filter: chatadmin.ChannelFilterNotMember})
	_, in := member[channelID]
	_, out := notMember[channelID]
	if in == out {
		t.Fatalf("channel %q is in both or neither of the member/notMember queries for %q", channelID, userID)
	}
	return in
}

// post creates a text message and returns it or the error.
func (it *env) post(channelID, text string) (*chatadmin.Message, error) {
	return it.Client.Messages.Create(it.Ctx, channelID, &chatadmin.MessageCreateRequest{Text: text})
}

func channelsCreateAndQuery(t *testing.T, it *env) {
	tag, other := it.ID("tag-a"), it.ID("tag-b")
	lobby := it.ID("lobby")
	res, err := it.Client.Channels.Create(it.Ctx, lobby, &chatadmin.ChannelCreateRequest{
		DisplayName: "Lobby", Tags: []string{tag, other},
		Metadata: chatadmin.Metadata{"topic": "general", "limits": map[string]any{"max": "5"}},
		UserIDs:  []string{it.ID("alice"), it.ID("bob")},
	})
	mustOK(t, "Channels.Create", err)
	it.cleanup(t, "close lobby", func(ctx context.Context) error { return it.Client.Channels.Close(ctx, lobby) })
	ch, cu := res.Channel, res.ChannelUser
	if ch == nil || cu == nil {
		t.Fatalf("Create: result lacks channel or channelUser: %+v", res)
	}
	if ch.ChannelID != lobby || ch.Type != "standard" || ch.DisplayName != "Lobby" {
		t.Errorf("Create: channel = %+v", ch)
	}
	if !slices.Equal(ch.Tags, []string{tag, other}) {
		t.Errorf("Create: tags = %q", ch.Tags)
	}
	wantMeta := chatadmin.Metadata{"topic": "general", "limits": map[string]any{"max": "5"}}
	if !reflect.DeepEqual(ch.Metadata, wantMeta) {
		t.Errorf("Create: metadata = %#v, want %#v", ch.Metadata, wantMeta)
	}
	if ch.MemberCount != 3 {
		t.Errorf("Create: memberCount = %d, want 3 (admin, alice, bob)", ch.MemberCount)
	}
	if cu.Membership != chatadmin.MembershipMember || cu.ChannelID != lobby || cu.IsBanned {
		t.Errorf("Create: channelUser = %+v, want the admin as a member", cu)
	}
	if !it.live() && cu.UserID != it.Srv.AdminUserID() {
		t.Errorf("Create: channelUser.userId = %q, want the admin %q", cu.UserID, it.Srv.AdminUserID())
	}

	_, err = it.Client.Channels.Create(it.Ctx, lobby, nil)
	it.wantAPIError(t, "Create of an existing channelId", err, chatadmin.CodeConflict, chatadmin.ErrConflict)

	// Two more channels: one with the first tag only, one with the second.
	second, third := it.ID("second"), it.ID("third")
	it.createChannel(t, second, tag)
	it.createChannel(t, third, other, it.ID("carol"))

	keys := func(m map[string]chatadmin.ChannelResult) []string { return slices.Sorted(maps.Keys(m)) }
	got := keys(it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag}}))
	if want := slices.Sorted(slices.Values([]string{lobby, second})); !slices.Equal(got, want) {
		t.Errorf("query tags=[%s] = %q, want %q", tag, got, want)
	}
	got = keys(it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag, other}, ExcludeTags: []string{other}}))
	if want := []string{second}; !slices.Equal(got, want) {
		t.Errorf("query excludeTags = %q, want %q", got, want)
	}
	got = keys(it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag, other}, UserID: it.ID("carol"), Filter: chatadmin.ChannelFilterMember}))
	if want := []string{third}; !slices.Equal(got, want) {
		t.Errorf("query userId=carol filter=member = %q, want %q", got, want)
	}
	got = keys(it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag, other}, UserID: it.ID("carol"), Filter: chatadmin.ChannelFilterNotMember}))
	if want := slices.Sorted(slices.Values([]string{lobby, second})); !slices.Equal(got, want) {
		t.Errorf("query userId=carol filter=notMember = %q, want %q", got, want)
	}

	// Token paging: one channel per page, every channel once, in creation
	// order, with the page tokens chaining.
	var order []string
	pages := 0
	for page, err := range it.Client.Channels.Pages(it.Ctx, &chatadmin.ChannelListOptions{Tags: []string{tag, other}, Limit: 1}) {
		mustOK(t, "Channels.Pages", err)
		pages++
		if len(page.Items) != 1 {
			t.Fatalf("page %d has %d channels, want 1", pages, len(page.Items))
		}
		if pages > 1 && page.Previous == "" {
			t.Errorf("page %d has no previous token", pages)
		}
		order = append(order, page.Items[0].Channel.ChannelID)
	}
	if want := []string{lobby, second, third}; !slices.Equal(order, want) {
		t.Errorf("paged channels = %q in %d pages, want %q", order, pages, want)
	}

	renamed, err := it.Client.Channels.UpdateDisplayName(it.Ctx, lobby, "Main hall")
	mustOK(t, "UpdateDisplayName", err)
	if renamed.ChannelID != lobby || renamed.DisplayName != "Main hall" {
		t.Errorf("UpdateDisplayName returned %+v", renamed)
	}
	if got := it.channel(t, lobby, tag).Channel.DisplayName; got != "Main hall" {
		t.Errorf("after UpdateDisplayName the query shows %q", got)
	}
	_, err = it.Client.Channels.UpdateDisplayName(it.Ctx, it.ID("no-such-channel"), "x")
	it.wantAPIError(t, "UpdateDisplayName of an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	it.wantInvalid(t, "Create without channelId", "channelId", func() error {
		_, err := it.Client.Channels.Create(it.Ctx, "", &chatadmin.ChannelCreateRequest{DisplayName: "x"})
		return err
	})
	it.wantInvalid(t, "List with an unknown filter", "filter", func() error {
		_, err := it.Client.Channels.List(it.Ctx, &chatadmin.ChannelListOptions{Filter: "everyone"})
		return err
	})
}

func channelsMembership(t *testing.T, it *env) {
	tag := it.ID("tag")
	// An id with a slash, a space and query characters must stay one path
	// segment through AddUsers/RemoveUsers.
	room := it.ID("team/a b?c#d")
	alice, bob, carol := it.ID("alice"), it.ID("bob"), it.ID("carol")
	it.createChannel(t, room, tag, alice)

	mustOK(t, "AddUsers", it.Client.Channels.AddUsers(it.Ctx, room, []string{bob, carol}))
	for _, u := range []string{alice, bob, carol} {
		if !it.isMember(t, room, tag, u) {
			t.Errorf("after AddUsers %q is not a member", u)
		}
	}
	if n := it.channel(t, room, tag).Channel.MemberCount; n != 4 {
		t.Errorf("memberCount = %d after AddUsers, want 4", n)
	}
	// Adding a member again changes nothing.
	mustOK(t, "AddUsers again", it.Client.Channels.AddUsers(it.Ctx, room, []string{bob}))

	mustOK(t, "RemoveUsers", it.Client.Channels.RemoveUsers(it.Ctx, room, []string{bob}))
	if it.isMember(t, room, tag, bob) {
		t.Errorf("after RemoveUsers %q is still a member", bob)
	}
	if !it.isMember(t, room, tag, carol) {
		t.Errorf("RemoveUsers of bob removed %q too", carol)
	}
	if n := it.channel(t, room, tag).Channel.MemberCount; n != 3 {
		t.Errorf("memberCount = %d after RemoveUsers, want 3", n)
	}

	if !it.live() {
		for _, r := range it.Srv.Requests() {
			if strings.HasSuffix(r.Route, "/:channelId/users") && !strings.Contains(r.Path, "team%2Fa%20b%3Fc%23d") {
				t.Errorf("%s %s: the channel id was not escaped into one segment", r.Method, r.Path)
			}
		}
	}

	err := it.Client.Channels.AddUsers(it.Ctx, it.ID("no-such-channel"), []string{bob})
	it.wantAPIError(t, "AddUsers to an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "AddUsers without users", "userIds", func() error {
		return it.Client.Channels.AddUsers(it.Ctx, room, nil)
	})
	it.wantInvalid(t, "RemoveUsers without channel", "channelId", func() error {
		return it.Client.Channels.RemoveUsers(it.Ctx, "", []string{bob})
	})
}

func channelsBan(t *testing.T, it *env) {
	tag := it.ID("tag")
	room := it.ID("room")
	alice, bob := it.ID("alice"), it.ID("bob")
	res := it.createChannel(t, room, tag, alice, bob)
	admin := res.ChannelUser.UserID

	mustOK(t, "BanUsers", it.Client.Channels.BanUsers(it.Ctx, room, []string{bob}))
	if it.isMember(t, room, tag, bob) {
		t.Errorf("banned %q is still a member", bob)
	}
	if n := it.channel(t, room, tag).Channel.MemberCount; n != 2 {
		t.Errorf("memberCount = %d after the ban, want 2", n)
	}

	err := it.Client.Channels.UnbanUsers(it.Ctx, room, []string{alice})
	it.wantAPIError(t, "UnbanUsers of a user who is not banned", err, chatadmin.CodeNotBanned, chatadmin.ErrBadRequest)

	mustOK(t, "UnbanUsers", it.Client.Channels.UnbanUsers(it.Ctx, room, []string{bob}))
	if it.isMember(t, room, tag, bob) {
		t.Errorf("unbanned %q became a member again; unban should leave the user out", bob)
	}
	mustOK(t, "AddUsers after unban", it.Client.Channels.AddUsers(it.Ctx, room, []string{bob}))
	if !it.isMember(t, room, tag, bob) {
		t.Errorf("%q is not a member after unban + AddUsers", bob)
	}
	err = it.Client.Channels.UnbanUsers(it.Ctx, room, []string{bob})
	it.wantAPIError(t, "UnbanUsers twice", err, chatadmin.CodeNotBanned, chatadmin.ErrBadRequest)

	it.wantInvalid(t, "BanUsers of 101 users", "userIds", func() error {
		ids := make([]string, chatadmin.MaxUserIDs+1)
		for i := range ids {
			ids[i] = fmt.Sprintf("u%d", i)
		}
		return it.Client.Channels.BanUsers(it.Ctx, room, ids)
	})

	// The emulator's guesses: a banned user cannot be added back, and the
	// query's channelUser (the admin's membership) shows the admin's own
	// ban, which stops the admin from posting.
	it.emulatorOnly(t, "adding banned users and banning the admin follow emulator guesses")
	mustOK(t, "BanUsers again", it.Client.Channels.BanUsers(it.Ctx, room, []string{bob}))
	err = it.Client.Channels.AddUsers(it.Ctx, room, []string{bob})
	it.wantAPIError(t, "AddUsers of a banned user", err, chatadmin.CodeUserBanned, chatadmin.ErrBanned)

	mustOK(t, "BanUsers admin", it.Client.Channels.BanUsers(it.Ctx, room, []string{admin}))
	cu := it.channel(t, room, tag).ChannelUser
	if cu.UserID != admin || cu.Membership != chatadmin.MembershipBanned || !cu.IsBanned {
		t.Errorf("after banning the admin the query shows channelUser %+v, want membership banned, isBanned", cu)
	}
	_, err = it.post(room, "hello?")
	it.wantAPIError(t, "message by a banned admin", err, chatadmin.CodeUserBanned, chatadmin.ErrBanned)

	mustOK(t, "UnbanUsers admin", it.Client.Channels.UnbanUsers(it.Ctx, room, []string{admin}))
	cu = it.channel(t, room, tag).ChannelUser
	if cu.Membership != chatadmin.MembershipNone || cu.IsBanned {
		t.Errorf("after unbanning the admin channelUser = %+v, want membership none", cu)
	}
	mustOK(t, "AddUsers admin", it.Client.Channels.AddUsers(it.Ctx, room, []string{admin}))
	if cu := it.channel(t, room, tag).ChannelUser; cu.Membership != chatadmin.MembershipMember {
		t.Errorf("after re-adding the admin membership = %q", cu.Membership)
	}
	_, err = it.post(room, "back again")
	mustOK(t, "message after unban", err)
}

// nearly reports whether got is within a few seconds of want.
func nearly(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -5*time.Second && d < 5*time.Second
}

func channelsMuteChannel(t *testing.T, it *env) {
	tag := it.ID("tag")
	room := it.ID("room")
	it.createChannel(t, room, tag)
	if it.channel(t, room, tag).Channel.IsMuted {
		t.Fatal("a new channel is muted")
	}

	mustOK(t, "Mute", it.Client.Channels.Mute(it.Ctx, room, 10*time.Minute))
	ch := it.channel(t, room, tag).Channel
	if !ch.IsMuted {
		t.Error("after Mute the channel is not muted")
	}
	if want := it.now().Add(10 * time.Minute); !nearly(ch.MuteTimeout.Time, want) {
		t.Errorf("muteTimeout = %v, want about %v", ch.MuteTimeout.Time, want)
	}
	_, err := it.post(room, "anyone here?")
	it.wantAPIError(t, "message in a muted channel", err, chatadmin.CodeChannelMuted, chatadmin.ErrMuted)

	mustOK(t, "Unmute", it.Client.Channels.Unmute(it.Ctx, room))
	if it.channel(t, room, tag).Channel.IsMuted {
		t.Error("after Unmute the channel is still muted")
	}
	_, err = it.post(room, "now it works")
	mustOK(t, "message after Unmute", err)

	mustOK(t, "Mute forever", it.Client.Channels.Mute(it.Ctx, room, chatadmin.MuteForever))
	ch = it.channel(t, room, tag).Channel
	if !ch.IsMuted {
		t.Error("after Mute(MuteForever) the channel is not muted")
	}
	if !it.live() && ch.MuteTimeout.Year() != 9999 {
		t.Errorf("forever muteTimeout = %v, want year 9999", ch.MuteTimeout.Time)
	}
	mustOK(t, "Unmute after forever", it.Client.Channels.Unmute(it.Ctx, room))
	if it.channel(t, room, tag).Channel.IsMuted {
		t.Error("Unmute did not lift a MuteForever mute")
	}

	if !it.live() {
		// The wire values behind Mute, MuteForever and Unmute.
		var periods []string
		for _, r := range it.Srv.Requests() {
			if r.Route == "PUT /api/v2/channel/:channelId/mute" {
				periods = append(periods, string(r.Body))
			}
		}
		want := []string{`{"mutePeriod":600000}`, `{"mutePeriod":0}`, `{"mutePeriod":-1}`, `{"mutePeriod":0}`}
		if !slices.Equal(periods, want) {
			t.Errorf("mute bodies = %q, want %q", periods, want)
		}
	}

	err = it.Client.Channels.Mute(it.Ctx, it.ID("no-such-channel"), time.Minute)
	it.wantAPIError(t, "Mute of an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "Mute for 0", "mutePeriod", func() error { return it.Client.Channels.Mute(it.Ctx, room, 0) })
}

func channelsMuteUsers(t *testing.T, it *env) {
	tag := it.ID("tag")
	room := it.ID("room")
	alice := it.ID("alice")
	res := it.createChannel(t, room, tag, alice)
	admin := res.ChannelUser.UserID

	// Muting a non-member is allowed; it does not change the admin.
	mustOK(t, "MuteUsers alice", it.Client.Channels.MuteUsers(it.Ctx, room, []string{alice, it.ID("stranger")}, time.Hour))
	if it.channel(t, room, tag).ChannelUser.IsMuted {
		t.Error("muting alice muted the admin")
	}

	mustOK(t, "MuteUsers admin", it.Client.Channels.MuteUsers(it.Ctx, room, []string{admin}, 5*time.Minute))
	cu := it.channel(t, room, tag).ChannelUser
	if !cu.IsMuted {
		t.Error("after MuteUsers the admin's channelUser is not muted")
	}
	if want := it.now().Add(5 * time.Minute); !nearly(cu.MuteTimeout.Time, want) {
		t.Errorf("channelUser muteTimeout = %v, want about %v", cu.MuteTimeout.Time, want)
	}
	if it.channel(t, room, tag).Channel.IsMuted {
		t.Error("muting a user muted the whole channel")
	}
	_, err := it.post(room, "can I talk?")
	it.wantAPIError(t, "message by a muted admin", err, chatadmin.CodeUserMuted, chatadmin.ErrMuted)

	mustOK(t, "UnmuteUsers", it.Client.Channels.UnmuteUsers(it.Ctx, room, []string{admin}))
	if it.channel(t, room, tag).ChannelUser.IsMuted {
		t.Error("after UnmuteUsers the admin is still muted")
	}
	_, err = it.post(room, "yes")
	mustOK(t, "message after UnmuteUsers", err)

	err = it.Client.Channels.MuteUsers(it.Ctx, it.ID("no-such-channel"), []string{alice}, time.Minute)
	it.wantAPIError(t, "MuteUsers in an unknown channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	it.wantInvalid(t, "MuteUsers for a negative period", "mutePeriod", func() error {
		return it.Client.Channels.MuteUsers(it.Ctx, room, []string{alice}, -time.Hour)
	})
	it.wantInvalid(t, "UnmuteUsers without users", "userIds", func() error {
		return it.Client.Channels.UnmuteUsers(it.Ctx, room, []string{})
	})
}

func channelsMuteExpiry(t *testing.T, it *env) {
	tag := it.ID("tag")
	room := it.ID("room")
	admin := it.createChannel(t, room, tag).ChannelUser.UserID

	mustOK(t, "Mute", it.Client.Channels.Mute(it.Ctx, room, time.Minute))
	it.advance(t, 50*time.Second)
	if !it.channel(t, room, tag).Channel.IsMuted {
		t.Fatal("the channel mute ended before its period")
	}
	_, err := it.post(room, "too early")
	it.wantAPIError(t, "message before the mute expires", err, chatadmin.CodeChannelMuted, chatadmin.ErrMuted)
	it.advance(t, 11*time.Second)
	if it.channel(t, room, tag).Channel.IsMuted {
		t.Error("the channel is still muted after its period")
	}
	_, err = it.post(room, "the mute expired")
	mustOK(t, "message after the channel mute expired", err)

	// A sub-millisecond period rounds up to 1 ms instead of unmuting.
	mustOK(t, "MuteUsers", it.Client.Channels.MuteUsers(it.Ctx, room, []string{admin}, 30*time.Second+time.Microsecond))
	if !it.channel(t, room, tag).ChannelUser.IsMuted {
		t.Fatal("MuteUsers did not mute")
	}
	it.advance(t, 30*time.Second)
	if !it.channel(t, room, tag).ChannelUser.IsMuted {
		t.Error("the user mute ended early: 30s+1µs should be sent as 30001 ms")
	}
	it.advance(t, 2*time.Millisecond)
	if it.channel(t, room, tag).ChannelUser.IsMuted {
		t.Error("the user is still muted after the period")
	}
	_, err = it.post(room, "the user mute expired")
	mustOK(t, "message after the user mute expired", err)
}

func channelsClose(t *testing.T, it *env) {
	tag := it.ID("tag")
	room, keep := it.ID("room"), it.ID("keep")
	it.createChannel(t, room, tag, it.ID("alice"))
	it.createChannel(t, keep, tag)
	m1, err := it.post(room, "first")
	mustOK(t, "post", err)
	m2, err := it.post(room, "second")
	mustOK(t, "post", err)
	kept, err := it.post(keep, "unaffected")
	mustOK(t, "post", err)

	mustOK(t, "Close", it.Client.Channels.Close(it.Ctx, room))

	for _, m := range []*chatadmin.Message{m1, m2} {
		_, err := it.Client.Messages.Get(it.Ctx, m.MessageID)
		it.wantAPIError(t, "Get of a closed channel's message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	}
	if _, err := it.Client.Messages.Get(it.Ctx, kept.MessageID); err != nil {
		t.Errorf("closing one channel deleted another's message: %v", err)
	}
	if got := it.channels(t, &chatadmin.ChannelListOptions{Tags: []string{tag}}); len(got) != 1 || got[keep].Channel == nil {
		t.Errorf("after Close the query shows %q, want only %q", slices.Collect(maps.Keys(got)), keep)
	}
	_, err = it.Client.Messages.List(it.Ctx, room, nil)
	it.wantAPIError(t, "message query of a closed channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.post(room, "hello?")
	it.wantAPIError(t, "message to a closed channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.Client.Channels.UpdateDisplayName(it.Ctx, room, "Reopened")
	it.wantAPIError(t, "rename of a closed channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	err = it.Client.Channels.AddUsers(it.Ctx, room, []string{it.ID("bob")})
	it.wantAPIError(t, "AddUsers to a closed channel", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	err = it.Client.Channels.Close(it.Ctx, room)
	it.wantAPIError(t, "Close twice", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	it.emulatorOnly(t, "reusing a closed channel's id is an emulator guess")
	_, err = it.Client.Channels.Create(it.Ctx, room, nil)
	it.wantAPIError(t, "Create with a closed channel's id", err, chatadmin.CodeConflict, chatadmin.ErrConflict)
}
