package main

import (
	"bufio"
	"fmt"
	"strings"
)

// Irreversible commands (channels close, messages delete, users ban,
// channels ban-users, blacklist and whitelist delete) ask before they send
// anything when a person is at a terminal, and need --yes when nobody can
// be asked (a script, a pipe, ids read from stdin), as gh does: a typo in
// a channel id or the wrong ids file cannot be taken back. --dry-run sends
// nothing, so it needs no confirmation.

// confirm asks "what. Continue? [y/N]" on the terminal, or requires --yes;
// what says what the command is about to do. Anything but y or yes is a
// no: nothing is sent, exit status 2.
func (a *app) confirm(what string) error {
	if a.yes || a.dryRun {
		return nil
	}
	if a.stdinUsed || !a.stdinTTY || !a.stderrTTY {
		why := "there is no terminal to ask on"
		if a.stdinUsed {
			why = "stdin holds the ids, so there is no terminal to ask on"
		}
		return usageErrorf("%s: confirm with --yes (%s)", what, why)
	}
	fmt.Fprintf(a.stderr, "%s. Continue? [y/N] ", termSafe(what))
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return usageErrorf("not confirmed: nothing was sent")
}

// count says "1 user" or "200 users" (from ids.txt).
func count(n int64, what, from string) string {
	s := fmt.Sprintf("%d %ss", n, what)
	if n == 1 {
		s = "1 " + what
	}
	if from != "" && from != "-" {
		s += " (from " + from + ")"
	}
	return s
}
