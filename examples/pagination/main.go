// Pagination shows how to walk a long channel list in pages, stop, and
// resume later from a saved token: it creates 25 tagged channels, reads
// two pages of 10, keeps the second page's Next token, and finishes the
// sweep from it, checking that every channel was seen exactly once.
//
//	go run ./examples/pagination
//
// It runs against the in-process emulator unless CHATADMIN_BASE_URL and
// CHATADMIN_TOKEN point it at a live tenant (where it closes the channels
// it created before exiting).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
)

const (
	channelCount = 25
	pageSize     = 10
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

func run(ctx context.Context, env *exampleenv.Env, w io.Writer) (err error) {
	c := env.Client
	// The tag confines the listing to this run's channels, whatever else
	// the tenant holds.
	tag := env.Name("pagination")

	var created []string
	defer exampleenv.Cleanup(w, "closed the channels", &err, func(ctx context.Context) error {
		var errs []error
		for _, id := range created {
			errs = append(errs, c.Channels.Close(ctx, id))
		}
		return errors.Join(errs...)
	})
	for i := 1; i <= channelCount; i++ {
		id := env.Name(fmt.Sprintf("page-demo-%02d", i))
		if _, err := c.Channels.Create(ctx, id, &chatadmin.ChannelCreateRequest{Tags: []string{tag}}); err != nil {
			return err
		}
		created = append(created, id)
	}
	fmt.Fprintf(w, "created %d channels tagged %s\n", len(created), tag)

	seen := map[string]int{}
	opts := &chatadmin.ChannelListOptions{Tags: []string{tag}, Limit: pageSize}

	// First session: two pages, then stop. page.Next is all it takes to
	// continue later, even in another process.
	var saved string
	pageNo := 0
	for page, err := range c.Channels.Pages(ctx, opts) {
		if err != nil {
			return err
		}
		pageNo++
		for _, ch := range page.Items {
			seen[ch.Channel.ChannelID]++
		}
		fmt.Fprintf(w, "page %d: %d channels%s\n", pageNo, len(page.Items), span(page.Items))
		if pageNo == 2 {
			saved = page.Next
			break
		}
	}
	if saved == "" {
		return fmt.Errorf("no Next token after page %d", pageNo)
	}
	fmt.Fprintf(w, "stopped after page %d, saved its Next token (%d bytes)\n", pageNo, len(saved))

	// Second session: the token resumes the sweep; All hides the page
	// boundaries from here on.
	resumed := 0
	for ch, err := range c.Channels.All(ctx, &chatadmin.ChannelListOptions{Tags: []string{tag}, Token: saved}) {
		if err != nil {
			return err
		}
		seen[ch.Channel.ChannelID]++
		resumed++
	}
	fmt.Fprintf(w, "resumed from the token: %d more channels\n", resumed)

	for _, id := range created {
		if seen[id] != 1 {
			return fmt.Errorf("channel %s seen %d times, want once", id, seen[id])
		}
	}
	if len(seen) != len(created) {
		return fmt.Errorf("saw %d channels, want %d", len(seen), len(created))
	}
	fmt.Fprintf(w, "every one of the %d channels was seen exactly once\n", len(created))
	return nil
}

// span names a page's first and last channels.
func span(items []chatadmin.ChannelResult) string {
	if len(items) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s … %s)", items[0].Channel.ChannelID, items[len(items)-1].Channel.ChannelID)
}
