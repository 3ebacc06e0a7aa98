package main

import (
	"errors"
	"strings"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// The SDK names a bad value by its Go field and its wire name ("Limit
// (options.limit)"); a command-line user typed a flag. sdkFlags maps the
// SDK's names to the flags that set them, and sdkArgs to the arguments.
var (
	sdkFlags = map[string]string{"Limit": "page-size", "First": "first", "Last": "last", "After": "after", "Before": "before",
		"Filter": "filter", "size": "size", "Tags": "tag", "ExcludeTags": "exclude-tag", "Text": "text", "Metadata": "metadata",
		"Permissions": "permission", "Regexs": "regex", "Regex": "regex", "Roles": "role", "File": "file", "Data": "data",
		"period": "for", "userIDs": "user", "displayName": "display-name", "Caption": "caption", "ParentID": "parent"}
	sdkArgs = map[string]string{"channelID": "CHANNEL_ID", "userID": "USER_ID", "userIDs": "USER_ID", "messageID": "MESSAGE_ID",
		"ruleID": "RULE_ID", "ruleIDs": "RULE_ID", "roleIDs": "NAME", "Regexs": "REGEX", "displayName": "NAME", "reactionName": "REACTION"}
)

// nameFlag rewrites an SDK validation error of cmd to name the flag or
// argument the user gave ("--page-size must be at most 100, got 500").
func nameFlag(cmd *cobra.Command, err error) error {
	var ve *chatadmin.ValidationError
	if cmd == nil || !errors.As(err, &ve) {
		return err
	}
	if f, ok := sdkFlags[ve.Field]; ok && cmd.Flags().Lookup(f) != nil {
		return usageErrorf("--%s %s", f, ve.Message)
	}
	if arg, ok := sdkArgs[ve.Field]; ok && strings.Contains(cmd.Use, arg) {
		return usageErrorf("%s %s", arg, ve.Message)
	}
	return err
}
