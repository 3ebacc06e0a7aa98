package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/spf13/cobra"
)

// listFlags are the flags of every list verb.
type listFlags struct {
	all      bool
	limit    int
	pageSize int
	token    string
	oldToken string // --token, the old name of --page-token: refused
}

func addListFlags(cmd *cobra.Command, f *listFlags, paged bool) {
	fl := cmd.Flags()
	if paged {
		fl.BoolVar(&f.all, "all", false, "stream every page: one JSON array (-o json), JSON Lines (-o jsonl), table rows or YAML documents")
		fl.IntVar(&f.pageSize, "page-size", 0, fmt.Sprintf("items per request, at most %d (default: the server's)", chatadmin.MaxPageLimit))
		fl.StringVar(&f.token, "page-token", "", "start at this page (the \"next\" cursor the previous page printed)")
		// --token was this flag's name; it read like the API token, and a
		// token typed there would have been sent in a URL. It is refused,
		// without echoing the value.
		fl.StringVar(&f.oldToken, "token", "", "")
		_ = fl.MarkHidden("token")
	}
	fl.IntVar(&f.limit, "limit", 0, "stop after this many items (streams pages as --all does)")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Flags().Changed("token") {
			return usageErrorf("--token is not a flag of %s: the page cursor is --page-token, and the API token comes from $CHATADMIN_TOKEN, --token-file or a profile", cmd.CommandPath())
		}
		if f.limit < 0 {
			return usageErrorf("--limit must not be negative, got %d", f.limit)
		}
		return nil
	}
}

// streaming reports whether a paged list walks pages (--all or --limit)
// instead of printing one page.
func (f *listFlags) streaming() bool { return f.all || f.limit > 0 }

// trimmed applies --limit to a list that is not paginated.
func trimmed[T any](items []T, limit int) []T {
	if limit > 0 && len(items) > limit {
		return items[:limit]
	}
	return items
}

// doneDirect reports a verb that made its calls directly: nothing on a
// terminal, and the same summary object as a bulk run otherwise, so that a
// script reads one shape whichever path ran.
func (a *app) doneDirect(n int) error {
	if a.format() == "table" {
		return nil
	}
	return a.print(bulkSummary{Total: int64(n), Done: int64(n)}, nil)
}

// parseMetadata reads a --metadata JSON object.
func parseMetadata(s string) (chatadmin.Metadata, error) {
	if s == "" {
		return nil, nil
	}
	var m chatadmin.Metadata
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, usageErrorf("--metadata: want a JSON object: %v", err)
	}
	return m, nil
}

// parseMutePeriod reads --for: a Go duration ("10m", "1h30m") or "forever".
func parseMutePeriod(s string) (time.Duration, error) {
	if s == "forever" {
		return chatadmin.MuteForever, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usageErrorf("--for: want a positive duration such as 10m or 2h, or \"forever\"; got %q", s)
	}
	return d, nil
}
