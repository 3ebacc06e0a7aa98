package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/backoff"
)

// protocols are the wire protocols the emulator tests run over: plain
// HTTP/1.1, and HTTPS with HTTP/2 as the default transport negotiates with
// the real API.
var protocols = []struct {
	name  string
	proto string // as chatadmintest.Request.Proto shows it
	opts  []chatadmintest.Option
}{
	{"HTTP1", "HTTP/1.1", nil},
	{"HTTP2", "HTTP/2.0", []chatadmintest.Option{chatadmintest.WithTLS()}},
}

// emulatorClient returns a Client for srv with fast retries. For a WithTLS
// server it uses NewTransport trusting the server's certificate, so that the
// SDK's default transport settings negotiate HTTP/2.
func emulatorClient(t *testing.T, srv *chatadmintest.Server, opts ...Option) *Client {
	t.Helper()
	all := []Option{WithBaseURL(srv.URL), WithRetryWait(time.Millisecond, 5*time.Millisecond)}
	if cfg := srv.TLSClientConfig(); cfg != nil {
		tr := NewTransport()
		tr.TLSClientConfig = cfg
		all = append(all, WithHTTPClient(&http.Client{Transport: tr}))
	}
	c, err := NewClient(srv.Token(), append(all, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.hc.CloseIdleConnections)
	return c
}

// assertProto checks that every request srv logged arrived over proto.
func assertProto(t *testing.T, srv *chatadmintest.Server, proto string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if !assert.Equal(t, proto, r.Proto, "%s %s", r.Method, r.Path) {
			return
		}
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))))
	return buf.Bytes()
}

// soak runs the reliability tests that repeat one scenario at the sizes
// docs/reliability.md reports (1,000 calls per create operation, 2,000
// calls in the fault mix); .ci/run does so once, without the race
// detector. The default sizes, a fifth and a quarter of those, keep every
// operation, protocol and fault kind, under -race, at a fraction of the
// CPU.
var soak = flag.Bool("soak", false, "run the reliability tests at soak size")

// soakSize is n, or soakN with -soak.
func soakSize(n, soakN int) int {
	if *soak {
		return soakN
	}
	return n
}

// TestReliabilityNoDuplicateCreates is promise 1: a server that performs
// the create and then drops the connection before answering, 200 times
// per create operation (1,000 with -soak). Each call must end in ErrOutcomeUnknown after one
// request, and the server must hold exactly one record per call. With up to
// 6 attempts allowed, any silent retry (the SDK's or net/http's) would show
// as a second request and a duplicate record.
func TestReliabilityNoDuplicateCreates(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { testNoDuplicateCreates(t, p.proto, p.opts...) })
	}
}

