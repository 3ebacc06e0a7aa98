package chatadmintest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFaultStatus(t *testing.T) { forProtocols(t, testFaultStatus) }

func testFaultStatus(t *testing.T, opts ...Option) *tc {
	c := newTC(t, opts...)
	c.s.InjectFault(Fault{Route: "POST /api/v2/channel", Times: 2, Status: 503, Header: http.Header{"Retry-After": {"2"}}})
	for range 2 {
		r := c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard")
		r.requireError(t, 503, 500000)
		require.Equal(t, "2", r.header.Get("Retry-After"))
	}
	// Other routes are not affected, and the third call goes through.
	require.Equal(t, 200, c.get("/api/v2/roles").status)
	c.mustChannel("a")
	log := c.s.Requests()
	require.Equal(t, "status 503", log[0].Fault)
	require.Equal(t, 503, log[0].Status)
	require.Empty(t, log[2].Fault)

	// Custom body, 429, and any-route faults in order.
	c.s.InjectFault(Fault{Status: 502, Body: "<html>bad gateway</html>"})
	c.s.InjectFault(Fault{Status: 429})
	r := c.get("/api/v2/roles")
	require.Equal(t, 502, r.status)
	require.Equal(t, "text/html", r.header.Get("Content-Type"))
	c.get("/api/v2/roles").requireError(t, 429, 400311)
	require.Equal(t, 200, c.get("/api/v2/roles").status)

	// Faults apply before auth.
	c.s.InjectFault(Fault{Status: 500})
	req := c.req(http.MethodGet, "/api/v2/roles", "", nil)
	req.Header.Del("Authorization")
	require.Equal(t, 500, c.do(req).status)

	require.Panics(t, func() { c.s.InjectFault(Fault{Route: "POST /api/v2/nope"}) })
	c.s.InjectFault(Fault{Route: "GET /api/v2/roles", Times: -1, Status: 500})
	for range 3 {
		require.Equal(t, 500, c.get("/api/v2/roles").status)
	}
	c.s.ClearFaults()
	require.Equal(t, 200, c.get("/api/v2/roles").status)
	return c
}

func TestFaultDelay(t *testing.T) { forProtocols(t, testFaultDelay) }

