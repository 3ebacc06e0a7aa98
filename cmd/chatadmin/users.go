package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin users`.

var userCols = cols("USER", "publicId", "NAME", "displayName", "ROLES", "roles", "BANNED", "isGlobalBan", "FLAGS", "flagCount")

func (a *app) usersCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "users", Short: "Users, global bans and flags"}

	var lf listFlags
	var lo chatadmin.UserListOptions
	list := &cobra.Command{Use: "list", Short: "List users", Args: exactArgs(0),
		Example: "  chatadmin users list --filter flagged\n  chatadmin users list --all --search bot",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				lo.Limit, lo.Token = lf.pageSize, lf.token
				if lf.streaming() {
					return stream(a, c.Users.All(ctx, &lo), lf.limit, userCols)
				}
				p, err := c.Users.List(ctx, &lo)
				if err != nil {
					return err
				}
				return printPage(a, p.Items, p.Next, userCols)
			})
		}}
	addListFlags(list, &lf, true)
	list.Flags().StringVar(&lo.Search, "search", "", "users whose name matches")
	list.Flags().StringVar((*string)(&lo.Filter), "filter", "", "all or flagged")

	var name, meta string
	var roles []string
	var ubf *bulkFlags
	update := &cobra.Command{Use: "update USER_ID...", Short: "Set users' display name, roles or metadata", Args: cobra.ArbitraryArgs,
		Example: "  chatadmin users update alice --display-name 'Alice L.' --role moderator\n  chatadmin users update --from-file new-mods.txt --role moderator",
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := parseMetadata(meta)
			if err != nil {
				return err
			}
			req := &chatadmin.UserUpdateRequest{Roles: roles, Metadata: m}
			if cmd.Flags().Changed("display-name") {
				req.DisplayName = &name
			}
			src, err := a.ids(ubf, args, "user")
			if err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if src.direct(ubf, 1) {
					u, err := c.Users.Update(ctx, src.args[0], req)
					if err != nil {
						return err
					}
					return a.print(u, nil)
				}
				return a.runBulk(ctx, c, "users update", ubf, src, func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
					// The update is the same for every user, so it is safe
					// to repeat on resume. The job's name carries a digest of
					// the update: resuming with other values must not skip
					// the users the journal says were done with the old ones.
					return idJob("users.update/"+digest(req), 1, o, func(ctx context.Context, ids []string) error {
						_, err := c.Users.Update(ctx, ids[0], req)
						return err
					}).Run(ctx, items)
				})
			})
		}}
	update.Flags().StringVar(&name, "display-name", "", "the new display name")
	update.Flags().StringSliceVar(&roles, "role", nil, "the user's new roles (replace the old ones)")
	update.Flags().StringVar(&meta, "metadata", "", "the new metadata, a JSON object")
	ubf = a.bulkFlags(update, "user")

	// ban and unban use the bulk package's helpers (journal job names
	// "users.ban" and "users.unban").
	banVerb := func(use, short string, irreversible bool, one func(ctx context.Context, c *chatadmin.Client, id string) error,
		many func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error)) *cobra.Command {
		var bf *bulkFlags
		v := &cobra.Command{Use: use + " USER_ID...", Short: short, Args: cobra.ArbitraryArgs,
			Example: "  chatadmin users " + use + " mallory\n  chatadmin users " + use + " --from-file spammers.txt --journal " + use + ".journal --rate 50",
			RunE: func(cmd *cobra.Command, args []string) error {
				src, err := a.ids(bf, args, "user")
				if err != nil {
					return err
				}
				if irreversible {
					if err := a.confirm("users " + use + " bans " + count(src.total, "user", bf.fromFile) + " from the whole network"); err != nil {
						src.close()
						return err
					}
				}
				return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
					if src.direct(bf, 1) {
						if err := one(ctx, c, src.args[0]); err != nil {
							return err
						}
						return a.doneDirect(1)
					}
					return a.runBulk(ctx, c, "users "+use, bf, src, many)
				})
			}}
		bf = a.bulkFlags(v, "user")
		return v
	}
	ban := banVerb("ban", "Ban users from the whole network", true,
		func(ctx context.Context, c *chatadmin.Client, id string) error { return c.Users.Ban(ctx, id) },
		func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
			return bulk.BanUsers(ctx, c, items, o)
		})
	unban := banVerb("unban", "Lift users' global bans", false,
		func(ctx context.Context, c *chatadmin.Client, id string) error { return c.Users.Unban(ctx, id) },
		func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
			return bulk.UnbanUsers(ctx, c, items, o)
		})

	var cbf *bulkFlags
	clear := &cobra.Command{Use: "clear-flags USER_ID...", Short: "Remove the flags other users put on users", Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := a.ids(cbf, args, "user")
			if err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if src.direct(cbf, 1) {
					u, err := c.Users.ClearFlags(ctx, src.args[0])
					if err != nil {
						return err
					}
					return a.print(u, nil)
				}
				return a.runBulk(ctx, c, "users clear-flags", cbf, src, func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error) {
					return idJob("users.clearFlags", 1, o, func(ctx context.Context, ids []string) error {
						_, err := c.Users.ClearFlags(ctx, ids[0])
						return err
					}).Run(ctx, items)
				})
			})
		}}
	cbf = a.bulkFlags(clear, "user")

	cmd.AddCommand(list, update, ban, unban, clear)
	return cmd
}

// digest is a short hash of a request's JSON form, for a job's name.
func digest(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