func testNoDuplicateCreates(t *testing.T, proto string, srvOpts ...chatadmintest.Option) {
	n := soakSize(200, 1000)
	srv := chatadmintest.NewServer(srvOpts...)
	defer srv.Close()
	c := emulatorClient(t, srv, WithMaxAttempts(6))
	ctx := context.Background()
	_, err := c.Channels.Create(ctx, "dups", nil)
	require.NoError(t, err)
	img := tinyPNG(t)

	ops := []struct {
		name, route string
		call        func(i int) error
	}{
		{"channel", "POST /api/v2/channel", func(i int) error {
			_, err := c.Channels.Create(ctx, fmt.Sprintf("dup-%04d", i), nil)
			return err
		}},
		{"message", "POST /api/v2/message", func(i int) error {
			_, err := c.Messages.Create(ctx, "dups", &MessageCreateRequest{Text: fmt.Sprintf("text-%04d", i)})
			return err
		}},
		{"image", "POST /api/v2/messages/images", func(i int) error {
			_, err := c.Messages.CreateImage(ctx, "dups", &ImageMessageRequest{
				File: FileFromReaderAt(bytes.NewReader(img), int64(len(img)), "dot.png"), Caption: fmt.Sprintf("image-%04d", i)})
			return err
		}},
		{"file", "POST /api/v2/messages/files", func(i int) error {
			_, err := c.Messages.CreateFile(ctx, "dups", &FileMessageRequest{
				File: FileFromReaderAt(strings.NewReader("hello"), 5, fmt.Sprintf("file-%04d.txt", i))})
			return err
		}},
	}
	srv.ResetRequests()
	for _, op := range ops {
		srv.InjectFault(chatadmintest.Fault{Route: op.route, Times: -1, Drop: chatadmintest.DropAfterHandler})
	}
	// Each operation loops on its own goroutine, one call at a time.
	unknown := make([]int, len(ops))
	var wg sync.WaitGroup
	for k, op := range ops {
		wg.Go(func() {
			var other []error
			for i := range n {
				err := op.call(i)
				if errors.Is(err, ErrOutcomeUnknown) {
					unknown[k]++
				} else if len(other) < 3 {
					other = append(other, err)
				}
			}
			assert.Empty(t, other, "%s: every call must fail with ErrOutcomeUnknown", op.name)
		})
	}
	wg.Wait()
	srv.ClearFaults()
	assertProto(t, srv, proto)

	requests := map[string]int{}
	for _, r := range srv.Requests() {
		requests[r.Route]++
	}
	// The records, keyed by what made each call unique.
	records := map[string]map[string]int{"channel": {}, "message": {}, "image": {}, "file": {}}
	for ch, err := range c.Channels.All(ctx, nil) {
		require.NoError(t, err)
		if id := ch.Channel.ChannelID; strings.HasPrefix(id, "dup-") {
			records["channel"][id]++
		}
	}
	for m, err := range c.Messages.All(ctx, "dups", nil) {
		require.NoError(t, err)
		img, _ := m.Image()
		file, _ := m.File()
		switch m.Type {
		case MessageTypeText:
			records["message"][m.Text()]++
		case MessageTypeImage:
			records["image"][img.Caption]++
		case MessageTypeFile:
			records["file"][file.FileName]++
		}
	}
	for k, op := range ops {
		dups := 0
		for _, k := range records[op.name] {
			dups += k - 1
		}
		t.Logf("%-7s %d calls: %d ErrOutcomeUnknown, %d requests, %d records, %d duplicates",
			op.name, n, unknown[k], requests[op.route], len(records[op.name]), dups)
		assert.Equal(t, n, unknown[k], op.name)
		assert.Equal(t, n, requests[op.route], "%s: one request per call", op.name)
		assert.Len(t, records[op.name], n, "%s: one record per call", op.name)
		assert.Zero(t, dups, "%s: duplicates", op.name)
	}
}

// TestReliabilitySafeCallsSurviveDropAfterCommit is the other half of
// promise 1: the same fault on calls that are safe to repeat is retried and
// the call succeeds.
func TestReliabilitySafeCallsSurviveDropAfterCommit(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { testSafeCallsSurviveDropAfterCommit(t, p.proto, p.opts...) })
	}
}

