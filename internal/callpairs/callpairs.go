// Package callpairs is the calls of issue 19's SDK/raw comparison (create
// a text message, query a page of 100 channels, ban 100 users), each as an
// SDK call and the same call written by hand with net/http and
// encoding/json, against a loopback server or in process. Only the public
// API is used, so the pairs measure whatever the request path is. The
// callbench command and BenchmarkCallPairs (bench_pairs_test.go) run them.
package callpairs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go"
)

const token = "callbench-token-123456"

// Calls and Wheres name the pairs New makes. "server process" is loopback
// with the server in a child process (ServeChild), so that the process's
// CPU is the client's alone, as in a backend calling the API.
var (
	Calls  = []string{"create text message", "query 100 channels", "ban 100 users"}
	Wheres = []string{"loopback", "in-process", "server process"}
)

// Pair is the SDK and raw variants of one call against one server.
type Pair struct {
	SDK, Raw func(ctx context.Context) error
	// Close stops the server and closes both clients' idle connections.
	Close func()
}

// New returns the pair of call (one of Calls) served where (one of
// Wheres). The raw client uses chatadmin.NewTransport() (the SDK's
// transport settings) on loopback, and builds each body per call, as
// careful hand-written code would; it decodes into the same item types.
func New(call, where string) (*Pair, error) { return newPair(call, where, nil) }

// newPair is New with the server's handler wrapped by wrap, when not nil.
func newPair(call, where string, wrap func(http.Handler) http.Handler) (*Pair, error) {
	body, mk, err := callFor(call)
	if err != nil {
		return nil, err
	}
	h := answer(body)
	if wrap != nil {
		h = wrap(h)
	}
	if where == Wheres[2] {
		base, stop, err := startChild(call)
		if err != nil {
			return nil, err
		}
		return pairAt(mk, base, chatadmin.NewTransport(), chatadmin.NewTransport(), stop)
	}
	var base string
	var sdkT, rawT http.RoundTripper
	stop := func() {}
	switch where {
	case Wheres[0]:
		srv := httptest.NewServer(h)
		base, stop = srv.URL, srv.Close
		sdkT, rawT = chatadmin.NewTransport(), chatadmin.NewTransport()
	case Wheres[1]:
		base = "http://127.0.0.1:1" // never dialled: the transport is the handler
		sdkT, rawT = inProcess{h}, inProcess{h}
	default:
		return nil, fmt.Errorf("callpairs: no place %q", where)
	}
	return pairAt(mk, base, sdkT, rawT, stop)
}

// pairAt makes the pair with mk against base, each client over its own
// transport; the pair's Close ends with stop.
func pairAt(mk func(*chatadmin.Client, *http.Client, string) *Pair, base string, sdkT, rawT http.RoundTripper, stop func()) (*Pair, error) {
	hc, rawHC := &http.Client{Transport: sdkT}, &http.Client{Transport: rawT}
	sdk, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(base), chatadmin.WithHTTPClient(hc))
	if err != nil {
		stop()
		return nil, err
	}
	p := mk(sdk, rawHC, base)
	p.Close = func() {
		hc.CloseIdleConnections()
		rawHC.CloseIdleConnections()
		stop()
	}
	return p, nil
}

// callFor returns call's answer body and the maker of its pair.
func callFor(call string) ([]byte, func(*chatadmin.Client, *http.Client, string) *Pair, error) {
	switch call {
	case Calls[0]:
		return messagesPage(1), createPair, nil
	case Calls[1]:
		return channelsPage(100), queryPair, nil
	case Calls[2]:
		return []byte("OK"), banPair, nil
	}
	return nil, nil, fmt.Errorf("callpairs: no call %q", call)
}

// answer is a handler that reads the request and answers body.
func answer(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	})
}

// inProcess serves requests with a handler in the caller's goroutine: the
// cost of the clients without the loopback socket's.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// rawCall sends one request and decodes a 2xx JSON body into out (nil:
// discard it), as a hand-written client would.
func rawCall(ctx context.Context, hc *http.Client, method, url, contentType string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("User-Agent", "chatadmin-go/"+chatadmin.Version)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", contentType)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func createPair(sdk *chatadmin.Client, raw *http.Client, base string) *Pair {
	req := &chatadmin.MessageCreateRequest{Text: "hello, world"}
	type text struct {
		Text string `json:"text"`
	}
	type create struct {
		ChannelID string `json:"channelId"`
		Type      string `json:"type"`
		Data      text   `json:"data"`
	}
	return &Pair{
		SDK: func(ctx context.Context) error {
			m, err := sdk.Messages.Create(ctx, "lobby", req)
			if err == nil && m.MessageID == "" {
				err = fmt.Errorf("no message id")
			}
			return err
		},
		Raw: func(ctx context.Context) error {
			body, err := json.Marshal(create{ChannelID: "lobby", Type: "text", Data: text{Text: "hello, world"}})
			if err != nil {
				return err
			}
			var out struct {
				Data struct {
					Messages []chatadmin.Message `json:"messages"`
					Users    []chatadmin.User    `json:"users"`
				} `json:"data"`
			}
			if err := rawCall(ctx, raw, http.MethodPost, base+"/api/v2/message", "application/json", body, &out); err != nil {
				return err
			}
			if len(out.Data.Messages) != 1 {
				return fmt.Errorf("%d messages", len(out.Data.Messages))
			}
			return nil
		}}
}

