package main

import (
	"context"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin channels`.

var channelCols = cols("CHANNEL", "channel.channelId", "NAME", "channel.displayName", "MEMBERS", "channel.memberCount",
	"MESSAGES", "channel.messageCount", "MUTED", "channel.isMuted", "TAGS", "channel.tags")

func (a *app) channelsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "channels", Short: "Channels, their members, mutes and bans"}

	var lf listFlags
	var lo chatadmin.ChannelListOptions
	list := &cobra.Command{Use: "list", Short: "List channels", Args: exactArgs(0),
		Example: "  chatadmin channels list --tag public\n  chatadmin channels list --all -o jsonl > channels.jsonl",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				lo.Limit, lo.Token = lf.pageSize, lf.token
				if lf.streaming() {
					return stream(a, c.Channels.All(ctx, &lo), lf.limit, channelCols)
				}
				p, err := c.Channels.List(ctx, &lo)
				if err != nil {
					return err
				}
				return printPage(a, p.Items, p.Next, channelCols)
			})
		}}
	addListFlags(list, &lf, true)
	list.Flags().StringVar((*string)(&lo.Filter), "filter", "", "all, member or notMember (membership of --user)")
	list.Flags().StringVar(&lo.UserID, "user", "", "the user --filter refers to")
	list.Flags().StringSliceVar(&lo.Tags, "tag", nil, "channels with any of these tags")
	list.Flags().StringSliceVar(&lo.ExcludeTags, "exclude-tag", nil, "channels with none of these tags")

	var cr chatadmin.ChannelCreateRequest
	var meta string
	create := &cobra.Command{Use: "create CHANNEL_ID", Short: "Create a channel", Args: exactArgs(1),
		Example: "  chatadmin channels create lobby --display-name Lobby --tag public --user alice",
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := parseMetadata(meta)
			if err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				cr.Metadata = m
				res, err := c.Channels.Create(ctx, args[0], &cr)
				if err != nil {
					return err
				}
				return a.print(res, nil)
			})
		}}
	create.Flags().StringVar(&cr.DisplayName, "display-name", "", "the channel's name")
	create.Flags().StringSliceVar(&cr.Tags, "tag", nil, "tags (repeat or comma-separate)")
	create.Flags().StringSliceVar(&cr.UserIDs, "user", nil, "initial members")
	create.Flags().StringVar(&meta, "metadata", "", "metadata as a JSON object")

	rename := &cobra.Command{Use: "update-display-name CHANNEL_ID NAME", Short: "Rename a channel", Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				ch, err := c.Channels.UpdateDisplayName(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				return a.print(ch, nil)
			})
		}}

	// The member verbs send up to chatadmin.MaxUserIDs users per call.
	usersVerb := func(use, short string, irreversible bool, job func(ch string) string, call func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error) *cobra.Command {
		var users []string
		var bf *bulkFlags
		v := &cobra.Command{Use: use + " CHANNEL_ID [USER_ID...]", Short: short, Args: minArgs(1),
			Example: "  chatadmin channels " + use + " lobby --user mallory --user eve\n  chatadmin channels " + use +
				" lobby --from-file users.txt --journal " + use + ".journal",
			RunE: func(cmd *cobra.Command, args []string) error {
				src, err := a.ids(bf, append(users, args[1:]...), "user")
				if err != nil {
					return err
				}
				ch := args[0]
				if irreversible {
					if err := a.confirm("channels " + use + " " + ch + " bans " + count(src.total, "user", bf.fromFile) + " from the channel"); err != nil {
						src.close()
						return err
					}
				}
				return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
					if src.direct(bf, chatadmin.MaxUserIDs) {
						if err := call(ctx, c, ch, src.args); err != nil {
							return err
						}
						return a.doneDirect(len(src.args))
					}
					return a.runBulk(ctx, c, "channels "+use, bf, src, func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
						return idJob(job(ch), chatadmin.MaxUserIDs, o, func(ctx context.Context, ids []string) error {
							return call(ctx, c, ch, ids)
						}).Run(ctx, items)
					})
				})
			}}
		v.Flags().StringArrayVar(&users, "user", nil, "a user id (repeat for more)")
		bf = a.bulkFlags(v, "user")
		return v
	}
	// Job names are those of the bulk package's helpers, so that a journal
	// written by a program using bulk.BanChannelUsers resumes here too.
	addUsers := usersVerb("add-users", "Add users to a channel", false, jobName("channel.add/"), func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.AddUsers(ctx, ch, ids)
	})
	removeUsers := usersVerb("remove-users", "Remove users from a channel", false, jobName("channel.remove/"), func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.RemoveUsers(ctx, ch, ids)
	})
	banUsers := usersVerb("ban-users", "Ban users from a channel", true, jobName("channel.ban/"), func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.BanUsers(ctx, ch, ids)
	})
	unbanUsers := usersVerb("unban-users", "Lift users' channel bans", false, jobName("channel.unban/"), func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.UnbanUsers(ctx, ch, ids)
	})
	var period string
	var muteFor time.Duration
	muteUsers := usersVerb("mute-users", "Mute users in a channel for a period", false, func(ch string) string { return "channel.mute/" + ch + "/" + muteFor.String() }, func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.MuteUsers(ctx, ch, ids, muteFor)
	})
	muteUsers.Flags().StringVar(&period, "for", "", "how long: a duration such as 10m or 2h, or \"forever\" (required)")
	_ = muteUsers.MarkFlagRequired("for")
	muteUsers.PreRunE = func(cmd *cobra.Command, args []string) (err error) {
		muteFor, err = parseMutePeriod(period)
		return err
	}
	unmuteUsers := usersVerb("unmute-users", "Unmute users in a channel", false, jobName("channel.unmute/"), func(ctx context.Context, c *chatadmin.Client, ch string, ids []string) error {
		return c.Channels.UnmuteUsers(ctx, ch, ids)
	})

	var chPeriod string
	mute := &cobra.Command{Use: "mute CHANNEL_ID", Short: "Mute a channel for a period", Args: exactArgs(1),
		Example: "  chatadmin channels mute lobby --for 10m",
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseMutePeriod(chPeriod)
			if err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Channels.Mute(ctx, args[0], d); err != nil {
					return err
				}
				return a.doneDirect(1)
			})
		}}
	mute.Flags().StringVar(&chPeriod, "for", "", "how long: a duration such as 10m or 2h, or \"forever\" (required)")
	_ = mute.MarkFlagRequired("for")

	unmute := &cobra.Command{Use: "unmute CHANNEL_ID", Short: "Unmute a channel", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Channels.Unmute(ctx, args[0]); err != nil {
					return err
				}
				return a.doneDirect(1)
			})
		}}
	closeCmd := &cobra.Command{Use: "close CHANNEL_ID", Short: "Close a channel for good (members removed, messages deleted)", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.confirm("channels close " + args[0] + " closes the channel for good: its members are removed and its messages deleted"); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Channels.Close(ctx, args[0]); err != nil {
					return err
				}
				return a.doneDirect(1)
			})
		}}
	cmd.AddCommand(list, create, rename, addUsers, removeUsers, banUsers, unbanUsers, muteUsers, unmuteUsers, mute, unmute, closeCmd)
	return cmd
}