func testSafeCallsSurviveDropAfterCommit(t *testing.T, proto string, srvOpts ...chatadmintest.Option) {
	const n = 50
	srv := chatadmintest.NewServer(append(srvOpts, chatadmintest.WithDemoData())...)
	defer srv.Close()
	c := emulatorClient(t, srv)
	ctx := context.Background()
	ops := []struct {
		name, route string
		call        func(i int) error
	}{
		{"query channels", "POST /api/v2/channels", func(int) error {
			_, err := c.Channels.List(ctx, nil)
			return err
		}},
		{"query users", "GET /api/v2/users", func(int) error {
			_, err := c.Users.List(ctx, nil)
			return err
		}},
		{"ban", "POST /api/v2/channel/:channelId/users/ban", func(int) error {
			return c.Channels.BanUsers(ctx, "general", []string{"bob"})
		}},
		{"mute", "PUT /api/v2/channel/:channelId/users/mute", func(int) error {
			return c.Channels.MuteUsers(ctx, "general", []string{"alice"}, time.Minute)
		}},
		{"update user", "PUT /api/v2/users", func(i int) error {
			name := fmt.Sprintf("Carol %d", i)
			u, err := c.Users.Update(ctx, "carol", &UserUpdateRequest{DisplayName: &name})
			if err == nil && u.DisplayName != name {
				err = fmt.Errorf("display name %q, want %q", u.DisplayName, name)
			}
			return err
		}},
	}
	for _, op := range ops {
		srv.ResetRequests()
		failed := 0
		for i := range n {
			srv.InjectFault(chatadmintest.Fault{Route: op.route, Drop: chatadmintest.DropAfterHandler})
			if err := op.call(i); err != nil {
				failed++
				t.Errorf("%s: %v", op.name, err)
			}
		}
		dropped, answered := 0, 0
		for _, r := range srv.Requests() {
			if r.Route != op.route {
				continue
			}
			if r.Fault != "" {
				dropped++
			} else {
				answered++
			}
		}
		assertProto(t, srv, proto)
		t.Logf("%-14s %d calls, %d failed: %d dropped and %d answered requests", op.name, n, failed, dropped, answered)
		assert.Equal(t, n, dropped, op.name)
		assert.Equal(t, n, answered, "%s: each dropped request is repeated once", op.name)
	}
}

// TestReliabilityFaultMix is promise 2: 500 safe calls (2,000 with -soak)
// from 16 goroutines against the emulator failing 30% of requests (503, 502, 504, 429 and
// dropped connections, seeded) with 6 attempts allowed.
func TestReliabilityFaultMix(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) { testFaultMix(t, p.proto, p.opts...) })
	}
}

