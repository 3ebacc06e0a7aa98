package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// Exit codes, by class of failure, so that a script can tell "fix your
// command" from "the server said no" from "check what happened".
const (
	exitOK          = 0   // everything done
	exitError       = 1   // the command failed for another reason: network, timeout, local I/O
	exitUsage       = 2   // bad flags, arguments, input files or config; nothing was sent
	exitAPI         = 3   // the server answered with an error (every item, for a bulk job)
	exitPartial     = 4   // a bulk job where some items failed and others were done
	exitUnknown     = 5   // some request may or may not have taken effect: check before retrying
	exitInterrupted = 130 // SIGINT or SIGTERM: stopped after draining what was in flight
)

// exitCodesHelp is the `chatadmin help exit-codes` topic.
const exitCodesHelp = `chatadmin exits with a code that tells scripts what kind of failure happened:

  0    ok: every request succeeded (a bulk job: every item done or skipped)
  1    other failure: network error, timeout, local I/O error
  2    usage: unknown command or flag, missing or bad argument, unreadable
       input file, bad token file or config; nothing was sent
  3    API error: the server answered with an error (a bulk job: no item
       succeeded and at least one failed)
  4    partial bulk failure: some items failed, others were done; resume
       with the same --journal to retry the failed ones
  5    outcome unknown: a request that is not safe to repeat was sent and
       its answer lost (or a bulk item is recorded as unknown); check the
       server's state before trying again
  130  interrupted by SIGINT/SIGTERM: requests in flight were drained and
       the journal synced; run the same command to resume

Errors are printed on stderr as one line, "chatadmin: ..." with the HTTP
status, the API code and message; with -o json as one JSON object.
`

// errInterrupted replaces the context's error when the user interrupted:
// "context canceled" would read like a failure of the command.
var errInterrupted = errors.New("chatadmin: interrupted")

// usageError marks an error found before anything was sent: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// bulkError reports a bulk job that did not complete every item.
type bulkError struct {
	code int
	msg  string
}

func (e *bulkError) Error() string { return e.msg }

// exitCode classes err.
func exitCode(err error) int {
	var ue *usageError
	var be *bulkError
	var ae *chatadmin.APIError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &be):
		return be.code
	case errors.As(err, &ue), errors.Is(err, chatadmin.ErrInvalidInput):
		return exitUsage
	case errors.Is(err, chatadmin.ErrOutcomeUnknown):
		return exitUnknown
	case errors.As(err, &ae):
		return exitAPI
	case errors.Is(err, context.Canceled), errors.Is(err, errInterrupted):
		return exitInterrupted
	case isCobraUsage(err):
		return exitUsage
	}
	return exitError
}

// isCobraUsage recognises the errors cobra returns for unknown commands and
// argument counts, which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least",
		"requires at most", "flag needs an argument", "invalid argument", "required flag", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// printError writes err as one line (or one JSON object) on w.
func printError(w io.Writer, err error, asJSON bool) {
	if asJSON {
		obj := map[string]any{"message": strings.TrimPrefix(err.Error(), "chatadmin: "), "exitCode": exitCode(err)}
		var ae *chatadmin.APIError
		if errors.As(err, &ae) {
			obj["status"], obj["code"], obj["apiMessage"] = ae.StatusCode, ae.Code, ae.Message
			obj["method"], obj["route"] = ae.Method, ae.Route
			if ae.RequestID != "" {
				obj["requestId"] = ae.RequestID
			}
		}
		b, _ := json.Marshal(map[string]any{"error": obj})
		fmt.Fprintf(w, "%s\n", escapeRaw(b))
		return
	}
	msg := termSafe(err.Error())
	if !strings.HasPrefix(msg, "chatadmin: ") {
		msg = "chatadmin: " + msg
	}
	fmt.Fprintln(w, msg)
}

// exitCodesTopic is a help-only command: `chatadmin help exit-codes`.
func exitCodesTopic() *cobra.Command {
	return &cobra.Command{Use: "exit-codes", Short: "What chatadmin's exit codes mean", Long: exitCodesHelp}
}
