package main

import (
	"context"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin whitelist`.

func (a *app) whitelistCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "whitelist", Short: "Whitelisted link hosts"}

	var lf listFlags
	var lo chatadmin.RuleListOptions
	list := &cobra.Command{Use: "list", Short: "List whitelist rules (not paginated)", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				rules, err := c.Whitelist.List(ctx, &lo)
				if err != nil {
					return err
				}
				return a.print(nonNil(trimmed(rules, lf.limit)), ruleCols)
			})
		}}
	addListFlags(list, &lf, false)
	list.Flags().StringSliceVar(&lo.Regexs, "regex", nil, "only the rules with exactly these patterns")

	add := &cobra.Command{Use: "add REGEX...", Short: "Whitelist link hosts (one rule per pattern)", Args: minArgs(1),
		Example: "  chatadmin whitelist add 'example\\.com' 'docs\\.example\\.org'",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Whitelist.Add(ctx, &chatadmin.WhitelistAddRequest{Regexs: args}); err != nil {
					return err
				}
				return a.doneDirect(len(args))
			})
		}}

	del := &cobra.Command{Use: "delete RULE_ID...", Short: "Delete whitelist rules", Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.confirm("whitelist delete deletes " + count(int64(len(args)), "rule", "") + " for good"); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Whitelist.Delete(ctx, args); err != nil {
					return err
				}
				return a.doneDirect(len(args))
			})
		}}

	var regex string
	update := &cobra.Command{Use: "update RULE_ID", Short: "Replace a whitelist rule's pattern", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				r, err := c.Whitelist.Update(ctx, args[0], &chatadmin.WhitelistUpdateRequest{Regex: regex})
				if err != nil {
					return err
				}
				return a.print(r, nil)
			})
		}}
	update.Flags().StringVar(&regex, "regex", "", "the new pattern (required)")
	_ = update.MarkFlagRequired("regex")

	cmd.AddCommand(list, add, del, update)
	return cmd
}
