package chatadmintest

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// frozenClock is a clock the test moves by hand.
type frozenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frozenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *frozenClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimitBurstThenRefusal(t *testing.T) {
	clk := &frozenClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	c := newTC(t, WithRateLimit(10, 3), WithClock(clk.now))
	for range 3 {
		require.Equal(t, 200, c.get("/api/v2/roles").status, "the burst goes through")
	}
	r := c.get("/api/v2/roles")
	r.requireError(t, 429, apicode.RateLimited)
	require.JSONEq(t, `{"status":"error","code":400311,"message":"RateLimit Exceed."}`, string(r.body))
	require.Equal(t, "1", r.header.Get("Retry-After"), "100 ms to the next token, in whole seconds")

	clk.advance(100 * time.Millisecond)
	require.Equal(t, 200, c.get("/api/v2/roles").status, "one token back after 1/rps")
	c.get("/api/v2/roles").requireError(t, 429, apicode.RateLimited)

	log := c.s.Requests()
	require.Len(t, log, 6, "refused requests are logged")
	require.Equal(t, 429, log[3].Status)
	require.Equal(t, "GET /api/v2/roles", log[3].Route)
}

func TestRateLimitRetryAfterRoundsUp(t *testing.T) {
	clk := &frozenClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	c := newTC(t, WithRateLimit(0.25, 1), WithClock(clk.now))
	require.Equal(t, 200, c.get("/api/v2/roles").status)
	require.Equal(t, "4", c.get("/api/v2/roles").header.Get("Retry-After"))
	clk.advance(1500 * time.Millisecond)
	require.Equal(t, "3", c.get("/api/v2/roles").header.Get("Retry-After"), "2.5 s rounds up")
}

func TestRateLimitSharedByClients(t *testing.T) {
	clk := &frozenClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	a := newTC(t, WithRateLimit(1, 2), WithClock(clk.now))
	// A second client with its own connections to the same server.
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	b := &tc{t: t, s: a.s, hc: &http.Client{Transport: tr}}
	require.Equal(t, 200, a.get("/api/v2/roles").status)
	require.Equal(t, 200, b.get("/api/v2/roles").status)
	a.get("/api/v2/roles").requireError(t, 429, apicode.RateLimited)
	b.get("/api/v2/roles").requireError(t, 429, apicode.RateLimited)
}

func TestRateLimitOffByDefaultAndForNonPositiveRate(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithRateLimit(0, 5)}, {WithRateLimit(-1, 5)}} {
		clk := &frozenClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
		c := newTC(t, append(opts, WithClock(clk.now))...)
		for range 50 {
			require.Equal(t, 200, c.get("/api/v2/roles").status)
		}
	}
}
