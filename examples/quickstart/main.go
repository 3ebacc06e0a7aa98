// Quickstart shows the everyday calls: create a channel with members,
// send a text and a custom message, read the messages back and page
// through channels.
//
//	go run ./examples/quickstart
//
// It runs against the in-process emulator unless CHATADMIN_BASE_URL and
// CHATADMIN_TOKEN point it at a live tenant (where it closes the channels
// it created before exiting).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
)

func main() {
	// A live tenant when CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set; an
	// in-process emulator otherwise.
	baseURL, token, emu, err := exampleenv.Target(os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	client, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(baseURL))
	if err != nil {
		log.Fatal(err)
	}
	exampleenv.Main(exampleenv.New(client, emu), run)
}

// poll is an application-defined payload: custom messages carry any JSON
// object, and DecodeData reads it back into the application's type.
type poll struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

func run(ctx context.Context, env *exampleenv.Env, w io.Writer) (err error) {
	c := env.Client
	tag := env.Name("quickstart")
	lobby, news := env.Name("lobby"), env.Name("news")
	alice, bob, carol := env.Name("alice"), env.Name("bob"), env.Name("carol")

	res, err := c.Channels.Create(ctx, lobby, &chatadmin.ChannelCreateRequest{
		DisplayName: "Lobby",
		Tags:        []string{tag},
		UserIDs:     []string{alice, bob},
		Metadata:    chatadmin.Metadata{"topic": "general", "owner": map[string]any{"team": "support"}},
	})
	if err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "closed channel "+lobby, &err, func(ctx context.Context) error {
		return c.Channels.Close(ctx, lobby)
	})
	fmt.Fprintf(w, "created channel %s (%q) with %d members\n",
		res.Channel.ChannelID, res.Channel.DisplayName, res.Channel.MemberCount)

	if err := c.Channels.AddUsers(ctx, lobby, []string{carol}); err != nil {
		return err
	}
	fmt.Fprintf(w, "added %s to %s\n", carol, lobby)

	text, err := c.Messages.Create(ctx, lobby, &chatadmin.MessageCreateRequest{Text: "Welcome to the lobby!"})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sent text message %s\n", text.MessageID)

	custom, err := c.Messages.Create(ctx, lobby, &chatadmin.MessageCreateRequest{
		Type: chatadmin.MessageTypeCustom,
		Data: poll{Question: "Lunch?", Options: []string{"pizza", "sushi"}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sent custom message %s\n", custom.MessageID)

	// All walks the channel oldest first, fetching pages as the loop asks.
	fmt.Fprintf(w, "messages in %s:\n", lobby)
	for m, err := range c.Messages.All(ctx, lobby, nil) {
		if err != nil {
			return err
		}
		switch m.Type {
		case chatadmin.MessageTypeText:
			fmt.Fprintf(w, "  #%d %s (text): %s\n", m.ChannelSegment, m.UserID, m.Text())
		case chatadmin.MessageTypeCustom:
			var p poll
			if err := m.DecodeData(&p); err != nil {
				return err
			}
			fmt.Fprintf(w, "  #%d %s (custom poll): %s %v\n", m.ChannelSegment, m.UserID, p.Question, p.Options)
		default:
			fmt.Fprintf(w, "  #%d %s (%s)\n", m.ChannelSegment, m.UserID, m.Type)
		}
	}

	// A second channel with the same tag gives the listing below something
	// to page through.
	if _, err := c.Channels.Create(ctx, news, &chatadmin.ChannelCreateRequest{
		DisplayName: "News", Tags: []string{tag},
	}); err != nil {
		return err
	}
	defer exampleenv.Cleanup(w, "closed channel "+news, &err, func(ctx context.Context) error {
		return c.Channels.Close(ctx, news)
	})
	fmt.Fprintf(w, "created channel %s\n", news)

	// A page size of 1 makes All fetch one page per channel, to show that
	// the loop does not see page boundaries; the tag keeps a live tenant's
	// other channels out.
	fmt.Fprintf(w, "channels tagged %s:\n", tag)
	for ch, err := range c.Channels.All(ctx, &chatadmin.ChannelListOptions{Tags: []string{tag}, Limit: 1}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s %q: members %d, messages %d\n",
			ch.Channel.ChannelID, ch.Channel.DisplayName, ch.Channel.MemberCount, ch.Channel.MessageCount)
	}
	return nil
}
