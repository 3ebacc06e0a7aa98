package chatadmin_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// The examples run against chatadmintest, the in-memory emulator of the
// Admin API, so that their output is checked by go test. Against a live
// tenant only the client setup changes: WithRegion("eu") (or the tenant's
// WithBaseURL) and a real admin token.

// A Client needs a token and a base URL; everything else has defaults.
func ExampleNewClient() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()

	// With a live tenant: chatadmin.NewClient(token, chatadmin.WithRegion("eu")).
	client, err := chatadmin.NewClient(srv.Token(),
		chatadmin.WithBaseURL(srv.URL),
		chatadmin.WithUserAgent("moderation-bot/1.0"), // identifies your program in the server's logs
		chatadmin.WithMaxAttempts(3),
	)
	if err != nil {
		log.Fatal(err)
	}

	page, err := client.Channels.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, ch := range page.Items {
		fmt.Println(ch.Channel.ChannelID, ch.Channel.DisplayName)
	}
	// Output:
	// general General
	// random Random
}

// NewClientFromEnv keeps the token out of the code: a deployment sets
// CHATADMIN_TOKEN and CHATADMIN_BASE_URL.
func ExampleNewClientFromEnv() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()

	// Here the environment points at the emulator (keepEnv restores the
	// previous values when the example ends).
	defer keepEnv(chatadmin.EnvToken, chatadmin.EnvBaseURL)()
	os.Setenv(chatadmin.EnvToken, srv.Token())
	os.Setenv(chatadmin.EnvBaseURL, srv.URL)

	client, err := chatadmin.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	roles, err := client.Roles.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range roles {
		fmt.Println(r.Name, r.Permissions)
	}
	// Output:
	// moderator [MUTE_CHANNEL BAN_USER_FROM_CHANNEL DELETE_MESSAGE]
	// member []
}

// keepEnv records the current values of the named environment variables
// and returns a function that restores them.
func keepEnv(keys ...string) (restore func()) {
	type saved struct {
		value string
		ok    bool
	}
	old := make(map[string]saved, len(keys))
	for _, k := range keys {
		v, ok := os.LookupEnv(k)
		old[k] = saved{v, ok}
	}
	return func() {
		for k, s := range old {
			if s.ok {
				os.Setenv(k, s.value)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// A create is not retried after a 5xx, since the first attempt may have
// created the channel. WithRetrySafe opts one call in when a duplicate is
// harmless; WithResponseInfo shows how many attempts it took.
func ExampleWithRetrySafe() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL),
		chatadmin.WithRetryWait(time.Millisecond, 10*time.Millisecond)) // short waits keep the example fast
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The next create fails once with 503 Service Unavailable.
	srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel", Status: 503, Times: 1})

	var info chatadmin.ResponseInfo
	res, err := client.Channels.Create(ctx, "lobby", nil, chatadmin.WithRetrySafe(), chatadmin.WithResponseInfo(&info))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Channel.ChannelID, info.StatusCode, "after", info.Attempts, "attempts")
	// Output: lobby 200 after 2 attempts
}

// Creating a channel makes the admin a member; UserIDs adds others at once.
func ExampleChannelsService_Create() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	res, err := client.Channels.Create(context.Background(), "lobby", &chatadmin.ChannelCreateRequest{
		DisplayName: "Lobby",
		Tags:        []string{"public"},
		UserIDs:     []string{"alice", "bob"},
		Metadata:    chatadmin.Metadata{"topic": "general"},
	})
	if err != nil {
		log.Fatal(err)
	}
	ch := res.Channel
	fmt.Println(ch.ChannelID, ch.DisplayName, ch.Tags, ch.MemberCount, "members")
	fmt.Println("admin is", res.ChannelUser.Membership)
	// Output:
	// lobby Lobby [public] 3 members
	// admin is member
}

