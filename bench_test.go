package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The benchmarks pair each SDK call with a hand-written net/http call that
// sends the same bytes to the same loopback server over the same transport
// settings and decodes into the same types: the floor the SDK is measured
// against (TestBenchmarkPairsSendTheSameRequest checks the bytes). Run
// them with (BENCHMARKS.md):
//
//	go test -run '^$' -bench 'Query|Ban|Create|Decode' -benchmem -count 6 .
//
// The raw client decodes into plain slices (rawChannelPage, rawMessages),
// as hand-written code would; the SDK's response types bound their lists.

// benchServer answers every request with body after reading the request.
func benchServer(b *testing.B, body []byte) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchClient(b *testing.B, srv *httptest.Server, opts ...Option) *Client {
	b.Helper()
	c, err := NewClient(testToken, append([]Option{WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.hc.CloseIdleConnections)
	return c
}

// rawClient is what a careful hand-written integration would use: the same
// transport settings as the SDK's default.
func rawClient(b *testing.B) *http.Client {
	hc := &http.Client{Transport: NewTransport()}
	b.Cleanup(hc.CloseIdleConnections)
	return hc
}

// rawCall sends one request and decodes a 2xx JSON body into out (nil:
// discard it), as a hand-written client would.
func rawCall(hc *http.Client, method, url, contentType string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("User-Agent", "chatadmin-go/"+Version)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
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

func channelJSON(i int) map[string]any {
	ts := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	return map[string]any{
		"channel": map[string]any{
			"channelId": fmt.Sprintf("channel-%03d", i), "type": "standard", "displayName": fmt.Sprintf("Channel %d", i),
			"metadata": map[string]any{"topic": "general", "owner": "ops"}, "tags": []string{"public", "en"},
			"isDistinct": false, "isMuted": false, "muteTimeout": ts, "isRateLimited": false, "rateLimit": 0,
			"rateLimitWindow": 0, "memberCount": 12, "messageCount": 340, "messageAutoDeleteEnabled": false,
			"autoDeleteMessageByFlagLimit": 0, "lastActivity": ts, "createdAt": ts, "updatedAt": ts,
		},
		"channelUser": map[string]any{
			"userId": "admin", "channelId": fmt.Sprintf("channel-%03d", i), "membership": "member", "isBanned": false,
			"roles": []string{"moderator"}, "readToSegment": 40, "isMuted": false, "muteTimeout": ts,
			"lastActivity": ts, "createdAt": ts, "updatedAt": ts,
		},
	}
}

func channelsPage(n int) []byte {
	results := make([]any, n)
	for i := range results {
		results[i] = channelJSON(i)
	}
	body, _ := json.Marshal(map[string]any{"results": results, "paging": map[string]any{"next": "eyJza2lwIjoxMDB9"}})
	return body
}

func BenchmarkQueryChannels100(b *testing.B) {
	body := channelsPage(100)
	srv := benchServer(b, body)
	b.Run("client=sdk", func(b *testing.B) {
		defer reportCPU(b)()
		c := benchClient(b, srv)
		opts := &ChannelListOptions{Limit: 100}
		b.ReportAllocs()
		for b.Loop() {
			page, err := c.Channels.List(context.Background(), opts)
			if err != nil || len(page.Items) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("client=raw", func(b *testing.B) {
		defer reportCPU(b)()
		hc := rawClient(b)
		form := []byte("options%5Blimit%5D=100")
		b.ReportAllocs()
		for b.Loop() {
			var out rawChannelPage
			if err := rawCall(hc, "POST", srv.URL+"/api/v2/channels", contentTypeForm, form, &out); err != nil || len(out.Results) != 100 {
				b.Fatal(err)
			}
		}
	})
}

// rawChannelPage is how a hand-written client decodes a channel query.
type rawChannelPage struct {
	Results []ChannelResult `json:"results"`
	Paging  paging          `json:"paging"`
}

func benchUserIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%04d", i)
	}
	return ids
}

// rawBanForm is how a careful hand-written client builds userIds[]=…:
// straight into one buffer (the ids need no escaping).
func rawBanForm(ids []string) []byte {
	var sb strings.Builder
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString("userIds%5B%5D=")
		sb.WriteString(id)
	}
	return []byte(sb.String())
}

func BenchmarkBanUsers100(b *testing.B) {
	srv := benchServer(b, []byte("OK"))
	ids := benchUserIDs(100)
	b.Run("client=sdk", func(b *testing.B) {
		defer reportCPU(b)()
		c := benchClient(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			if err := c.Channels.BanUsers(context.Background(), "lobby", ids); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client=raw", func(b *testing.B) {
		defer reportCPU(b)()
		hc := rawClient(b)
		b.ReportAllocs()
		for b.Loop() {
			// A hand-written client builds the form per call too.
			if err := rawCall(hc, "POST", srv.URL+"/api/v2/channel/lobby/users/ban", contentTypeForm, rawBanForm(ids), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecodeChannels100(b *testing.B) {
	body := channelsPage(100)
	b.Run("client=sdk", func(b *testing.B) {
		defer reportCPU(b)()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var out channelListResponse
			if apiErr, err := decodeResponse(body, &out); err != nil || apiErr != nil || len(out.Results) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("client=raw", func(b *testing.B) {
		defer reportCPU(b)()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var out rawChannelPage
			if err := json.Unmarshal(body, &out); err != nil || len(out.Results) != 100 {
				b.Fatal(err)
			}
		}
	})
}

// messageJSON is a text message as the server lists it.
func messageJSON(i int) map[string]any {
	ts := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	return map[string]any{
		"messageId": fmt.Sprintf("m%04d", i), "channelId": "lobby", "userId": fmt.Sprintf("user-%02d", i%10),
		"type": "text", "data": map[string]any{"text": fmt.Sprintf("message number %d, with some words in it", i)},
		"tags": []string{"news"}, "parentId": nil, "childrenNumber": 0, "channelSegment": i + 1,
		"isDeleted": false, "flagCount": 0, "reactions": map[string]int{"like": 2}, "reactionsCount": 2,
		"createdAt": ts, "updatedAt": ts, "editedAt": ts,
	}
}

func userJSON(i int) map[string]any {
	ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	return map[string]any{
		"userId": fmt.Sprintf("user-%02d", i), "displayName": fmt.Sprintf("User %d", i), "roles": []string{"member"},
		"metadata": map[string]any{"team": "red"}, "flagCount": 0, "createdAt": ts, "updatedAt": ts,
	}
}

// messagesPage is a wrapped message query (or create) response with n
// messages from min(n, 10) users.
func messagesPage(n int) []byte {
	msgs := make([]any, n)
	for i := range msgs {
		msgs[i] = messageJSON(i)
	}
	users := make([]any, min(n, 10))
	for i := range users {
		users[i] = userJSON(i)
	}
	body, _ := json.Marshal(map[string]any{"status": "success", "data": map[string]any{
		"messages": msgs, "users": users, "paging": map[string]any{"next": "eyJhZnRlciI6MTAwfQ=="}}})
	return body
}

// wrappedMessages is how a hand-written client decodes a wrapped message
// response.
type wrappedMessages struct {
	Status string      `json:"status"`
	Data   rawMessages `json:"data"`
}

type rawMessages struct {
	Messages []Message `json:"messages"`
	Users    []User    `json:"users"`
	Paging   *paging   `json:"paging"`
}

func BenchmarkCreateTextMessage(b *testing.B) {
	srv := benchServer(b, messagesPage(1))
	b.Run("client=sdk", func(b *testing.B) {
		defer reportCPU(b)()
		c := benchClient(b, srv)
		req := &MessageCreateRequest{Text: "hello, world"}
		b.ReportAllocs()
		for b.Loop() {
			m, err := c.Messages.Create(context.Background(), "lobby", req)
			if err != nil || m.MessageID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("client=raw", func(b *testing.B) {
		defer reportCPU(b)()
		hc := rawClient(b)
		b.ReportAllocs()
		for b.Loop() {
			// A hand-written client marshals its request struct per call.
			body, err := json.Marshal(rawCreateMessage{ChannelID: "lobby", Type: "text", Data: rawText{Text: "hello, world"}})
			if err != nil {
				b.Fatal(err)
			}
			var out wrappedMessages
			if err := rawCall(hc, "POST", srv.URL+"/api/v2/message", contentTypeJSON, body, &out); err != nil || len(out.Data.Messages) != 1 {
				b.Fatal(err)
			}
		}
	})
}

// rawCreateMessage is a hand-written client's create body: the same bytes
// as the SDK's.
type rawCreateMessage struct {
	ChannelID string  `json:"channelId"`
	Type      string  `json:"type"`
	Data      rawText `json:"data"`
}

type rawText struct {
	Text string `json:"text"`
}

func BenchmarkDecodeMessages100(b *testing.B) {
	body := messagesPage(100)
	b.Run("client=sdk", func(b *testing.B) {
		defer reportCPU(b)()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var out messagesResponse
			if apiErr, err := decodeResponse(body, &out); err != nil || apiErr != nil || len(out.Messages) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("client=raw", func(b *testing.B) {
		defer reportCPU(b)()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var out wrappedMessages
			if err := json.Unmarshal(body, &out); err != nil || len(out.Data.Messages) != 100 {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateUnsafeGuards prices what an unsafe call does to be sent
// at most once (the send-once transport copy and the sent/not-sent
// trace): the same create as an unsafe call and with WithRetrySafe, which
// skips both.
func BenchmarkCreateUnsafeGuards(b *testing.B) {
	srv := benchServer(b, messagesPage(1))
	for _, mode := range []struct {
		name string
		opts []RequestOption
	}{{"unsafe", nil}, {"retrysafe", []RequestOption{WithRetrySafe()}}} {
		b.Run("mode="+mode.name, func(b *testing.B) {
			defer reportCPU(b)()
			c := benchClient(b, srv)
			req := &MessageCreateRequest{Text: "hello, world"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Messages.Create(context.Background(), "lobby", req, mode.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
