package main

import (
	"context"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// completionTimeout bounds the API call behind a completion: a shell that
// hangs on Tab is worse than one that offers nothing.
const completionTimeout = 2 * time.Second

// addCompletions completes values, not only commands, as kubectl does:
// the fixed values of -o, --region, --size and --filter, the config's
// profiles, and channel and user ids from the API (one page, with a short
// timeout) for CHANNEL_ID and USER_ID arguments and --user flags.
func (a *app) addCompletions(root *cobra.Command) {
	_ = root.RegisterFlagCompletionFunc("output", fixed("json", "jsonl", "table", "yaml"))
	_ = root.RegisterFlagCompletionFunc("region", fixed("us", "eu", "sg"))
	_ = root.RegisterFlagCompletionFunc("profile", a.completeProfiles)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		fl := c.LocalNonPersistentFlags()
		if fl.Lookup("size") != nil {
			_ = c.RegisterFlagCompletionFunc("size", fixed(string(chatadmin.ImageSizeSmall), string(chatadmin.ImageSizeMedium),
				string(chatadmin.ImageSizeLarge), string(chatadmin.ImageSizeFull)))
		}
		if fl.Lookup("filter") != nil {
			switch c.CommandPath() {
			case "chatadmin users list":
				_ = c.RegisterFlagCompletionFunc("filter", fixed(string(chatadmin.UserFilterAll), string(chatadmin.UserFilterFlagged)))
			case "chatadmin channels list":
				_ = c.RegisterFlagCompletionFunc("filter", fixed(string(chatadmin.ChannelFilterAll), string(chatadmin.ChannelFilterMember),
					string(chatadmin.ChannelFilterNotMember)))
			}
		}
		if fl.Lookup("user") != nil {
			_ = c.RegisterFlagCompletionFunc("user", a.completeIDs("USER_ID"))
		}
		_, argNames, _ := strings.Cut(c.Use, " ")
		if c.ValidArgsFunction == nil && argNames != "" && c.Name() != "create" {
			c.ValidArgsFunction = a.completeArgs(strings.Fields(argNames))
		}
	}
	walk(root)
}

func fixed(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

func (a *app) completeProfiles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cfg, _, err := a.loadConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return sortedKeys(cfg.Profiles), cobra.ShellCompDirectiveNoFileComp
}

// completeArgs completes the argument at the cursor by its name in Use
// ("CHANNEL_ID [USER_ID...]"); a last name ending in "..." repeats.
func (a *app) completeArgs(names []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		i := len(args)
		if i >= len(names) {
			if !strings.HasSuffix(names[len(names)-1], "...") {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			i = len(names) - 1
		}
		name := strings.Trim(names[i], "[].")
		return a.completeIDs(name)(cmd, args, toComplete)
	}
}

// completeIDs lists channel (CHANNEL_ID) or user (USER_ID) ids starting
// with what is typed, each with its display name. The ids are the
// server's: one that holds a control character is left out, and a name is
// made safe, since the shell prints them.
func (a *app) completeIDs(kind string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		none := cobra.ShellCompDirectiveNoFileComp
		if kind != "CHANNEL_ID" && kind != "USER_ID" {
			return nil, none
		}
		a.dryRun = false // the listing is real; nothing is changed
		c, err := a.client()
		if err != nil {
			return nil, none
		}
		defer c.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		var out []cobra.Completion
		add := func(id, name string) {
			if strings.HasPrefix(id, toComplete) && !hasUnsafe(id) && !strings.ContainsAny(id, " \t") {
				out = append(out, cobra.CompletionWithDesc(id, termSafe(name)))
			}
		}
		if kind == "CHANNEL_ID" {
			p, err := c.Channels.List(ctx, &chatadmin.ChannelListOptions{Limit: chatadmin.MaxPageLimit})
			if err != nil {
				return nil, none
			}
			for _, r := range p.Items {
				if r.Channel != nil {
					add(r.Channel.ChannelID, r.Channel.DisplayName)
				}
			}
		} else {
			p, err := c.Users.List(ctx, &chatadmin.UserListOptions{Limit: chatadmin.MaxPageLimit})
			if err != nil {
				return nil, none
			}
			for _, u := range p.Items {
				add(u.UserID, u.DisplayName)
			}
		}
		return out, none
	}
}