func testFaultMix(t *testing.T, proto string, srvOpts ...chatadmintest.Option) {
	const workers = 16
	calls := int64(soakSize(500, 2000))
	// At 30% per attempt, 6 attempts fail together with probability
	// 0.3^6 = 0.07%: 0.4 expected failures in 500 calls, 1.5 in 2,000.
	maxFailures := soakSize(5, 10)
	srv := chatadmintest.NewServer(append(srvOpts, chatadmintest.WithDemoData())...)
	defer srv.Close()
	// The random 429s would make the default limiter pace the client,
	// which only stretches the run: this test is about retry decisions.
	c := emulatorClient(t, srv, WithMaxAttempts(6), WithoutRateLimiter())
	ctx := context.Background()
	name := "Alice"
	workload := []func(opt RequestOption) error{
		func(o RequestOption) error { _, err := c.Channels.List(ctx, nil, o); return err },
		func(o RequestOption) error { _, err := c.Users.List(ctx, nil, o); return err },
		func(o RequestOption) error { _, err := c.Messages.List(ctx, "general", nil, o); return err },
		func(o RequestOption) error {
			_, err := c.Messages.Get(ctx, "nonexistent", o)
			return ignoreNotFound(err)
		},
		func(o RequestOption) error { return c.Channels.BanUsers(ctx, "random", []string{"mallory"}, o) },
		func(o RequestOption) error {
			return c.Channels.MuteUsers(ctx, "general", []string{"bob"}, time.Minute, o)
		},
		func(o RequestOption) error {
			_, err := c.Users.Update(ctx, "alice", &UserUpdateRequest{DisplayName: &name}, o)
			return err
		},
		func(o RequestOption) error { _, err := c.Blacklist.List(ctx, nil, o); return err },
	}
	srv.ResetRequests()
	srv.InjectRandomFaults(chatadmintest.RandomFaults{
		Rate: 0.3, Seed: 2024, DropRate: 0.2,
		Statuses: []int{http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusTooManyRequests},
	})
	var (
		mu       sync.Mutex
		failures []error
		infos    []ResponseInfo
		attempts atomic.Int64
		next     atomic.Int64
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < calls; i = next.Add(1) - 1 {
				var info ResponseInfo
				err := workload[i%int64(len(workload))](WithResponseInfo(&info))
				attempts.Add(int64(info.Attempts))
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					infos = append(infos, info)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	srv.ClearFaults()

	assertProto(t, srv, proto)
	log := srv.Requests()
	faulted, ok := 0, 0
	for _, r := range log {
		if r.Fault != "" {
			faulted++
		} else {
			ok++
		}
	}
	t.Logf("%d calls from %d goroutines: %d failed; %d SDK attempts (%d retries); server log: %d requests, %d faulted, %d answered; budget left %.0f of %d",
		calls, workers, len(failures), attempts.Load(), attempts.Load()-calls, len(log), faulted, ok, budgetTokens(c), DefaultRetryBudget)
	assert.LessOrEqual(t, len(failures), maxFailures)
	for i, err := range failures {
		t.Logf("failure: %v", err)
		var apiErr *APIError
		var urlErr *url.Error
		switch {
		case errors.As(err, &apiErr):
			assert.Contains(t, []int{502, 503, 504, 429}, apiErr.StatusCode)
			assert.Contains(t, err.Error(), fmt.Sprint(apiErr.StatusCode), "the error names the last status")
			assert.Equal(t, 6, apiErr.Attempts, "the retry budget must not cut retries short at this fault rate")
		case errors.As(err, &urlErr):
			assert.Contains(t, err.Error(), "after 6 attempts")
		default:
			t.Errorf("untyped failure: %T %v", err, err)
		}
		assert.Equal(t, 6, infos[i].Attempts)
	}
	// The log shows every attempt: each call ends with one answered
	// request, every other request is a fault that was retried (net/http
	// may replay a dropped GET by itself, so the log can hold more).
	assert.Equal(t, int(calls)-len(failures), ok, "one answered request per successful call")
	assert.GreaterOrEqual(t, int64(len(log)), attempts.Load())
	assert.Greater(t, attempts.Load()-calls, int64(calls)/5, "the faults were retried")
	assert.InDelta(t, 0.3, float64(faulted)/float64(len(log)), 0.05, "30%% of requests faulted")
	assert.Greater(t, budgetTokens(c), float64(DefaultRetryBudget)/2, "the budget held")
}

// budgetTokens reads the client's retry budget (-1 when it has none).
func budgetTokens(c *Client) float64 {
	if c.budget == nil {
		return -1
	}
	tokens, _ := c.budget.Level()
	return tokens
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// bodyServer serves each request with the current handler.
func bodyServer(t *testing.T) (*httptest.Server, *atomic.Pointer[http.HandlerFunc]) {
	t.Helper()
	var h atomic.Pointer[http.HandlerFunc]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*h.Load())(w, r) }))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv, &h
}

// endless streams a body of up to 2 GiB lazily (one small chunk written
// again and again) and reports how much it sent once the client gave up.
func endless(status int, contentType string, sent *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		w.Write([]byte(`{"results":[`))
		chunk := bytes.Repeat([]byte(`{"channel":{"channelId":"x"}},`), 2048)
		for sent.Load() < 2<<30 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// TestReliabilityBrokenBodies is the second half of promise 2: each broken
// answer gives a typed error.
func TestReliabilityBrokenBodies(t *testing.T) {
	srv, h := bodyServer(t)
	c := newServerClient(t, srv, WithMaxAttempts(2))
	write := func(status int, ct, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		}
	}
	const page = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"truncated JSON", write(200, "application/json", `{"results":[{"channel":{"channelId":"a"`), unexpected},
		{"body shorter than Content-Length", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			w.Write([]byte(`{"results":[`))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, unexpected},
		{"HTML error page", write(502, "text/html", page), func(t *testing.T, err error) {
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 502, apiErr.StatusCode)
			assert.ErrorIs(t, err, ErrServer)
			assert.Equal(t, "Bad Gateway", apiErr.Message)
			assert.Equal(t, page, string(apiErr.Body))
			assert.Equal(t, 2, apiErr.Attempts)
		}},
		{"HTML page with 200", write(200, "text/html; charset=utf-8", page), unexpected},
		{"empty 200", write(200, "application/json", ""), unexpected},
		{"empty 200 without type", write(200, "", ""), unexpected},
		{"wrong Content-Type", write(200, "application/xml", `{"results":[]}`), unexpected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.Store(&tc.handler)
			_, err := c.Channels.List(context.Background(), nil)
			require.Error(t, err)
			t.Logf("%v", err)
			tc.check(t, err)
		})
	}
}

