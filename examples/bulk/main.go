// Bulk bans a list of user ids read from a file, one id per line, with a
// journal, the way an admin bans a wave of spam accounts: it is
// interrupted halfway, then run again with the same journal, which skips
// what was done. Progress goes to stderr.
//
//	go run ./examples/bulk
//
// It runs against the in-process emulator, which enforces a tenant rate
// limit of 300 requests a second as the real service does, unless
// CHATADMIN_BASE_URL and CHATADMIN_TOKEN point it at a live tenant (where
// it lifts the bans it made before exiting). The client paces itself with
// the adaptive rate limiter, which learns the limit from the server's 429s.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
)

func main() {
	// A live tenant when CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set; an
	// in-process emulator with a tenant rate limit otherwise.
	baseURL, token, emu, err := exampleenv.Target(os.Stdout, chatadmintest.WithRateLimit(300, 30))
	if err != nil {
		log.Fatal(err)
	}
	// Bulk jobs meet the tenant's rate limit: the adaptive limiter slows
	// down on 429s and speeds up again, so the job runs near the limit
	// instead of retrying throttled calls.
	client, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(baseURL),
		chatadmin.WithRateLimiter(chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{})))
	if err != nil {
		log.Fatal(err)
	}
	exampleenv.Main(exampleenv.New(client, emu), run)
}

const spammers = 500

func run(ctx context.Context, env *exampleenv.Env, w io.Writer) (err error) {
	c := env.Client
	dir, err := os.MkdirTemp("", "chatadmin-bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The list an admin would export from their abuse tooling.
	list := filepath.Join(dir, "spammers.txt")
	var ids []string
	f, err := os.Create(list)
	if err != nil {
		return err
	}
	for i := range spammers {
		id := env.Name(fmt.Sprintf("spam%04d", i))
		ids = append(ids, id)
		fmt.Fprintln(f, id)
	}
	if err := f.Close(); err != nil {
		return err
	}

	// The accounts must exist to be banned: a user update creates them.
	var updates []bulk.UserUpdate
	for _, id := range ids {
		name := "Spammer " + id
		updates = append(updates, bulk.UserUpdate{UserID: id, Request: &chatadmin.UserUpdateRequest{DisplayName: &name}})
	}
	created, err := bulk.UpdateUsers(ctx, c, bulk.Slice(updates), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "created %d accounts\n", created.Done)
	defer exampleenv.Cleanup(w, "lifted the bans", &err, func(ctx context.Context) error {
		sum, err := bulk.UnbanUsers(ctx, c, bulk.Slice(ids), nil)
		if err == nil && sum.Failed+sum.Unknown > 0 {
			err = fmt.Errorf("%d unbans failed", sum.Failed+sum.Unknown)
		}
		return err
	})

	journal := filepath.Join(dir, "ban.jsonl")
	// The first run is cut short halfway, as Ctrl-C or a crash would.
	first, stop := context.WithCancel(ctx)
	defer stop()
	sum, err := ban(first, c, list, journal, func(p bulk.Progress) {
		if p.Done == spammers/2 {
			stop()
		}
	})
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("the first run should have been interrupted: %v", err)
	}
	fmt.Fprintf(w, "first run interrupted: %d banned\n", sum.Done)

	// The same job with the same journal: the banned users are skipped.
	sum, err = ban(ctx, c, list, journal, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "second run: %d banned, %d skipped (done before), %d failed, %d unknown\n",
		sum.Done, sum.Skipped, sum.Failed, sum.Unknown)
	return nil
}

// ban runs the ban job over the ids of list, printing progress on stderr.
func ban(ctx context.Context, c *chatadmin.Client, list, journal string, also func(bulk.Progress)) (*bulk.Summary[string], error) {
	f, err := os.Open(list)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sum, err := bulk.BanUsers(ctx, c, bulk.Lines(f), &bulk.Options{
		Journal:     journal,
		Concurrency: 8,
		// On Ctrl-C the bans in flight may finish (and be recorded done)
		// rather than be cut off with an unknown effect.
		Grace: 10 * time.Second,
		OnResult: func(r bulk.Result[string]) {
			if r.Status == bulk.Failed || r.Status == bulk.Unknown {
				fmt.Fprintf(os.Stderr, "\n%s %s: %v\n", r.Key, r.Status, r.Err)
			}
		},
		OnProgress: func(p bulk.Progress) {
			// Called after every item, on Run's goroutine: keep it short.
			if n := p.Done + p.Failed + p.Unknown + p.Skipped; n%100 == 0 {
				fmt.Fprintf(os.Stderr, "\rbanned %d, skipped %d, failed %d, unknown %d (%.0f/s)   ",
					p.Done, p.Skipped, p.Failed, p.Unknown, p.Rate)
			}
			if also != nil {
				also(p)
			}
		},
	})
	fmt.Fprintln(os.Stderr)
	return sum, err
}
