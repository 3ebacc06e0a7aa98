package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// genDocsCmd writes the Markdown reference of every command (docs/cli is
// made with `chatadmin gen-docs docs/cli`; a test checks it is current).
func (a *app) genDocsCmd() *cobra.Command {
	return &cobra.Command{Use: "gen-docs DIR", Short: "Write the Markdown reference of every command into DIR", Hidden: true,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return genDocs(cmd.Root(), args[0])
		}}
}

// genDocs writes root's reference into dir, without the date cobra would
// add (the docs must regenerate identically).
func genDocs(root *cobra.Command, dir string) error {
	root.DisableAutoGenTag = true
	// Execute adds these; the docs test builds the tree without executing.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return doc.GenMarkdownTree(root, dir)
}