func queryPair(sdk *chatadmin.Client, raw *http.Client, base string) *Pair {
	opts := &chatadmin.ChannelListOptions{Limit: 100}
	return &Pair{
		SDK: func(ctx context.Context) error {
			page, err := sdk.Channels.List(ctx, opts)
			if err == nil && len(page.Items) != 100 {
				err = fmt.Errorf("%d channels", len(page.Items))
			}
			return err
		},
		Raw: func(ctx context.Context) error {
			var out struct {
				Results []chatadmin.ChannelResult `json:"results"`
				Paging  struct {
					Next string `json:"next"`
				} `json:"paging"`
			}
			if err := rawCall(ctx, raw, http.MethodPost, base+"/api/v2/channels", "application/x-www-form-urlencoded",
				[]byte("options%5Blimit%5D=100"), &out); err != nil {
				return err
			}
			if len(out.Results) != 100 {
				return fmt.Errorf("%d channels", len(out.Results))
			}
			return nil
		}}
}

func banPair(sdk *chatadmin.Client, raw *http.Client, base string) *Pair {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%04d", i)
	}
	return &Pair{
		SDK: func(ctx context.Context) error { return sdk.Channels.BanUsers(ctx, "lobby", ids) },
		Raw: func(ctx context.Context) error {
			// A hand-written client builds the form per call too; the
			// ids need no escaping.
			var sb strings.Builder
			for i, id := range ids {
				if i > 0 {
					sb.WriteByte('&')
				}
				sb.WriteString("userIds%5B%5D=")
				sb.WriteString(id)
			}
			return rawCall(ctx, raw, http.MethodPost, base+"/api/v2/channel/lobby/users/ban",
				"application/x-www-form-urlencoded", []byte(sb.String()), nil)
		}}
}

var ts = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)

// channelsPage is a channel query's answer with n channels.
func channelsPage(n int) []byte {
	results := make([]any, n)
	for i := range results {
		id := fmt.Sprintf("channel-%03d", i)
		results[i] = map[string]any{
			"channel": map[string]any{
				"channelId": id, "type": "standard", "displayName": fmt.Sprintf("Channel %d", i),
				"metadata": map[string]any{"topic": "general", "owner": "ops"}, "tags": []string{"public", "en"},
				"isDistinct": false, "isMuted": false, "muteTimeout": ts, "isRateLimited": false, "rateLimit": 0,
				"rateLimitWindow": 0, "memberCount": 12, "messageCount": 340, "messageAutoDeleteEnabled": false,
				"autoDeleteMessageByFlagLimit": 0, "lastActivity": ts, "createdAt": ts, "updatedAt": ts,
			},
			"channelUser": map[string]any{
				"userId": "admin", "channelId": id, "membership": "member", "isBanned": false,
				"roles": []string{"moderator"}, "readToSegment": 40, "isMuted": false, "muteTimeout": ts,
				"lastActivity": ts, "createdAt": ts, "updatedAt": ts,
			},
		}
	}
	body, _ := json.Marshal(map[string]any{"results": results, "paging": map[string]any{"next": "eyJza2lwIjoxMDB9"}})
	return body
}

// messagesPage is a wrapped message answer with n messages.
func messagesPage(n int) []byte {
	msgs := make([]any, n)
	for i := range msgs {
		msgs[i] = map[string]any{
			"messageId": fmt.Sprintf("m%04d", i), "channelId": "lobby", "userId": fmt.Sprintf("user-%02d", i%10),
			"type": "text", "data": map[string]any{"text": fmt.Sprintf("message number %d, with some words in it", i)},
			"tags": []string{"news"}, "parentId": nil, "childrenNumber": 0, "channelSegment": i + 1,
			"isDeleted": false, "flagCount": 0, "reactions": map[string]int{"like": 2}, "reactionsCount": 2,
			"createdAt": ts, "updatedAt": ts, "editedAt": ts,
		}
	}
	users := make([]any, min(n, 10))
	for i := range users {
		users[i] = map[string]any{"userId": fmt.Sprintf("user-%02d", i), "displayName": fmt.Sprintf("User %d", i),
			"roles": []string{"member"}, "metadata": map[string]any{"team": "red"}, "flagCount": 0, "createdAt": ts, "updatedAt": ts}
	}
	body, _ := json.Marshal(map[string]any{"status": "success", "data": map[string]any{
		"messages": msgs, "users": users, "paging": map[string]any{"next": "eyJhZnRlciI6MTAwfQ=="}}})
	return body
}