func testFaultDelay(t *testing.T, opts ...Option) *tc {
	c := newTC(t, opts...)
	c.s.InjectFault(Fault{Route: "GET /api/v2/roles", Delay: 150 * time.Millisecond})
	start := time.Now()
	require.Equal(t, 200, c.get("/api/v2/roles").status)
	require.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	require.Equal(t, "delay 150ms", c.s.Requests()[0].Fault)

	// The client giving up ends the delayed request at once.
	c.s.InjectFault(Fault{Delay: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := c.req(http.MethodGet, "/api/v2/roles", "", nil).WithContext(ctx)
	_, err := c.hc.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Eventually(t, func() bool {
		l := c.s.Requests()
		return len(l) == 2 && strings.HasSuffix(l[1].Fault, "(client gone)")
	}, 2*time.Second, 5*time.Millisecond)
	return c
}

// TestFaultDelayServerClose: Close does not wait for an hour-long delay.
func TestFaultDelayServerClose(t *testing.T) {
	s := NewServer()
	s.InjectFault(Fault{Delay: time.Hour})
	tr := &http.Transport{}
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v2/roles", nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return len(s.Requests()) == 0 && s.faultsPending() == 0 }, 2*time.Second, 5*time.Millisecond)
	start := time.Now()
	s.Close()
	require.Error(t, <-done)
	require.Less(t, time.Since(start), 5*time.Second)
	tr.CloseIdleConnections()
}

func TestFaultDrop(t *testing.T) { forProtocols(t, testFaultDrop) }

func testFaultDrop(t *testing.T, opts ...Option) *tc {
	c := newTC(t, opts...)
	// Before the handler: transport error, no state change.
	c.s.InjectFault(Fault{Route: "POST /api/v2/channel", Drop: DropBeforeHandler})
	r := c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard")
	require.Error(t, r.err)
	ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.Empty(t, ids)

	// After the handler: transport error, but the channel exists.
	c.s.InjectFault(Fault{Route: "POST /api/v2/channel", Drop: DropAfterHandler})
	r = c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard")
	require.Error(t, r.err)
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.Equal(t, []string{"a"}, ids)
	// So a blind retry of the unsafe POST conflicts.
	c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard").requireError(t, 409, 400900)

	var faults []string
	for _, l := range c.s.Requests() {
		faults = append(faults, l.Fault)
	}
	require.Equal(t, []string{"drop before handler", "", "drop after handler", "", ""}, faults)
	require.Equal(t, "channelId=a&type=standard", string(c.s.Requests()[0].Body))
	require.Zero(t, c.s.Requests()[0].Status)
	return c
}

func TestRandomFaults(t *testing.T) {
	run := func() []int {
		c := newTC(t)
		c.s.InjectRandomFaults(RandomFaults{Rate: 0.5, Seed: 42, Statuses: []int{429, 502, 503}, RetryAfter: "1"})
		var got []int
		for range 40 {
			r := c.get("/api/v2/roles")
			require.NoError(t, r.err)
			got = append(got, r.status)
			if r.status != 200 {
				require.Equal(t, "1", r.header.Get("Retry-After"))
			}
			switch r.status {
			case 502:
				require.Contains(t, string(r.body), "502 Bad Gateway")
			case 429:
				r.requireError(t, 429, 400311)
			case 503:
				r.requireError(t, 503, 500000)
			}
		}
		c.s.InjectRandomFaults(RandomFaults{})
		require.Equal(t, 200, c.get("/api/v2/roles").status)
		return got
	}
	a, b := run(), run()
	require.Equal(t, a, b, "same seed, same faults")
	counts := map[int]int{}
	for _, s := range a {
		counts[s]++
	}
	require.Greater(t, counts[200], 5)
	require.Greater(t, len(counts), 2)

	// Drops.
	c := newTC(t)
	c.s.InjectRandomFaults(RandomFaults{Rate: 1, Seed: 1, DropRate: 1})
	require.Error(t, c.get("/api/v2/roles").err)
	require.Equal(t, "random drop before handler", c.s.Requests()[0].Fault)
}

func TestFaultFailAfterHandler(t *testing.T) { forProtocols(t, testFaultFailAfterHandler) }

// testFaultFailAfterHandler: the handler acts, then a gateway's 504 (or the
// given status) is what the client gets.
func testFaultFailAfterHandler(t *testing.T, opts ...Option) *tc {
	c := newTC(t, opts...)
	c.s.InjectFault(Fault{Route: "POST /api/v2/channel", Drop: FailAfterHandler})
	r := c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard")
	require.NoError(t, r.err)
	require.Equal(t, http.StatusGatewayTimeout, r.status)
	require.Contains(t, string(r.body), "<title>504 Gateway Timeout</title>")
	require.Equal(t, "text/html", r.header.Get("Content-Type"))

	c.s.InjectFault(Fault{Route: "POST /api/v2/channel", Drop: FailAfterHandler, Status: http.StatusBadGateway})
	r = c.form(http.MethodPost, "/api/v2/channel", "channelId=b&type=standard")
	require.Equal(t, http.StatusBadGateway, r.status)
	require.Contains(t, string(r.body), "502 Bad Gateway")

	ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.ElementsMatch(t, []string{"a", "b"}, ids)
	var faults []string
	for _, l := range c.s.Requests()[:2] {
		faults = append(faults, l.Fault)
	}
	require.Equal(t, []string{"status 504 after handler", "status 502 after handler"}, faults)
	require.Equal(t, []int{504, 502}, []int{c.s.Requests()[0].Status, c.s.Requests()[1].Status})
	return c
}
