package main

import (
	"context"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// This file holds every SDK call of `chatadmin roles`.

var roleCols = cols("ROLE", "publicId", "PERMISSIONS", "permissions")

func (a *app) rolesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "roles", Short: "Roles and their permissions"}

	var lf listFlags
	var lo chatadmin.RoleListOptions
	list := &cobra.Command{Use: "list", Short: "List roles (not paginated)", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				roles, err := c.Roles.List(ctx, &lo)
				if err != nil {
					return err
				}
				return a.print(nonNil(trimmed(roles, lf.limit)), roleCols)
			})
		}}
	addListFlags(list, &lf, false)
	list.Flags().StringVar((*string)(&lo.Filter), "filter", "", "only roles matching this name")

	var req chatadmin.RoleAddRequest
	add := &cobra.Command{Use: "add NAME...", Short: "Create roles, or replace their permissions", Args: minArgs(1),
		Example: "  chatadmin roles add moderator --permission BAN_USER --permission DELETE_MESSAGE",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.call(cmd, func(ctx context.Context, c *chatadmin.Client) error {
				if err := c.Roles.Add(ctx, args, &req); err != nil {
					return err
				}
				return a.doneDirect(1)
			})
		}}
	add.Flags().StringSliceVar(&req.Permissions, "permission", nil, "a permission (repeat for more; at least one)")
	_ = add.MarkFlagRequired("permission")

	cmd.AddCommand(list, add)
	return cmd
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
