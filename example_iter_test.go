package chatadmin_test

import (
	"context"
	"fmt"
	"log"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// All fetches pages as the loop needs them; an error ends the loop and is
// yielded once, so check it on every step.
func ExampleChannelsService_All() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Limit is the page size, not a cap on the loop: both channels come
	// back, one request each.
	for res, err := range client.Channels.All(context.Background(), &chatadmin.ChannelListOptions{Limit: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Channel.ChannelID, res.Channel.Tags, res.Channel.MemberCount)
	}
	// Output:
	// general [public] 3
	// random [offtopic] 2
}

// A long sweep can stop after any page and resume later, even in another
// process, from the page's Next token.
func ExampleChannelsService_Pages() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"c1", "c2", "c3", "c4", "c5"} {
		if _, err := client.Channels.Create(ctx, id, nil); err != nil {
			log.Fatal(err)
		}
	}

	// Process one page, then save where to continue.
	var saved string
	for page, err := range client.Channels.Pages(ctx, &chatadmin.ChannelListOptions{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("first run:", pageChannelIDs(page))
		saved = page.Next
		break
	}

	// Later: pass the token back untouched; it remembers the page size.
	for page, err := range client.Channels.Pages(ctx, &chatadmin.ChannelListOptions{Token: saved}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("resumed:", pageChannelIDs(page))
	}
	// Output:
	// first run: [c1 c2]
	// resumed: [c3 c4]
	// resumed: [c5]
}

// pageChannelIDs lists the ids of a page's channels.
func pageChannelIDs(page *chatadmin.Page[chatadmin.ChannelResult]) []string {
	ids := make([]string, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.Channel.ChannelID
	}
	return ids
}

// Messages come oldest first, each channelSegment once, whether the server
// pages by token or by segment window.
func ExampleMessagesService_All() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	for msg, err := range client.Messages.All(context.Background(), "general", nil) {
		if err != nil {
			log.Fatal(err)
		}
		switch msg.Type {
		case chatadmin.MessageTypeText:
			fmt.Println(msg.ChannelSegment, msg.Text())
		case chatadmin.MessageTypeCustom:
			// Custom data has the application's own shape.
			var poll struct{ Question string }
			if err := msg.DecodeData(&poll); err != nil {
				log.Fatal(err)
			}
			fmt.Println(msg.ChannelSegment, "poll:", poll.Question)
		}
	}
	// Output:
	// 1 Welcome to #general!
	// 2 Read the rules first.
	// 3 Thanks!
	// 4 poll: Lunch?
}

// Pages also carries the senders of each page's messages, so a sweep can
// show names without querying users.
func ExampleMessagesService_Pages() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Top-level messages only (no comments), two per page.
	opts := &chatadmin.MessageListOptions{FilterByParentID: true, First: 2}
	for page, err := range client.Messages.Pages(context.Background(), "general", opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("page of", len(page.Items))
		for _, msg := range page.Items {
			fmt.Printf("  %s (%s)\n", msg.Type, page.User(msg.UserID).DisplayName)
		}
	}
	// Output:
	// page of 2
	//   text (Admin)
	//   text (Admin)
	// page of 1
	//   custom (Admin)
}

// Without options All lists every user, the admin included; a filter
// narrows the sweep on the server.
func ExampleUsersService_All() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	for u, err := range client.Users.All(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.UserID, u.DisplayName, u.Roles)
	}
	for u, err := range client.Users.All(ctx, &chatadmin.UserListOptions{Filter: chatadmin.UserFilterFlagged}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("flagged:", u.UserID, u.FlagCount)
	}
	// Output:
	// admin Admin []
	// alice Alice Liddell [moderator]
	// bob Bob Builder [member]
	// carol Carol Danvers [member]
	// flagged: carol 2
}
