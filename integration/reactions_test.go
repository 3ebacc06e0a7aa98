package integration_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

var reactionScenarios = []scenarioFunc{
	{name: "Reactions/Lifecycle", run: reactionsLifecycle},
	{name: "Reactions/ReactorPaging", run: reactionsReactorPaging},
	{name: "Reactions/MostReacted", run: reactionsMostReacted},
}

var authScenarios = []scenarioFunc{
	{name: "Auth/WrongToken", run: authWrongToken},
}

func TestIntegrationReactions(t *testing.T) { runGroup(t, reactionScenarios) }

func TestIntegrationAuth(t *testing.T) { runGroup(t, authScenarios) }

// react adds the admin's reaction name to a message and returns its id.
func (it *env) react(t *testing.T, messageID, name string) string {
	t.Helper()
	id, err := it.Client.Reactions.Create(it.Ctx, messageID, name)
	mustOK(t, "Reactions.Create "+name, err)
	if id == "" {
		t.Errorf("Reactions.Create %s returned no addedId", name)
	}
	return id
}

// reactors lists a message's reactors through All.
func (it *env) reactors(t *testing.T, messageID string, opts *chatadmin.ReactionListOptions) []chatadmin.Reactor {
	t.Helper()
	var out []chatadmin.Reactor
	for r, err := range it.Client.Reactions.All(it.Ctx, messageID, opts) {
		mustOK(t, "Reactions.All", err)
		out = append(out, r)
	}
	return out
}

// reactions returns a message's reaction counts as Get shows them.
func (it *env) reactions(t *testing.T, messageID string) (map[string]int, int) {
	t.Helper()
	res, err := it.Client.Messages.Get(it.Ctx, messageID)
	mustOK(t, "Messages.Get", err)
	return res.Message.Reactions, res.Message.ReactionsCount
}