// A banned user leaves the channel and cannot rejoin until unbanned.
func ExampleChannelsService_BanUsers() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	if err := client.Channels.BanUsers(ctx, "general", []string{"bob"}); err != nil {
		log.Fatal(err)
	}
	// Adding bob back is refused while the ban lasts.
	err = client.Channels.AddUsers(ctx, "general", []string{"bob"})
	fmt.Println(errors.Is(err, chatadmin.ErrBanned))

	// Filter and UserID select the channels bob is still a member of.
	page, err := client.Channels.List(ctx, &chatadmin.ChannelListOptions{
		Filter: chatadmin.ChannelFilterMember, UserID: "bob",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), "channels")
	// Output:
	// true
	// 0 channels
}

// Text messages are posted as the admin; Data carries custom messages.
func ExampleMessagesService_Create() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	msg, err := client.Messages.Create(ctx, "general", &chatadmin.MessageCreateRequest{
		Text: "Maintenance tonight at 22:00.",
		Tags: []string{"announcement"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.Type, msg.UserID, msg.ChannelSegment, msg.Text())

	// A custom message's Data is any value that encodes as a JSON object.
	poll := map[string]any{"kind": "poll", "question": "Pizza or sushi?"}
	custom, err := client.Messages.Create(ctx, "general", &chatadmin.MessageCreateRequest{
		Type: chatadmin.MessageTypeCustom, Data: poll,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(custom.Type, string(custom.Data))
	// Output:
	// text admin 5 Maintenance tonight at 22:00.
	// custom {"kind":"poll","question":"Pizza or sushi?"}
}

// Only the fields set are changed. DisplayName is a pointer so that an
// empty name can be sent on purpose; Ptr makes one inline.
func ExampleUsersService_Update() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	user, err := client.Users.Update(context.Background(), "bob", &chatadmin.UserUpdateRequest{
		DisplayName: chatadmin.Ptr("Bob the Builder"),
		Roles:       []string{"moderator"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.UserID, user.DisplayName, user.Roles)
	// Output: bob Bob the Builder [moderator]
}

// Roles are created with their permissions; users then hold them through
// UsersService.Update.
func ExampleRolesService_Add() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	err = client.Roles.Add(ctx, []string{"support"}, &chatadmin.RoleAddRequest{Permissions: []string{"MUTE_CHANNEL", "DELETE_MESSAGE"}})
	if err != nil {
		log.Fatal(err)
	}
	roles, err := client.Roles.List(ctx, &chatadmin.RoleListOptions{Filter: "support"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range roles {
		fmt.Println(r.Name, r.Permissions)
	}
	// Output: support [MUTE_CHANNEL DELETE_MESSAGE]
}

// The admin reacts to a message; the reactors query lists who reacted.
func ExampleReactionsService_Create() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	msg, err := client.Messages.Create(ctx, "general", &chatadmin.MessageCreateRequest{Text: "Ship it?"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Reactions.Create(ctx, msg.MessageID, "like")
	if err != nil {
		log.Fatal(err)
	}
	for r, err := range client.Reactions.All(ctx, msg.MessageID, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.UserID, r.ReactionName)
	}
	// Output: admin like
}

// Do reaches an endpoint the SDK has no method for, on the same pipeline:
// the path names its parameters (they are escaped into their own segments
// and never reported), and the call is unsafe, never sent twice, unless
// declared Safe.
func ExampleClient_Do() {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	var created struct {
		Messages []struct {
			MessageID string         `json:"messageId"`
			Data      map[string]any `json:"data"`
		} `json:"messages"`
	}
	err = client.Do(ctx, &chatadmin.Request{
		Method: "POST",
		Path:   "/api/v2/message",
		JSON:   map[string]any{"channelId": "general", "type": "text", "data": map[string]any{"text": "hello"}},
	}, &created)
	if errors.Is(err, chatadmin.ErrOutcomeUnknown) {
		log.Fatal("the message may or may not exist: check before posting again")
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.Messages[0].Data["text"])

	err = client.Do(ctx, &chatadmin.Request{
		Method: "GET",
		Path:   "/api/v2/message/:messageId",
		Params: []string{"no-such-message"},
		Safe:   true,
	}, &struct{}{})
	fmt.Println(errors.Is(err, chatadmin.ErrNotFound))
	// Output:
	// hello
	// true
}
