package main

import (
	"context"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin reactions`.

var reactorCols = cols("REACTION", "reactionId", "NAME", "reactionName", "USER", "userId", "CREATED", "createdAt")

// reaction is what create and delete print.
type reaction struct {
	ReactionID   string `json:"reactionId"`
	MessageID    string `json:"messageId"`
	ReactionName string `json:"reactionName"`
}

func (a *app) reactionsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "reactions", Short: "Reactions on messages: who reacted, and the admin's own"}

	var lf listFlags
	var lo chatadmin.ReactionListOptions
	list := &cobra.Command{Use: "list MESSAGE_ID", Short: "List who reacted to a message", Args: exactArgs(1),
		Example: "  chatadmin reactions list 65000001a1b2c3d4e5f60718 --name like --all",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				lo.Limit, lo.Token = lf.pageSize, lf.token
				if lf.streaming() {
					return stream(a, c.Reactions.All(ctx, args[0], &lo), lf.limit, reactorCols)
				}
				p, err := c.Reactions.List(ctx, args[0], &lo)
				if err != nil {
					return err
				}
				return printPage(a, p.Items, p.Next, reactorCols)
			})
		}}
	addListFlags(list, &lf, true)
	list.Flags().StringVar(&lo.ReactionName, "name", "", "only reactions with this name")

	react := func(use, short string, call func(ctx context.Context, c *chatadmin.Client, messageID, name string) (string, error)) *cobra.Command {
		return &cobra.Command{Use: use + " MESSAGE_ID REACTION", Short: short, Args: exactArgs(2),
			Example: "  chatadmin reactions " + use + " 65000001a1b2c3d4e5f60718 like",
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
					id, err := call(ctx, c, args[0], args[1])
					if err != nil {
						return err
					}
					return a.print(reaction{id, args[0], args[1]}, nil)
				})
			}}
	}
	create := react("create", "React to a message as the admin", func(ctx context.Context, c *chatadmin.Client, messageID, name string) (string, error) {
		return c.Reactions.Create(ctx, messageID, name)
	})
	del := react("delete", "Remove the admin's reaction from a message", func(ctx context.Context, c *chatadmin.Client, messageID, name string) (string, error) {
		return c.Reactions.Delete(ctx, messageID, name)
	})

	var mo chatadmin.MostReactedOptions
	most := &cobra.Command{Use: "most-reacted REACTION", Short: "The messages with the most reactions of a name", Args: exactArgs(1),
		Example: "  chatadmin reactions most-reacted like --limit 10",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				ms, err := c.Reactions.MostReacted(ctx, args[0], &mo)
				if err != nil {
					return err
				}
				return a.print(nonNil(ms), cols("MESSAGE", "messageId", "REACTIONS", "reactionsCount"))
			})
		}}
	most.Flags().IntVar(&mo.Limit, "limit", 0, "at most this many messages (default: the server's)")

	cmd.AddCommand(list, create, del, most)
	return cmd
}
