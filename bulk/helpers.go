package bulk

import (
	"context"
	"time"

	"github.com/chatadmin/chatadmin-go"
)

// Options are the settings the typed helpers pass on to their Job. The
// zero value runs with DefaultConcurrency, no journal and no callbacks.
type Options struct {
	Concurrency int             // Job.Concurrency
	Journal     string          // Job.Journal
	Grace       time.Duration   // Job.Grace
	Abort       <-chan struct{} // Job.Abort
	// OnResult, OnProgress and Collect are those of Job; the key of a
	// result is the user or message id.
	OnResult   func(Result[string])
	OnProgress func(Progress)
	Collect    bool
}

// idJob builds the Job of a helper over string ids. Every helper's
// operation is idempotent: the SDK classes these calls as safe to repeat.
func idJob(name string, size int, o *Options, do func(ctx context.Context, ids []string) error) *Job[string] {
	j := &Job[string]{Name: name, Idempotent: true, ChunkSize: size, Do: do}
	withOptions(j, o, func(r Result[string]) string { return r.Item })
	return j
}

// withOptions gives j the run settings of o (nil: the defaults) and
// reports its results to o.OnResult, each item named by itemID.
func withOptions[T any](j *Job[T], o *Options, itemID func(Result[T]) string) {
	if o == nil {
		return
	}
	j.Concurrency, j.Journal, j.Grace, j.Abort, j.OnProgress, j.Collect = o.Concurrency, o.Journal, o.Grace, o.Abort, o.OnProgress, o.Collect
	if o.OnResult == nil {
		return
	}
	j.OnResult = func(r Result[T]) {
		o.OnResult(Result[string]{Item: itemID(r), Key: r.Key, Status: r.Status, Err: r.Err, FromJournal: r.FromJournal})
	}
}

// each adapts a per-id call to a chunk of one.
func each(f func(ctx context.Context, id string, _ ...chatadmin.RequestOption) error) func(context.Context, []string) error {
	return func(ctx context.Context, ids []string) error { return f(ctx, ids[0]) }
}

// list adapts a channel call that takes up to chatadmin.MaxUserIDs ids.
func list(channelID string, f func(ctx context.Context, channelID string, ids []string, _ ...chatadmin.RequestOption) error) func(context.Context, []string) error {
	return func(ctx context.Context, ids []string) error { return f(ctx, channelID, ids) }
}

// BanUsers bans every user of ids from the whole network, one call per
// user (journal job name "users.ban").
func BanUsers(ctx context.Context, c *chatadmin.Client, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("users.ban", 1, o, each(c.Users.Ban)).Run(ctx, ids)
}

// UnbanUsers lifts the global ban of every user of ids ("users.unban").
func UnbanUsers(ctx context.Context, c *chatadmin.Client, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("users.unban", 1, o, each(c.Users.Unban)).Run(ctx, ids)
}

// AddChannelUsers adds the users of ids to a channel, chatadmin.MaxUserIDs
// per call ("channel.add/<channelID>"). A call the server refuses for some
// of its users (one banned in the channel) is split until each user has
// its own result.
func AddChannelUsers(ctx context.Context, c *chatadmin.Client, channelID string, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("channel.add/"+channelID, chatadmin.MaxUserIDs, o, list(channelID, c.Channels.AddUsers)).Run(ctx, ids)
}

// RemoveChannelUsers removes the users of ids from a channel,
// chatadmin.MaxUserIDs per call ("channel.remove/<channelID>").
func RemoveChannelUsers(ctx context.Context, c *chatadmin.Client, channelID string, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("channel.remove/"+channelID, chatadmin.MaxUserIDs, o, list(channelID, c.Channels.RemoveUsers)).Run(ctx, ids)
}

// BanChannelUsers bans the users of ids from a channel,
// chatadmin.MaxUserIDs per call ("channel.ban/<channelID>").
func BanChannelUsers(ctx context.Context, c *chatadmin.Client, channelID string, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("channel.ban/"+channelID, chatadmin.MaxUserIDs, o, list(channelID, c.Channels.BanUsers)).Run(ctx, ids)
}

// UnbanChannelUsers lifts the channel ban of the users of ids,
// chatadmin.MaxUserIDs per call ("channel.unban/<channelID>"). The server
// refuses a call in which any user is not banned (chatadmin.CodeNotBanned);
// the runner then splits the chunk, so only those users fail.
func UnbanChannelUsers(ctx context.Context, c *chatadmin.Client, channelID string, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("channel.unban/"+channelID, chatadmin.MaxUserIDs, o, list(channelID, c.Channels.UnbanUsers)).Run(ctx, ids)
}

// MuteChannelUsers mutes the users of ids in a channel for period
// (chatadmin.MuteForever for good, 0 to unmute), chatadmin.MaxUserIDs per
// call ("channel.mute/<channelID>/<period>").
func MuteChannelUsers(ctx context.Context, c *chatadmin.Client, channelID string, ids Items[string], period time.Duration, o *Options) (*Summary[string], error) {
	return idJob("channel.mute/"+channelID+"/"+period.String(), chatadmin.MaxUserIDs, o,
		func(ctx context.Context, ids []string) error {
			return c.Channels.MuteUsers(ctx, channelID, ids, period)
		}).Run(ctx, ids)
}

// DeleteMessages deletes the messages of ids, one call per message
// ("messages.delete").
func DeleteMessages(ctx context.Context, c *chatadmin.Client, ids Items[string], o *Options) (*Summary[string], error) {
	return idJob("messages.delete", 1, o, each(c.Messages.Delete)).Run(ctx, ids)
}

// SweepMessages walks a channel's messages (opts selects them as for
// Messages.All; nil for all) and deletes those match returns true for,
// while the sweep goes on ("messages.sweep/<channelID>"). An error of the
// sweep stops the job and is returned after the deletions in flight end.
func SweepMessages(ctx context.Context, c *chatadmin.Client, channelID string, opts *chatadmin.MessageListOptions,
	match func(*chatadmin.Message) bool, o *Options) (*Summary[string], error) {
	ids := func(yield func(string, error) bool) {
		for m, err := range c.Messages.All(ctx, channelID, opts) {
			if err != nil {
				yield("", err)
				return
			}
			if match(&m) && !yield(m.MessageID, nil) {
				return
			}
		}
	}
	return idJob("messages.sweep/"+channelID, 1, o, each(c.Messages.Delete)).Run(ctx, Seq2(ids))
}

// UserUpdate is one user's update for UpdateUsers.
type UserUpdate struct {
	UserID  string
	Request *chatadmin.UserUpdateRequest
}

// UpdateUsers applies each update with Users.Update ("users.update"). The
// job is idempotent because an update sets fields to given values; if the
// values depend on the user's current state, compute them before the job,
// not in a way that changes between runs.
func UpdateUsers(ctx context.Context, c *chatadmin.Client, updates Items[UserUpdate], o *Options) (*Summary[UserUpdate], error) {
	j := &Job[UserUpdate]{Name: "users.update", Idempotent: true,
		Key: func(u UserUpdate) string { return u.UserID },
		Do: func(ctx context.Context, us []UserUpdate) error {
			_, err := c.Users.Update(ctx, us[0].UserID, us[0].Request)
			return err
		}}
	withOptions(j, o, func(r Result[UserUpdate]) string { return r.Item.UserID })
	return j.Run(ctx, updates)
}
