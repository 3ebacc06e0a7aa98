package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/stream"
)

// The fast paths of issue 6 must send and read exactly what the plain
// library calls they replace would.

func TestReadLimited(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 1000) // 10,000 bytes
	for _, tc := range []struct {
		name          string
		limit, length int64
		wantLen       int
	}{
		{"unknown length", 1 << 20, -1, 10_000},
		{"known length", 1 << 20, 10_000, 10_000},
		{"length understated", 1 << 20, 100, 10_000},
		{"length overstated", 1 << 20, 50_000, 10_000},
		{"at the limit", 10_000, 10_000, 10_000},
		{"over the limit", 9_999, -1, 10_000},
		{"over the limit, announced", 4_000, 10_000, 4_001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(body), iotest.OneByteReader(bytes.NewReader(body)), iotest.DataErrReader(bytes.NewReader(body))} {
				got, err := stream.ReadLimited(nil, r, tc.limit, tc.length)
				require.NoError(t, err)
				require.LessOrEqual(t, int64(len(got)), tc.limit+1, "reads at most one byte past the limit")
				if tc.wantLen <= int(tc.limit) {
					assert.Equal(t, body, got)
				} else {
					assert.Greater(t, int64(len(got)), tc.limit)
				}
			}
		})
	}
	_, err := stream.ReadLimited(nil, iotest.TimeoutReader(bytes.NewReader(body)), 1<<20, -1)
	assert.ErrorIs(t, err, iotest.ErrTimeout)
	pre := []byte("kept")
	got, err := stream.ReadLimited(pre[:4:4], strings.NewReader("+more"), 100, 5)
	require.NoError(t, err)
	assert.Equal(t, "kept+more", string(got))
}

// recordedRequest is what a benchmark's request put on the wire.
type recordedRequest struct {
	Method, Path, RawQuery, ContentType, Auth, UserAgent, Accept string
	Body                                                         string
}

// TestBenchmarkPairsSendTheSameRequest keeps the benchmarks honest: each
// hand-written call sends the request its SDK twin sends.
func TestBenchmarkPairsSendTheSameRequest(t *testing.T) {
	var mu sync.Mutex
	var got []recordedRequest
	reply := []byte(`{}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"),
			r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Accept"), string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(reply)
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	hc := &http.Client{Transport: NewTransport()}
	defer hc.CloseIdleConnections()
	ctx := context.Background()

	pair := func(name string, sdk, raw func()) {
		t.Helper()
		got = nil
		sdk()
		raw()
		require.Len(t, got, 2, name)
		assert.Equal(t, got[0], got[1], name)
	}
	reply = channelsPage(1)
	pair("query channels", func() {
		_, err := c.Channels.List(ctx, &ChannelListOptions{Limit: 100})
		require.NoError(t, err)
	}, func() {
		var out rawChannelPage
		require.NoError(t, rawCall(hc, "POST", srv.URL+"/api/v2/channels", contentTypeForm, []byte("options%5Blimit%5D=100"), &out))
	})
	reply = []byte("OK")
	ids := benchUserIDs(100)
	pair("ban users", func() {
		require.NoError(t, c.Channels.BanUsers(ctx, "lobby", ids))
	}, func() {
		require.NoError(t, rawCall(hc, "POST", srv.URL+"/api/v2/channel/lobby/users/ban", contentTypeForm, rawBanForm(ids), nil))
	})
	reply = messagesPage(1)
	pair("create text message", func() {
		_, err := c.Messages.Create(ctx, "lobby", &MessageCreateRequest{Text: "hello, world"})
		require.NoError(t, err)
	}, func() {
		body, _ := json.Marshal(rawCreateMessage{ChannelID: "lobby", Type: "text", Data: rawText{Text: "hello, world"}})
		var out wrappedMessages
		require.NoError(t, rawCall(hc, "POST", srv.URL+"/api/v2/message", contentTypeJSON, body, &out))
	})
}
