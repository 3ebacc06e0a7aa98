package bulk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"

	"github.com/chatadmin/chatadmin-go"
)

// The helpers below run calls that are not safe to repeat, and so are not
// Idempotent jobs: an item whose outcome an earlier run did not learn is
// never sent blindly again. Each sets Job.Reconcile where the API can tell
// whether the call took effect, so a resumed run settles such items itself.

// unsafeJob builds the Job of a helper whose calls are not safe to repeat.
func unsafeJob[T any](name string, o *Options, key func(T) string, do func(context.Context, T) error,
	reconcile func(context.Context, T) (bool, error)) *Job[T] {
	// A gateway's 502 or 504 to these calls is already ErrOutcomeUnknown
	// (the SDK's retry policy), so such an item is reconciled, not failed.
	j := &Job[T]{Name: name, Key: key, Reconcile: reconcile,
		Do: func(ctx context.Context, items []T) error { return do(ctx, items[0]) }}
	withOptions(j, o, func(r Result[T]) string { return r.Key })
	return j
}

// ChannelCreate is one channel of CreateChannels.
type ChannelCreate struct {
	ChannelID string // chosen by the caller: the item's key
	Request   *chatadmin.ChannelCreateRequest
}

// CreateChannels creates each channel ("channels.create"). A channel whose
// create an earlier run sent without an answer is settled by creating it
// again: the server refuses an id that exists (chatadmin.ErrConflict),
// which then means the earlier create took effect.
func CreateChannels(ctx context.Context, c *chatadmin.Client, items Items[ChannelCreate], o *Options) (*Summary[ChannelCreate], error) {
	create := func(ctx context.Context, ch ChannelCreate) error {
		_, err := c.Channels.Create(ctx, ch.ChannelID, ch.Request)
		return err
	}
	return unsafeJob("channels.create", o, func(ch ChannelCreate) string { return ch.ChannelID }, create,
		func(ctx context.Context, ch ChannelCreate) (bool, error) {
			switch err := create(ctx, ch); {
			case err == nil, errors.Is(err, chatadmin.ErrConflict):
				return true, nil
			default:
				return false, err
			}
		}).Run(ctx, items)
}

// MessageCreate is one message of CreateMessages.
type MessageCreate struct {
	Key     string // the item's identity in the journal, unique in the job
	Request *chatadmin.MessageCreateRequest
}

// CreateMessages posts each message to a channel
// ("messages.create/<channelID>"). With markers, each message carries one
// more tag, Marker(job name, Key), by which a resumed run finds whether a
// create it sent without an answer took effect (the message query's tag
// filter); a request must then have at most chatadmin.MaxTags-1 tags.
// Without markers such messages stay Unknown.
func CreateMessages(ctx context.Context, c *chatadmin.Client, channelID string, items Items[MessageCreate], markers bool, o *Options) (*Summary[MessageCreate], error) {
	name := "messages.create/" + channelID
	do := func(ctx context.Context, m MessageCreate) error {
		req := m.Request
		if markers && req != nil {
			r := *req
			r.Tags = append(slices.Clip(r.Tags), Marker(name, m.Key))
			req = &r
		}
		_, err := c.Messages.Create(ctx, channelID, req)
		return err
	}
	var reconcile func(context.Context, MessageCreate) (bool, error)
	if markers {
		name += "+markers"
		reconcile = func(ctx context.Context, m MessageCreate) (bool, error) {
			page, err := c.Messages.List(ctx, channelID, &chatadmin.MessageListOptions{Tags: []string{Marker(name, m.Key)}, Last: 1})
			if err != nil {
				return false, err
			}
			return len(page.Items) > 0, nil
		}
	}
	return unsafeJob(name, o, func(m MessageCreate) string { return m.Key }, do, reconcile).Run(ctx, items)
}

// Marker is the tag CreateMessages with markers adds to the message of key
// in the job: "bulk-" and 24 hex digits of a hash of both, short enough for
// the server's tag limit and unlikely to meet any other tag.
func Marker(job, key string) string {
	h := sha256.Sum256([]byte(job + "\x00" + key))
	return "bulk-" + hex.EncodeToString(h[:12])
}

// AddBlacklistRules blacklists each pattern, one call per pattern
// ("blacklist.add", "blacklist.add/word" for MatchExactWord). A pattern whose add an earlier run sent
// without an answer is settled by listing the rules with that pattern.
func AddBlacklistRules(ctx context.Context, c *chatadmin.Client, regexs Items[string], match chatadmin.WordMatch, o *Options) (*Summary[string], error) {
	name := "blacklist.add"
	if match == chatadmin.MatchExactWord {
		name += "/word"
	}
	return unsafeJob(name, o, nil,
		func(ctx context.Context, re string) error {
			return c.Blacklist.Add(ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{re}, Match: match})
		},
		func(ctx context.Context, re string) (bool, error) {
			rules, err := c.Blacklist.List(ctx, &chatadmin.RuleListOptions{Regexs: []string{re}})
			return len(rules) > 0, err
		}).Run(ctx, regexs)
}

// AddWhitelistRules whitelists each link host pattern, one call per
// pattern ("whitelist.add"), settled on resume like AddBlacklistRules.
func AddWhitelistRules(ctx context.Context, c *chatadmin.Client, regexs Items[string], o *Options) (*Summary[string], error) {
	return unsafeJob("whitelist.add", o, nil,
		func(ctx context.Context, re string) error {
			return c.Whitelist.Add(ctx, &chatadmin.WhitelistAddRequest{Regexs: []string{re}})
		},
		func(ctx context.Context, re string) (bool, error) {
			rules, err := c.Whitelist.List(ctx, &chatadmin.RuleListOptions{Regexs: []string{re}})
			return len(rules) > 0, err
		}).Run(ctx, regexs)
}

// Reaction is one reaction of AddReactions.
type Reaction struct {
	MessageID, Name string
}

// AddReactions adds the admin's reaction to each message
// ("reactions.add"); the key of an item is "<messageID>/<name>". A reaction
// whose add an earlier run sent without an answer is settled by listing
// the message's reactors of that name for the admin, userID (the token's
// user).
func AddReactions(ctx context.Context, c *chatadmin.Client, userID string, items Items[Reaction], o *Options) (*Summary[Reaction], error) {
	return unsafeJob("reactions.add", o, func(r Reaction) string { return r.MessageID + "/" + r.Name },
		func(ctx context.Context, r Reaction) error {
			_, err := c.Reactions.Create(ctx, r.MessageID, r.Name)
			return err
		},
		func(ctx context.Context, r Reaction) (bool, error) {
			for re, err := range c.Reactions.All(ctx, r.MessageID, &chatadmin.ReactionListOptions{ReactionName: r.Name}) {
				if err != nil {
					return false, err
				}
				if re.UserID == userID {
					return true, nil
				}
			}
			return false, nil
		}).Run(ctx, items)
}