func unexpected(t *testing.T, err error) {
	t.Helper()
	assert.ErrorIs(t, err, ErrUnexpectedResponse)
	var apiErr *APIError
	assert.False(t, errors.As(err, &apiErr), "a broken success body is not an API error")
}

// TestReliabilityEndlessBodyMemoryBounded: a body that never ends (2 GiB
// streamed lazily) stops at the configured cap, and at the default one;
// an endless error body stops at 1 MiB. Memory stays within a few times the
// cap.
func TestReliabilityEndlessBodyMemoryBounded(t *testing.T) {
	srv, h := bodyServer(t)
	cases := []struct {
		name     string
		status   int
		limit    int64 // 0: the default
		memBound uint64
	}{
		// The body is read into a buffer that doubles as it grows: about 4×
		// the cap in all (8× under the race detector, which disables an
		// allocation-saving optimisation of bytes.Buffer).
		{"success body, 1 MiB cap", 200, 1 << 20, 8<<20 + 16<<20},
		{"success body, default cap", 200, 0, 8*DefaultMaxResponseBytes + 16<<20},
		{"error body", 400, 0, 16 << 20},
		{"retryable error body", 503, 0, 16 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := []Option{WithMaxAttempts(2)}
			if tc.limit > 0 {
				opts = append(opts, WithMaxResponseBytes(tc.limit))
			}
			c := newServerClient(t, srv, opts...)
			var sent atomic.Int64
			handler := endless(tc.status, "application/json", &sent)
			h.Store(&handler)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := c.Channels.List(context.Background(), nil)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: allocated %.1f MiB, server sent %.1f MiB before the client stopped, %s: %.120v",
				tc.name, float64(alloc)/(1<<20), float64(sent.Load())/(1<<20), elapsed.Round(time.Millisecond), err)
			assert.Less(t, alloc, tc.memBound)
			assert.Less(t, sent.Load(), int64(1<<30), "the client stopped reading")
			if tc.status == 200 {
				limit := tc.limit
				if limit == 0 {
					limit = DefaultMaxResponseBytes
				}
				assert.ErrorIs(t, err, ErrUnexpectedResponse)
				assert.Contains(t, err.Error(), fmt.Sprintf("larger than %d bytes", limit))
				return
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.True(t, apiErr.Truncated)
			assert.Len(t, apiErr.Body, int(maxErrorBodyBytes))
		})
	}
}

