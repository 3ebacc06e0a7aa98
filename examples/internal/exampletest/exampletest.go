// Package exampletest runs an example's logic against a fresh emulator in
// a test, in either of the two modes the examples support, and checks that
// the example left nothing behind.
package exampletest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
	"github.com/stretchr/testify/require"
)

// Result is what a run printed and which routes it called.
type Result struct {
	Output  string
	Routes  map[string]int // "POST /api/v2/channel" → how many requests
	Refused map[string]int // the same for the requests answered with an error status
}

// Run runs run against a new emulator, the way `go run` does when no
// environment is set. It fails the test if run fails or leaves channels or
// rules behind.
func Run(t *testing.T, run exampleenv.RunFunc) Result {
	t.Helper()
	env, err := exampleenv.Emulated()
	require.NoError(t, err)
	defer env.Close()
	return runWith(t, env, env.Emulator, run)
}

// RunLive runs run as against a live server: the emulator is reached only
// through CHATADMIN_BASE_URL and CHATADMIN_TOKEN, so names carry the run's
// suffix and emulator-only seeding is skipped.
func RunLive(t *testing.T, run exampleenv.RunFunc) Result {
	t.Helper()
	srv := chatadmintest.NewServer()
	defer srv.Close()
	t.Setenv(chatadmin.EnvBaseURL, srv.URL)
	t.Setenv(chatadmin.EnvToken, srv.Token())
	var banner bytes.Buffer
	env, err := exampleenv.Connect(&banner)
	require.NoError(t, err)
	require.True(t, env.Live())
	require.Contains(t, banner.String(), "live API")
	return runWith(t, env, srv, run)
}

func runWith(t *testing.T, env *exampleenv.Env, srv *chatadmintest.Server, run exampleenv.RunFunc) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, env, &out)
	t.Logf("output:\n%s", out.String())
	require.NoError(t, err)

	res := Result{Output: out.String(), Routes: map[string]int{}, Refused: map[string]int{}}
	for _, r := range srv.Requests() {
		require.NotEmpty(t, r.Route, "request to no route: %s %s", r.Method, r.Path)
		res.Routes[r.Route]++
		if r.Status >= 300 {
			res.Refused[r.Route]++
		}
	}
	requireClean(t, ctx, srv)
	return res
}

// requireClean checks that the example closed its channels and removed
// its rules, as it must on a live tenant. Closed channels are not listed.
func requireClean(t *testing.T, ctx context.Context, srv *chatadmintest.Server) {
	t.Helper()
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	page, err := c.Channels.List(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, page.Items, "channels left open")
	black, err := c.Blacklist.List(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, black, "blacklist rules left")
	white, err := c.Whitelist.List(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, white, "whitelist rules left")
}

// RequireRoutes checks that each route was called at least once.
func RequireRoutes(t *testing.T, res Result, routes ...string) {
	t.Helper()
	for _, r := range routes {
		require.Positive(t, res.Routes[r], "route %s not called; called: %v", r, res.Routes)
	}
}

// RequireLines checks that the output contains each fragment, in order.
func RequireLines(t *testing.T, res Result, fragments ...string) {
	t.Helper()
	rest := res.Output
	for _, f := range fragments {
		i := bytes.Index([]byte(rest), []byte(f))
		require.GreaterOrEqual(t, i, 0, "output lacks %q (in order)", f)
		rest = rest[i+len(f):]
	}
}