func reactionsLifecycle(t *testing.T, it *env) {
	room := it.ID("room")
	admin := it.createChannel(t, room, it.ID("tag")).ChannelUser.UserID
	msgs := it.postMany(t, room, "react", 2)
	m1, m2 := msgs[0].MessageID, msgs[1].MessageID

	likeID := it.react(t, m1, "like")
	loveID := it.react(t, m1, "love")
	if counts, total := it.reactions(t, m1); !maps.Equal(counts, map[string]int{"like": 1, "love": 1}) || total != 2 {
		t.Errorf("after two reactions m1 shows %v (total %d)", counts, total)
	}
	if counts, total := it.reactions(t, m2); len(counts) != 0 || total != 0 {
		t.Errorf("m2 got reactions it was not given: %v (total %d)", counts, total)
	}

	rs := it.reactors(t, m1, nil)
	if len(rs) != 2 || rs[0].ReactionID != likeID || rs[0].ReactionName != "like" || rs[1].ReactionID != loveID ||
		rs[1].ReactionName != "love" || rs[0].UserID != admin {
		t.Errorf("reactors of m1 = %+v", rs)
	}
	if rs := it.reactors(t, m1, &chatadmin.ReactionListOptions{ReactionName: "love"}); len(rs) != 1 || rs[0].ReactionID != loveID {
		t.Errorf("reactors named love = %+v", rs)
	}

	_, err := it.Client.Reactions.Create(it.Ctx, m1, "like")
	it.wantAPIError(t, "the same reaction twice", err, chatadmin.CodeDuplicate, chatadmin.ErrConflict)

	removed, err := it.Client.Reactions.Delete(it.Ctx, m1, "like")
	mustOK(t, "Reactions.Delete", err)
	if removed != likeID {
		t.Errorf("Delete returned removedId %q, want %q", removed, likeID)
	}
	if counts, total := it.reactions(t, m1); !maps.Equal(counts, map[string]int{"love": 1}) || total != 1 {
		t.Errorf("after Delete m1 shows %v (total %d)", counts, total)
	}
	if rs := it.reactors(t, m1, nil); len(rs) != 1 || rs[0].ReactionName != "love" {
		t.Errorf("after Delete the reactors are %+v", rs)
	}
	_, err = it.Client.Reactions.Delete(it.Ctx, m1, "like")
	it.wantAPIError(t, "Delete of a removed reaction", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	// Once removed, the reaction can be given again.
	it.react(t, m1, "like")

	mustOK(t, "Messages.Delete", it.Client.Messages.Delete(it.Ctx, m2))
	_, err = it.Client.Reactions.Create(it.Ctx, m2, "like")
	it.wantAPIError(t, "reaction to a deleted message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)
	_, err = it.Client.Reactions.List(it.Ctx, m2, nil)
	it.wantAPIError(t, "reactors of a deleted message", err, chatadmin.CodeNotFound, chatadmin.ErrNotFound)

	it.wantInvalid(t, "Create without a name", "reactionName", func() error {
		_, err := it.Client.Reactions.Create(it.Ctx, m1, "")
		return err
	})
	it.wantInvalid(t, "Delete without a reference", "referenceId", func() error {
		_, err := it.Client.Reactions.Delete(it.Ctx, "", "like")
		return err
	})
}

func reactionsReactorPaging(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))
	msg := it.postMany(t, room, "popular", 1)[0].MessageID
	var want []string
	for i := range 7 {
		want = append(want, it.react(t, msg, fmt.Sprintf("r%d", i)))
	}

	var sizes []int
	var got []string
	var firstNext string
	for page, err := range it.Client.Reactions.Pages(it.Ctx, msg, &chatadmin.ReactionListOptions{Limit: 3}) {
		mustOK(t, "Reactions.Pages", err)
		if len(sizes) == 0 {
			firstNext = page.Next
		}
		sizes = append(sizes, len(page.Items))
		for _, r := range page.Items {
			got = append(got, r.ReactionID)
		}
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || !slices.Equal(got, want) {
		t.Errorf("reactor pages %v = %q, want [3 3 1] of %q", sizes, got, want)
	}
	var all []string
	for _, r := range it.reactors(t, msg, &chatadmin.ReactionListOptions{Limit: 2}) {
		all = append(all, r.ReactionID)
	}
	if !slices.Equal(all, want) {
		t.Errorf("All reactors = %q, want %q", all, want)
	}
	var rest []string
	for _, r := range it.reactors(t, msg, &chatadmin.ReactionListOptions{Token: firstNext}) {
		rest = append(rest, r.ReactionID)
	}
	if !slices.Equal(rest, want[3:]) {
		t.Errorf("reactors resumed from the first Next = %q, want %q", rest, want[3:])
	}
	page, err := it.Client.Reactions.List(it.Ctx, msg, &chatadmin.ReactionListOptions{Skip: 5, Limit: 10})
	mustOK(t, "Reactions.List skip", err)
	if len(page.Items) != 2 || page.Items[0].ReactionID != want[5] || page.Next != "" {
		t.Errorf("skip 5: %+v", page)
	}

	if !it.live() {
		tokens := 0
		for _, r := range it.Srv.Requests() {
			if r.Route == "GET /api/v2/reactions" && strings.Contains(r.RawQuery, "options%5Btoken%5D=") {
				tokens++
			}
		}
		if tokens < 4 {
			t.Errorf("only %d reactor queries carried options[token]", tokens)
		}
	}
	it.wantInvalid(t, "List with limit 101", "options.limit", func() error {
		_, err := it.Client.Reactions.List(it.Ctx, msg, &chatadmin.ReactionListOptions{Limit: 101})
		return err
	})
}

func reactionsMostReacted(t *testing.T, it *env) {
	room, other := it.ID("room"), it.ID("other")
	it.createChannel(t, room, it.ID("tag"))
	it.createChannel(t, other, it.ID("tag"))
	msgs := it.postMany(t, room, "most", 3)
	elsewhere := it.postMany(t, other, "elsewhere", 1)[0]
	like, love := it.ID("like"), it.ID("love")

	for _, m := range []*chatadmin.Message{msgs[0], msgs[2], elsewhere} {
		it.react(t, m.MessageID, like)
	}
	it.react(t, msgs[1].MessageID, love)
	it.react(t, msgs[2].MessageID, love)

	most := func(name string, limit int) []string {
		t.Helper()
		var opts *chatadmin.MostReactedOptions
		if limit > 0 {
			opts = &chatadmin.MostReactedOptions{Limit: limit}
		}
		got, err := it.Client.Reactions.MostReacted(it.Ctx, name, opts)
		mustOK(t, "MostReacted "+name, err)
		var out []string
		for _, m := range got {
			if m.ReactionsCount != 1 {
				t.Errorf("MostReacted %s: %s has count %d, want 1", name, m.MessageID, m.ReactionsCount)
			}
			out = append(out, m.MessageID)
		}
		return out
	}
	// Every reaction is the admin's, so counts tie at 1 and ties keep
	// creation order.
	if got, want := most(like, 0), []string{msgs[0].MessageID, msgs[2].MessageID, elsewhere.MessageID}; !slices.Equal(got, want) {
		t.Errorf("MostReacted(like) = %q, want %q", got, want)
	}
	if got, want := most(like, 2), []string{msgs[0].MessageID, msgs[2].MessageID}; !slices.Equal(got, want) {
		t.Errorf("MostReacted(like, limit 2) = %q, want %q", got, want)
	}
	if got, want := most(love, 0), []string{msgs[1].MessageID, msgs[2].MessageID}; !slices.Equal(got, want) {
		t.Errorf("MostReacted(love) = %q, want %q", got, want)
	}

	// Removing a reaction, deleting a message or closing its channel takes
	// it off the list.
	_, err := it.Client.Reactions.Delete(it.Ctx, msgs[0].MessageID, like)
	mustOK(t, "Reactions.Delete", err)
	mustOK(t, "Messages.Delete", it.Client.Messages.Delete(it.Ctx, msgs[1].MessageID))
	mustOK(t, "Channels.Close", it.Client.Channels.Close(it.Ctx, other))
	if got, want := most(like, 0), []string{msgs[2].MessageID}; !slices.Equal(got, want) {
		t.Errorf("MostReacted(like) after removals = %q, want %q", got, want)
	}
	if got, want := most(love, 0), []string{msgs[2].MessageID}; !slices.Equal(got, want) {
		t.Errorf("MostReacted(love) after deleting a message = %q, want %q", got, want)
	}
	if got := most(it.ID("nobody-used-this"), 0); len(got) != 0 {
		t.Errorf("MostReacted of an unused name = %q", got)
	}
	it.wantInvalid(t, "MostReacted without a name", "reactionName", func() error {
		_, err := it.Client.Reactions.MostReacted(it.Ctx, "", nil)
		return err
	})
}

func authWrongToken(t *testing.T, it *env) {
	const wrong = "integ-wrong-token-3f9c"
	bad := it.newClient(t, wrong, chatadmin.WithMaxAttempts(1))

	_, err := bad.Channels.List(it.Ctx, nil)
	apiErr := it.wantAPIError(t, "a query with a wrong token", err, chatadmin.CodeUnauthorized, chatadmin.ErrUnauthorized)
	if apiErr.StatusCode != 401 {
		t.Errorf("status = %d, want 401", apiErr.StatusCode)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(string(apiErr.Body), wrong) {
		t.Errorf("the error carries the token: %v", err)
	}
	err = bad.Channels.BanUsers(it.Ctx, it.ID("room"), []string{"x"})
	it.wantAPIError(t, "an action with a wrong token", err, chatadmin.CodeUnauthorized, chatadmin.ErrUnauthorized)
	_, err = bad.Messages.GetFile(it.Ctx, it.ID("000000000000000000000000"))
	it.wantAPIError(t, "a download with a wrong token", err, chatadmin.CodeUnauthorized, chatadmin.ErrUnauthorized)

	// The right token still works.
	_, err = it.Client.Channels.List(it.Ctx, &chatadmin.ChannelListOptions{Limit: 1})
	mustOK(t, "a query with the right token", err)

	if !it.live() {
		for _, r := range it.Srv.Requests() {
			if auth := r.Header.Get("Authorization"); auth != "Bearer <redacted>" {
				t.Errorf("%s %s: Authorization %q, want a bearer token", r.Method, r.Path, auth)
			}
		}
	}
}