// TestRetryBudgetOutage is promise 3: with the server down, 200 concurrent
// calls make at most 1.5 × 200 attempts (without the budget they would make
// 200 × 6); once the server is back, successes refill the budget and calls
// retry again.
func TestRetryBudgetOutage(t *testing.T) {
	const callers = 200
	var down atomic.Bool
	down.Store(true)
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("OK"))
	})
	burst := func(c *Client) (int32, int) {
		n.Store(0)
		var wg sync.WaitGroup
		var failed atomic.Int32
		for range callers {
			wg.Go(func() {
				if err := c.Channels.Unmute(context.Background(), "lobby"); err != nil {
					failed.Add(1)
				}
			})
		}
		wg.Wait()
		c.hc.CloseIdleConnections()
		return n.Load(), int(failed.Load())
	}

	unbudgeted := newServerClient(t, srv, WithMaxAttempts(6), WithRetryBudget(0, 0))
	free, _ := burst(unbudgeted)

	c := newServerClient(t, srv, WithMaxAttempts(6))
	attempts, failed := burst(c)
	t.Logf("outage, %d concurrent calls, 6 attempts allowed: %d attempts with the default budget (%d failed), %d without a budget",
		callers, attempts, failed, free)
	assert.EqualValues(t, callers*6, free, "without a budget every call uses all its attempts")
	assert.LessOrEqual(t, attempts, int32(callers*3/2))
	assert.Greater(t, attempts, int32(callers), "the budget still allows some retries")
	assert.Equal(t, callers, failed)
	assert.Less(t, budgetTokens(c), 1.0, "the outage emptied the budget")

	// Back up: each success refunds a token, until the budget is full.
	down.Store(false)
	for i := range DefaultRetryBudget {
		require.NoError(t, c.Channels.Unmute(context.Background(), "lobby"))
		if i == 9 {
			assert.InDelta(t, 10, budgetTokens(c), 1)
		}
	}
	t.Logf("after %d successful calls the budget holds %.0f tokens", DefaultRetryBudget, budgetTokens(c))
	assert.Equal(t, float64(DefaultRetryBudget), budgetTokens(c))

	// A refilled budget lets a call use all its attempts again.
	srv2, n2 := countingServer(t, func(k int32, w http.ResponseWriter, _ *http.Request) {
		if k < 6 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte("OK"))
	})
	c.base = srv2.URL
	require.NoError(t, c.Channels.Unmute(context.Background(), "lobby"))
	assert.EqualValues(t, 6, n2.Load())
}

// TestRetryBudgetTokens checks the bucket's arithmetic: retries cost, answers
// refund up to the capacity, and a call's last attempt, which is never
// repeated, costs nothing.
func TestRetryBudgetTokens(t *testing.T) {
	b := backoff.NewBudget(3, 0.5)
	for range 3 {
		assert.True(t, b.Take())
	}
	assert.False(t, b.Take(), "empty")
	b.Succeed()
	assert.False(t, b.Take(), "half a token is not a retry")
	b.Succeed()
	assert.True(t, b.Take())
	for range 10 {
		b.Succeed()
	}
	tokens, _ := b.Level()
	assert.Equal(t, 3.0, tokens, "refunds stop at the capacity")
	assert.Equal(t, -1.0, budgetTokens(&Client{}))
	assert.Nil(t, backoff.NewBudget(0, 1), "capacity 0 turns the budget off")
	assert.True(t, (*backoff.Budget)(nil).Take())

	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newServerClient(t, srv, WithMaxAttempts(3), WithRetryBudget(10, 1))
	var apiErr *APIError
	require.ErrorAs(t, c.Channels.Unmute(context.Background(), "lobby"), &apiErr)
	assert.EqualValues(t, 3, n.Load())
	assert.Equal(t, 8.0, budgetTokens(c), "two retries cost two tokens; the third attempt's failure costs none")

	_, err := NewClient(testToken, WithBaseURL(srv.URL), WithRetryBudget(-1, 1))
	assert.Error(t, err)
}

// TestRetryBudgetUnreachableServer: the same bound when the server is not
// even listening (every attempt a refused connection).
func TestRetryBudgetUnreachableServer(t *testing.T) {
	const callers = 200
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c, err := NewClient(testToken, WithBaseURL("http://"+addr), WithMaxAttempts(6), WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	var attempts atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			var info ResponseInfo
			assert.Error(t, c.Channels.Unmute(context.Background(), "lobby", WithResponseInfo(&info)))
			attempts.Add(int64(info.Attempts))
		})
	}
	wg.Wait()
	t.Logf("server unreachable, %d concurrent calls: %d attempts", callers, attempts.Load())
	assert.LessOrEqual(t, attempts.Load(), int64(callers*3/2))
}
