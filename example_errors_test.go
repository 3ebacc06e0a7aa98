package chatadmin_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// Server errors are *APIError values: branch on a family with errors.Is,
// or on an exact code with errors.As.
func ExampleAPIError() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	_, err = client.Messages.Get(ctx, "no-such-message")
	if errors.Is(err, chatadmin.ErrNotFound) {
		fmt.Println(err)
	}

	// bob is a member of general, not banned: the unban is refused.
	err = client.Channels.UnbanUsers(ctx, "general", []string{"bob"})
	var apiErr *chatadmin.APIError
	if errors.As(err, &apiErr) && apiErr.Code == chatadmin.CodeNotBanned {
		fmt.Printf("%d %v (%d) %s\n", apiErr.StatusCode, apiErr.Code, apiErr.Code, apiErr.Route)
	}
	// Output:
	// chatadmin: GET /api/v2/message/:messageId: 404 400400: Message Not Found.
	// 400 NotBanned (400316) /api/v2/channel/:channelId/users/unban
}

// Input the SDK can check itself is refused before anything is sent, with
// a *ValidationError naming the Go field and the wire field.
func ExampleValidationError() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	tooMany := make([]string, chatadmin.MaxUserIDs+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprint("user", i)
	}
	err = client.Channels.BanUsers(context.Background(), "general", tooMany)

	var verr *chatadmin.ValidationError
	if errors.As(err, &verr) {
		fmt.Println(verr.Field, verr.WireField, errors.Is(err, chatadmin.ErrInvalidInput))
	}
	fmt.Println(len(srv.Requests()), "requests sent")
	// Output:
	// userIDs userIds true
	// 0 requests sent
}

// A blacklisted word makes new text messages fail with CodeBlacklistedWord,
// which belongs to the ErrContentRejected family.
func ExampleBlacklistService_Add() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// exactWord: "darn" is refused, "darning" is not.
	if err := client.Blacklist.Add(ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{"darn"}, Match: chatadmin.MatchExactWord}); err != nil {
		log.Fatal(err)
	}
	for _, text := range []string{"Darning socks", "Darn it"} {
		_, err := client.Messages.Create(ctx, "general", &chatadmin.MessageCreateRequest{Text: text})
		var apiErr *chatadmin.APIError
		switch {
		case errors.Is(err, chatadmin.ErrContentRejected) && errors.As(err, &apiErr):
			fmt.Printf("%q rejected: code %d\n", text, apiErr.Code)
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Printf("%q posted\n", text)
		}
	}
	// Output:
	// "Darning socks" posted
	// "Darn it" rejected: code 400308
}

// Once a whitelist exists, messages may link only to the hosts it matches.
func ExampleWhitelistService_Add() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	if err := client.Whitelist.Add(ctx, &chatadmin.WhitelistAddRequest{Regexs: []string{`(^|\.)example\.com$`}}); err != nil {
		log.Fatal(err)
	}
	for _, text := range []string{"See https://docs.example.com/faq", "Free prizes at https://prizes.test"} {
		_, err := client.Messages.Create(ctx, "general", &chatadmin.MessageCreateRequest{Text: text})
		var apiErr *chatadmin.APIError
		if errors.As(err, &apiErr) && apiErr.Code == chatadmin.CodeLinkNotWhitelisted {
			fmt.Println("rejected:", text)
		} else if err != nil {
			log.Fatal(err)
		} else {
			fmt.Println("posted:", text)
		}
	}
	// Output:
	// posted: See https://docs.example.com/faq
	// rejected: Free prizes at https://prizes.test
}
