package main

import (
	"errors"
	"fmt"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/emulatorserve"
	"github.com/spf13/cobra"
)

// emulatorCmd is `chatadmin emulator`: the local Admin API emulator, as
// cmd/chatadmin-emulator serves it.
func (a *app) emulatorCmd() *cobra.Command {
	var cfg emulatorserve.Config
	cmd := &cobra.Command{Use: "emulator", Short: "Serve the local Admin API emulator, for trying commands safely",
		Long: `Serve the Admin API v2 emulator on a local port until Ctrl-C. It prints the
two variables to export so that chatadmin talks to it. It refuses a
non-loopback address unless --public is given: its token is well known and it
has no TLS.`,
		Example: "  chatadmin emulator --demo &\n  export CHATADMIN_BASE_URL=http://127.0.0.1:8086 CHATADMIN_TOKEN=chatadmintest-token\n  chatadmin channels list",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := emulatorserve.Serve(cmd.Context(), cfg, func(baseURL, token string) {
				fmt.Fprintf(a.stdout, "export CHATADMIN_BASE_URL=%s\nexport CHATADMIN_TOKEN=%s\n", baseURL, token)
				fmt.Fprintf(a.stderr, "chatadmin emulator: serving %s until Ctrl-C\n", baseURL)
			})
			if errors.Is(err, emulatorserve.ErrNotLoopback) {
				return usageErrorf("%v (use --public to allow)", err)
			}
			return err
		}}
	fl := cmd.Flags()
	fl.StringVar(&cfg.Addr, "addr", "127.0.0.1:8086", "listen address (host:port; port 0 picks one)")
	fl.StringVar(&cfg.Token, "token", chatadmintest.DefaultToken, "the bearer token to accept (the emulator's, not a secret)")
	fl.BoolVar(&cfg.Demo, "demo", false, "load demo users, channels and messages")
	fl.IntVar(&cfg.MessagePageSize, "message-page-size", chatadmintest.DefaultMessagePageSize, "page size of message queries")
	fl.BoolVar(&cfg.Public, "public", false, "allow a non-loopback address")
	fl.Float64Var(&cfg.RateLimit, "rate-limit", 0, "tenant rate limit in requests per second (0: none); past it: 429, code 400311, Retry-After")
	fl.IntVar(&cfg.RateBurst, "rate-burst", 1, "requests the --rate-limit bucket lets through at once")
	return cmd
}
