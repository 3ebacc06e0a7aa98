package main

import (
	"context"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin blacklist`.

var ruleCols = cols("RULE", "ruleId", "REGEX", "regex", "EXACT", "isMatchExactWord", "ENABLED", "isEnabled", "UPDATED", "updatedAt")

func (a *app) blacklistCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "blacklist", Short: "Blacklisted words"}

	var lf listFlags
	var lo chatadmin.RuleListOptions
	list := &cobra.Command{Use: "list", Short: "List blacklist rules (not paginated)", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				rules, err := c.Blacklist.List(ctx, &lo)
				if err != nil {
					return err
				}
				return a.print(nonNil(trimmed(rules, lf.limit)), ruleCols)
			})
		}}
	addListFlags(list, &lf, false)
	list.Flags().StringSliceVar(&lo.Regexs, "regex", nil, "only the rules with exactly these patterns")

	var exact bool
	add := &cobra.Command{Use: "add REGEX...", Short: "Blacklist words (one rule per pattern)", Args: minArgs(1),
		Example: "  chatadmin blacklist add 'free\\s+crypto' spoiler --exact-word",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Blacklist.Add(ctx, &chatadmin.BlacklistAddRequest{Regexs: args, Match: chatadmin.WordMatch(exact)}); err != nil {
					return err
				}
				return a.doneDirect(len(args))
			})
		}}
	add.Flags().BoolVar(&exact, "exact-word", false, "match whole words only")

	del := &cobra.Command{Use: "delete RULE_ID...", Short: "Delete blacklist rules", Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.confirm("blacklist delete deletes " + count(int64(len(args)), "rule", "") + " for good"); err != nil {
				return err
			}
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Blacklist.Delete(ctx, args); err != nil {
					return err
				}
				return a.doneDirect(len(args))
			})
		}}

	var ur chatadmin.BlacklistUpdateRequest
	var exactUpd bool
	update := &cobra.Command{Use: "update RULE_ID", Short: "Change a blacklist rule's pattern or exact-word flag", Args: exactArgs(1),
		Example: "  chatadmin blacklist update 650000010000000000000001 --regex spoilers --exact-word=false",
		RunE: func(cmd *cobra.Command, args []string) error {
			ur.Match = chatadmin.WordMatch(exactUpd)
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				r, err := c.Blacklist.Update(ctx, args[0], &ur)
				if err != nil {
					return err
				}
				return a.print(r, nil)
			})
		}}
	update.Flags().StringVar(&ur.Regex, "regex", "", "the rule's pattern (required, even to change only the flag)")
	_ = update.MarkFlagRequired("regex")
	update.Flags().BoolVar(&exactUpd, "exact-word", false, "match whole words only (always sent: leaving it out sets the rule to match anywhere)")

	cmd.AddCommand(list, add, del, update)
	return cmd
}
