package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// Ban a list of accounts, one id per line, and see what failed.
func ExampleBanUsers() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	srv.AddUser("spam1", "Spam 1")
	srv.AddUser("spam2", "Spam 2")
	c, _ := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))

	list := strings.NewReader("spam1\n  spam2  \n\nnobody\n")
	sum, err := bulk.BanUsers(context.Background(), c, bulk.Lines(list), &bulk.Options{
		OnResult: func(r bulk.Result[string]) {
			if r.Status != bulk.Done {
				fmt.Println(r.Key, r.Status, "- not found:", errors.Is(r.Err, chatadmin.ErrNotFound))
			}
		},
	})
	fmt.Println(sum.Done, "banned,", sum.Failed, "failed,", err)
	// Output:
	// nobody failed - not found: true
	// 2 banned, 1 failed, <nil>
}

// Add 250 users to a channel: the helper sends them in calls of
// chatadmin.MaxUserIDs.
func ExampleAddChannelUsers() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, _ := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	ctx := context.Background()
	if _, err := c.Channels.Create(ctx, "town-hall", nil); err != nil {
		panic(err)
	}
	var users []string
	for i := range 250 {
		users = append(users, fmt.Sprintf("u%d", i))
	}
	sum, err := bulk.AddChannelUsers(ctx, c, "town-hall", bulk.Slice(users), nil)
	calls := 0
	for _, r := range srv.Requests() {
		if r.Route == "POST /api/v2/channel/:channelId/users" {
			calls++
		}
	}
	fmt.Println(sum.Done, "added in", calls, "calls,", err)
	// Output: 250 added in 3 calls, <nil>
}

// A job of your own: post a notice in many channels. Posting is not safe
// to repeat, so the Job is not Idempotent: with a journal, a run that
// crashed never posts an item twice, and lists the items whose outcome it
// cannot know.
func ExampleJob() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, _ := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	ctx := context.Background()
	channels := []string{"eu", "us", "asia"}
	for _, id := range channels {
		if _, err := c.Channels.Create(ctx, id, nil); err != nil {
			panic(err)
		}
	}
	dir, _ := os.MkdirTemp("", "bulk-example-")
	defer os.RemoveAll(dir)

	job := &bulk.Job[string]{
		Name:    "notice/maintenance-2025-06",
		Journal: filepath.Join(dir, "notice.jsonl"),
		Do: func(ctx context.Context, ids []string) error {
			_, err := c.Messages.Create(ctx, ids[0], &chatadmin.MessageCreateRequest{Text: "Maintenance tonight at 22:00 UTC."})
			return err
		},
	}
	sum, err := job.Run(ctx, bulk.Slice(channels))
	fmt.Println("first run:", sum.Done, "posted", err)
	// Run again, as after a crash: the journal says every channel is done.
	sum, err = job.Run(ctx, bulk.Slice(channels))
	fmt.Println("second run:", sum.Done, "posted,", sum.Skipped, "skipped", err)
	// Output:
	// first run: 3 posted <nil>
	// second run: 0 posted, 3 skipped <nil>
}
