package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// channelSweepServer serves a channel query of total channels in pages of
// the requested limit, paged by token, on a loopback server. Pages are
// built from one template, so that the server costs little next to the
// client it measures.
type channelSweepServer struct {
	*httptest.Server
	total    int
	latency  time.Duration // added to every answer
	failAt   int           // answer the page at this offset with 500; 0: never
	requests atomic.Int64
}

// channelTemplate is one channel result split around its channel id.
var channelTemplate = func() [][]byte {
	b, _ := json.Marshal(channelJSON(0))
	return bytes.Split(b, []byte(`"channel-000"`))
}()

func newChannelSweepServer(tb testing.TB, total int, latency time.Duration) *channelSweepServer {
	tb.Helper()
	s := &channelSweepServer{total: total, latency: latency}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *channelSweepServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	offset, limit := 0, 10
	if tok := r.PostForm.Get("options[token]"); tok != "" {
		parts := strings.SplitN(tok, "-", 2)
		if len(parts) == 2 {
			offset, _ = strconv.Atoi(parts[0])
			limit, _ = strconv.Atoi(parts[1])
		}
	} else if l := r.PostForm.Get("options[limit]"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if s.latency > 0 {
		select {
		case <-time.After(s.latency):
		case <-r.Context().Done():
			return
		}
	}
	if s.failAt > 0 && offset == s.failAt {
		http.Error(w, `{"status":"error","code":500000,"message":"boom"}`, http.StatusInternalServerError)
		return
	}
	end := min(offset+limit, s.total)
	var b bytes.Buffer
	b.Grow((end - offset) * 1100)
	b.WriteString(`{"results":[`)
	for i := offset; i < end; i++ {
		if i > offset {
			b.WriteByte(',')
		}
		id := `"channel-` + strconv.Itoa(i) + `"`
		for j, part := range channelTemplate {
			if j > 0 {
				b.WriteString(id)
			}
			b.Write(part)
		}
	}
	b.WriteString(`],"paging":{`)
	if end < s.total {
		b.WriteString(`"next":"` + strconv.Itoa(end) + "-" + strconv.Itoa(limit) + `"`)
	}
	b.WriteString(`}}`)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b.Bytes())
}

func sweepClient(tb testing.TB, srv *channelSweepServer) *Client {
	tb.Helper()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithMaxAttempts(1))
	require.NoError(tb, err)
	tb.Cleanup(c.hc.CloseIdleConnections)
	return c
}

func TestReadAheadYieldsWhatPlainIterationDoes(t *testing.T) {
	srv := newChannelSweepServer(t, 1050, 0)
	c := sweepClient(t, srv)
	collect := func(opts ...RequestOption) []string {
		var ids []string
		for res, err := range c.Channels.All(context.Background(), &ChannelListOptions{Limit: 100}, opts...) {
			require.NoError(t, err)
			ids = append(ids, res.Channel.ChannelID)
		}
		return ids
	}
	plain := collect()
	require.Len(t, plain, 1050)
	assert.Equal(t, "channel-0", plain[0])
	assert.Equal(t, "channel-1049", plain[1049])
	before := srv.requests.Load()
	assert.Equal(t, plain, collect(WithReadAhead()))
	assert.Equal(t, int64(11), srv.requests.Load()-before, "one request per page, none after the last")
}

func TestReadAheadPagesCanBeIteratedTwice(t *testing.T) {
	srv := newChannelSweepServer(t, 250, 0)
	c := sweepClient(t, srv)
	seq := c.Channels.Pages(context.Background(), &ChannelListOptions{Limit: 100}, WithReadAhead())
	for range 2 {
		var sizes []int
		for page, err := range seq {
			require.NoError(t, err)
			sizes = append(sizes, len(page.Items))
		}
		assert.Equal(t, []int{100, 100, 50}, sizes)
	}
}

func TestReadAheadBreakStopsTheFetcher(t *testing.T) {
	// The server is slow, so the page fetched ahead is in flight when the
	// loop breaks: the break must cancel it and wait for the goroutine.
	srv := newChannelSweepServer(t, 10_000, 200*time.Millisecond)
	c := sweepClient(t, srv)
	start := time.Now()
	n := 0
	for _, err := range c.Channels.Pages(context.Background(), &ChannelListOptions{Limit: 10}, WithReadAhead()) {
		require.NoError(t, err)
		n++
		break
	}
	assert.Equal(t, 1, n)
	c.hc.CloseIdleConnections()
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
	assert.Less(t, srv.requests.Load(), int64(3), "at most the page in hand and the one ahead")
	t.Logf("break returned after %v", time.Since(start))
}

