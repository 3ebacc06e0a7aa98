// Moderation shows content rules and user moderation: a blacklisted word
// and a link to a host off the whitelist are refused, a whitelisted link
// passes; users are muted and unmuted, banned and unbanned in a channel
// and across the network, and a user's flags are cleared.
//
//	go run ./examples/moderation
//
// It runs against the in-process emulator unless CHATADMIN_BASE_URL and
// CHATADMIN_TOKEN point it at a live tenant. Blacklist and whitelist rules
// are tenant-wide: while this example runs on a live tenant, its whitelist
// rule makes links to every other host fail for everyone, so point it at a
// test tenant. It removes its rules and closes its channel before exiting.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
)

func main() {
	// A live tenant when CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set; an
	// in-process emulator otherwise.
	baseURL, token, emu, err := exampleenv.Target(os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	client, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(baseURL))
	if err != nil {
		log.Fatal(err)
	}
	exampleenv.Main(exampleenv.New(client, emu), run)
}

func run(ctx context.Context, env *exampleenv.Env, w io.Writer) (err error) {
	c := env.Client
	room := env.Name("moderated")
	bob, mallory := env.Name("bob"), env.Name("mallory")
	// On a live tenant the word and the host carry the run's suffix, so the
	// rules touch no real conversation and cleanup finds only this run's.
	word := env.Name("spoiler")
	host := env.Name("docs") + ".example.com"

	if _, err := c.Channels.Create(ctx, room, &chatadmin.ChannelCreateRequest{
		DisplayName: "Moderated", UserIDs: []string{bob, mallory},
	}); err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "closed channel "+room, &err, func(ctx context.Context) error {
		return c.Channels.Close(ctx, room)
	})
	fmt.Fprintf(w, "created channel %s with %s and %s\n", room, bob, mallory)

	// An exact-word rule matches the word alone, not inside longer words.
	wordRule := regexp.QuoteMeta(word)
	if err := c.Blacklist.Add(ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{wordRule}, Match: chatadmin.MatchExactWord}); err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "removed blacklist rule "+wordRule, &err, func(ctx context.Context) error {
		return removeRules(ctx, c.Blacklist, wordRule)
	})
	fmt.Fprintf(w, "blacklisted the word %q\n", word)

	hostRule := regexp.QuoteMeta(host)
	if err := c.Whitelist.Add(ctx, &chatadmin.WhitelistAddRequest{Regexs: []string{hostRule}}); err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "removed whitelist rule "+hostRule, &err, func(ctx context.Context) error {
		return removeRules(ctx, c.Whitelist, hostRule)
	})
	fmt.Fprintf(w, "whitelisted links to %s\n", host)

	send := func(text string) error {
		_, err := c.Messages.Create(ctx, room, &chatadmin.MessageCreateRequest{Text: text})
		return err
	}
	if err := expectRefused(w, "message with a blacklisted word",
		send("Big "+word+": the butler did it"), chatadmin.ErrContentRejected, chatadmin.CodeBlacklistedWord); err != nil {
		return err
	}
	if err := expectRefused(w, "link to a host off the whitelist",
		send("Read https://elsewhere.test/page"), chatadmin.ErrContentRejected, chatadmin.CodeLinkNotWhitelisted); err != nil {
		return err
	}
	if err := send("Read https://" + host + "/guide"); err != nil {
		return err
	}
	fmt.Fprintf(w, "accepted: link to %s\n", host)

	if err := c.Channels.MuteUsers(ctx, room, []string{bob}, 10*time.Minute); err != nil {
		return err
	}
	fmt.Fprintf(w, "muted %s in %s for 10m\n", bob, room)
	if err := c.Channels.UnmuteUsers(ctx, room, []string{bob}); err != nil {
		return err
	}
	fmt.Fprintf(w, "unmuted %s\n", bob)

	if err := c.Channels.BanUsers(ctx, room, []string{mallory}); err != nil {
		return err
	}
	fmt.Fprintf(w, "banned %s from %s\n", mallory, room)
	// A channel ban also keeps the user from being added back.
	if err := expectRefused(w, "adding a banned user",
		c.Channels.AddUsers(ctx, room, []string{mallory}), chatadmin.ErrBanned, chatadmin.CodeUserBanned); err != nil {
		return err
	}
	if err := c.Channels.UnbanUsers(ctx, room, []string{mallory}); err != nil {
		return err
	}
	fmt.Fprintf(w, "unbanned %s from %s\n", mallory, room)

	if err := c.Users.Ban(ctx, mallory); err != nil {
		return err
	}
	fmt.Fprintf(w, "banned %s from the whole network\n", mallory)
	if err := c.Users.Unban(ctx, mallory); err != nil {
		return err
	}
	fmt.Fprintf(w, "lifted %s's global ban\n", mallory)

	// Flags come from other users through the client SDK, which the Admin
	// API cannot do; on the emulator the example plants them instead.
	if env.Emulator != nil {
		env.Emulator.FlagUser(mallory, 3)
		fmt.Fprintf(w, "(emulator) %s was flagged 3 times\n", mallory)
	}
	u, err := c.Users.ClearFlags(ctx, mallory)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "cleared %s's flags: flag count now %d\n", u.UserID, u.FlagCount)
	return nil
}

// expectRefused checks that a step failed the way it should: with the
// sentinel family an application would branch on and the exact code.
func expectRefused(w io.Writer, what string, err, family error, code chatadmin.ErrorCode) error {
	var apiErr *chatadmin.APIError
	switch {
	case err == nil:
		return fmt.Errorf("%s: accepted, want code %v (%d)", what, code, code)
	case !errors.Is(err, family) || !errors.As(err, &apiErr) || apiErr.Code != code:
		return fmt.Errorf("%s: want code %v (%d): %w", what, code, code, err)
	}
	fmt.Fprintf(w, "refused as expected: %s (code %d, %q)\n", what, apiErr.Code, apiErr.Message)
	return nil
}

// ruleList is what the blacklist and the whitelist have in common.
type ruleList interface {
	List(ctx context.Context, opts *chatadmin.RuleListOptions, reqOpts ...chatadmin.RequestOption) ([]chatadmin.Rule, error)
	Delete(ctx context.Context, ruleIDs []string, reqOpts ...chatadmin.RequestOption) error
}

// removeRules deletes the rules with pattern regex. Adding a rule returns
// no id, so the list is the way to find it.
func removeRules(ctx context.Context, rules ruleList, regex string) error {
	found, err := rules.List(ctx, &chatadmin.RuleListOptions{Regexs: []string{regex}})
	if err != nil {
		return err
	}
	var ids []string
	for _, r := range found {
		ids = append(ids, r.RuleID)
	}
	if len(ids) == 0 {
		return fmt.Errorf("no rule with pattern %q", regex)
	}
	return rules.Delete(ctx, ids)
}
