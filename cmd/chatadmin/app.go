package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// app holds the streams, the global flags and what is derived from them.
// Every command reaches the SDK through app.client.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdoutTTY      bool
	stderrTTY      bool
	stdinTTY       bool
	stdinUsed      bool // --from-file - read the ids from stdin
	stderrFd       int
	getenv         func(string) string

	// global flags
	baseURL, region, profile string
	tokenFile                string
	output                   string
	dryRun, verbose, yes     bool
	timeout                  time.Duration
	rate                     float64 // --rate of the bulk verbs

	dry *dryRunTransport // set by client() under --dry-run
}

// execute runs the command line args and returns the exit code.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCmd()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	err = nameFlag(cmd, err)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// The user interrupted; a bulk job's summary said what was done.
		err = errInterrupted
	}
	// Errors are JSON only when asked for: a script that parses JSON
	// errors says -o json; a person reading a pipe's stderr wants a line.
	printError(a.stderr, err, a.output == "json" || a.output == "jsonl")
	return exitCode(err)
}

// rootCmd builds the whole command tree.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "chatadmin",
		Short: "Administer a chat tenant from a terminal or a script",
		Long: `chatadmin calls the chat service's Admin API v2: every operation, as
chatadmin <service> <verb>, with bulk jobs that show progress and resume.

The token and the base URL come from one source: --profile NAME, or
--base-url (or --region) with --token-file FILE, or $CHATADMIN_BASE_URL
with $CHATADMIN_TOKEN, or the config's current profile (chatadmin config);
never a mix, and the token never from a flag value, which would land in
shell history and in ps. See "chatadmin help environment".

Output is a table on a terminal and JSON otherwise; -o chooses. See
"chatadmin help exit-codes" for the exit status.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch a.output {
			case "", "json", "jsonl", "table", "yaml":
			default:
				return usageErrorf("invalid -o %q: want json, jsonl, table or yaml", a.output)
			}
			return nil
		},
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.baseURL, "base-url", "", "API base URL, with --token-file (default $CHATADMIN_BASE_URL, or the profile's)")
	pf.StringVar(&a.region, "region", "", "API region: us, eu or sg (instead of --base-url)")
	pf.StringVar(&a.profile, "profile", "", "profile to use; wins over the environment (default $CHATADMIN_PROFILE, or the config's current one)")
	pf.StringVar(&a.tokenFile, "token-file", "", "read the token from this file, with --base-url or --region (default $CHATADMIN_TOKEN, or the profile's)")
	pf.StringVarP(&a.output, "output", "o", "", "output format: json, jsonl, table or yaml (default table on a terminal, json otherwise)")
	pf.BoolVar(&a.dryRun, "dry-run", false, "print each request as a curl command instead of sending it")
	pf.DurationVar(&a.timeout, "timeout", 0, "give up after this long, e.g. 30s (default: no limit)")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "log the SDK's requests and retries on stderr")
	pf.BoolVarP(&a.yes, "yes", "y", false, "confirm an irreversible command (close, delete, ban) without being asked")

	root.AddGroup(&cobra.Group{ID: "api", Title: "Admin API services:"}, &cobra.Group{ID: "tool", Title: "Tools:"})
	for _, c := range []*cobra.Command{a.channelsCmd(), a.messagesCmd(), a.usersCmd(), a.rolesCmd(),
		a.blacklistCmd(), a.whitelistCmd(), a.reactionsCmd()} {
		c.GroupID = "api"
		groupCmd(c)
		root.AddCommand(c)
	}
	root.Version = buildVersion().text()
	root.SetVersionTemplate("{{.Version}}")
	for _, c := range []*cobra.Command{a.configCmd(), a.versionCmd(), a.emulatorCmd(), a.genDocsCmd()} {
		c.GroupID = "tool"
		root.AddCommand(c)
	}
	root.SetHelpCommandGroupID("tool")
	root.SetCompletionCommandGroupID("tool")
	root.AddCommand(exitCodesTopic(), environmentTopic())
	a.addCompletions(root)
	return root
}

// format is the output format: -o, else table on a terminal, else JSON.
func (a *app) format() string {
	if a.output != "" {
		return a.output
	}
	if a.stdoutTTY {
		return "table"
	}
	return "json"
}

// client builds the SDK client from the flags, the environment and the
// profile. Under --dry-run it sends nothing: its transport prints curl.
func (a *app) client() (*chatadmin.Client, error) {
	st, err := a.resolve()
	if err != nil {
		return nil, err
	}
	if a.rate < 0 {
		return nil, usageErrorf("--rate must not be negative, got %g", a.rate)
	}
	token := st.token
	if token == "" {
		token = "dry-run" // resolve allows no token only under --dry-run: never sent, never printed
	}
	var opts []chatadmin.Option
	if st.baseURL != "" {
		opts = append(opts, chatadmin.WithBaseURL(st.baseURL))
	} else {
		opts = append(opts, chatadmin.WithRegion(st.region))
	}
	opts = append(opts, chatadmin.WithUserAgent("chatadmin-cli"),
		// The CLI runs bulk jobs, for which docs/rate-limits.md says to turn
		// the adaptive limiter on: without a ceiling it sends unpaced until
		// the server first throttles, then follows the server's limit;
		// --rate sets the ceiling.
		chatadmin.WithRateLimiter(chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{Ceiling: a.rate})))
	if a.verbose {
		opts = append(opts, chatadmin.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if a.dryRun {
		if st.tokenFrom != "" && st.tokenFrom != "$"+chatadmin.EnvToken {
			// The printed commands read $CHATADMIN_TOKEN: pasted, they
			// would send that token, not this command's, to this host.
			fmt.Fprintf(a.stderr, "chatadmin: --dry-run: the commands send $%s; this command's token comes from %s: set $%s to it before running them\n",
				chatadmin.EnvToken, st.tokenFrom, chatadmin.EnvToken)
		}
		a.dry = &dryRunTransport{w: a.stdout}
		opts = append(opts, chatadmin.WithHTTPClient(&http.Client{Transport: a.dry}), chatadmin.WithMaxAttempts(1))
	}
	c, err := chatadmin.NewClient(token, opts...)
	if err != nil {
		return nil, &usageError{err}
	}
	return c, nil
}

// ctx is the command's context with --timeout applied.
func (a *app) ctx(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	if a.timeout > 0 {
		return context.WithTimeout(cmd.Context(), a.timeout)
	}
	return context.WithCancel(cmd.Context())
}

// call runs f with a client and the command's context: the shape of every
// verb.
func (a *app) call(cmd *cobra.Command, f func(ctx context.Context, c *chatadmin.Client) error) error {
	c, err := a.client()
	if err != nil {
		return err
	}
	defer c.CloseIdleConnections()
	ctx, cancel := a.ctx(cmd)
	defer cancel()
	return f(ctx, c)
}

// exactArgs is cobra.ExactArgs with the argument names in the message.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s: want %d argument(s) (%s), got %d", cmd.CommandPath(), n, argNames(cmd), len(args))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with the argument names in the message.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrorf("%s: want at least %d argument(s) (%s), got %d", cmd.CommandPath(), n, argNames(cmd), len(args))
		}
		return nil
	}
}

func argNames(cmd *cobra.Command) string {
	_, rest, _ := strings.Cut(cmd.Use, " ")
	if rest == "" {
		return "none"
	}
	return rest
}

// groupCmd makes a command that only holds verbs show its help when given
// none and fail with a usage error (exit 2) for an unknown one; cobra would
// print the help and exit 0 for a typo, which a script would take for
// success.
func groupCmd(cmd *cobra.Command) {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return &usageError{errors.New(msg + " (see " + cmd.CommandPath() + " --help)")}
	}
}