func TestReadAheadCancelEndsLoopWithContextError(t *testing.T) {
	srv := newChannelSweepServer(t, 10_000, 20*time.Millisecond)
	c := sweepClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	pagesSeen := 0
	for _, err := range c.Channels.Pages(ctx, &ChannelListOptions{Limit: 10}, WithReadAhead()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pagesSeen++
		if pagesSeen == 2 {
			cancel()
		}
	}
	require.Len(t, errs, 1, "the error is yielded once")
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, 2, pagesSeen)
	c.hc.CloseIdleConnections()
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func TestReadAheadCancelWhileFetcherWaits(t *testing.T) {
	// The page ahead is fetched and waiting when ctx ends: the loop still
	// ends with the context's error rather than silently.
	srv := newChannelSweepServer(t, 10_000, 0)
	c := sweepClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for _, err := range c.Channels.Pages(ctx, &ChannelListOptions{Limit: 10}, WithReadAhead()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(errs) == 0 {
			time.Sleep(50 * time.Millisecond) // the fetcher is now blocked handing over page 2
			cancel()
			time.Sleep(10 * time.Millisecond)
		}
	}
	require.NotEmpty(t, errs)
	assert.ErrorIs(t, errs[len(errs)-1], context.Canceled)
	c.hc.CloseIdleConnections()
}

func TestReadAheadYieldsFetchErrorOnce(t *testing.T) {
	srv := newChannelSweepServer(t, 1000, 0)
	srv.failAt = 300
	c := sweepClient(t, srv)
	var got int
	var errs []error
	for res, err := range c.Channels.All(context.Background(), &ChannelListOptions{Limit: 100}, WithReadAhead()) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_ = res
		got++
	}
	assert.Equal(t, 300, got)
	require.Len(t, errs, 1)
	var apiErr *APIError
	require.True(t, errors.As(errs[0], &apiErr))
	assert.Equal(t, 500, apiErr.StatusCode)
}

func TestReadAheadPanicInLoopStopsTheFetcher(t *testing.T) {
	srv := newChannelSweepServer(t, 10_000, 50*time.Millisecond)
	c := sweepClient(t, srv)
	func() {
		defer func() { assert.Equal(t, "stop", recover()) }()
		for range c.Channels.Pages(context.Background(), &ChannelListOptions{Limit: 10}, WithReadAhead()) {
			panic("stop")
		}
	}()
	c.hc.CloseIdleConnections()
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func TestMessagePagesWithReadAheadKeepTheirUsers(t *testing.T) {
	// Each MessagePage must keep its own users while the next page is
	// fetched: the sweep used to share one page between fetch and loop.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q messageQuery
		_ = json.NewDecoder(r.Body).Decode(&q)
		after := 0
		if q.Options != nil {
			after = q.Options.After
		}
		w.Header().Set("Content-Type", "application/json")
		if after >= 30 {
			_, _ = w.Write([]byte(`{"status":"success","data":{"messages":[],"users":[]}}`))
			return
		}
		var msgs, users []string
		for i := after + 1; i <= after+10; i++ {
			msgs = append(msgs, `{"messageId":"m`+strconv.Itoa(i)+`","userId":"u`+strconv.Itoa(i)+`","channelSegment":`+strconv.Itoa(i)+`}`)
			users = append(users, `{"userId":"u`+strconv.Itoa(i)+`"}`)
		}
		_, _ = w.Write([]byte(`{"status":"success","data":{"messages":[` + strings.Join(msgs, ",") +
			`],"users":[` + strings.Join(users, ",") + `]}}`))
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.hc.CloseIdleConnections()
	n := 0
	for page, err := range c.Messages.Pages(context.Background(), "lobby", &MessageListOptions{First: 10}, WithReadAhead()) {
		require.NoError(t, err)
		time.Sleep(5 * time.Millisecond) // let the next fetch land
		for _, m := range page.Items {
			require.NotNil(t, page.User(m.UserID), "message %s", m.MessageID)
			n++
		}
	}
	assert.Equal(t, 30, n)
}
