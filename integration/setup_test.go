package integration_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// The integration suite runs every SDK method against the chatadmintest
// emulator (always) and against a live tenant (only with CHATADMIN_LIVE=1
// and CHATADMIN_BASE_URL + CHATADMIN_TOKEN set). It lives in the external
// test package so that it can use nothing but the public API.
//
// A scenario is a function of an *env; runGroup runs each
// scenario twice, as the subtests "emulator" and "live". Every emulator run
// gets a fresh server, so scenarios share no state and can run in any
// order, alone or together.

// envLive turns on the live variant of every scenario.
const envLive = "CHATADMIN_LIVE"

// scenarioFunc is one integration case.
type scenarioFunc struct {
	name string // "Group/Case"; the coverage table names scenarios this way
	// emulatorOnly scenarios need the emulator's seeding (FlagUser, the
	// clock, WithoutMessageTokens…) and skip in live mode.
	emulatorOnly bool
	opts         []chatadmintest.Option // extra emulator options
	run          func(t *testing.T, it *env)
}

// env is what a scenario works with.
type env struct {
	Client *chatadmin.Client
	Srv    *chatadmintest.Server // nil in live mode
	Ctx    context.Context

	clock     *testClock  // the emulator's clock; nil in live mode
	tlsConfig *tls.Config // trusts the emulator's certificate in the HTTP/2 run
	suffix    string      // makes ids unique in live mode
}

// live reports whether the scenario runs against a live tenant.
func (it *env) live() bool { return it.Srv == nil }

// ID returns an id unique to this run: the base itself against the
// emulator (a fresh server has no other state), with the run's random
// suffix against a live tenant, where earlier runs leave channels and
// users behind. The same base always gives the same id within a run.
func (it *env) ID(base string) string {
	if !it.live() {
		return base
	}
	return "integ-" + base + "-" + it.suffix
}

// emulatorOnly skips the rest of a scenario in live mode: what follows
// depends on the emulator's seeding or on one of its documented guesses.
func (it *env) emulatorOnly(t *testing.T, why string) {
	t.Helper()
	if it.live() {
		t.Skip("emulator only: " + why)
	}
}

// advance moves the emulator's clock forward (mute expiry).
func (it *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	it.emulatorOnly(t, "the clock of a live server cannot be moved")
	it.clock.off.Add(int64(d))
}

// now is the emulator's current time (the wall clock in live mode).
func (it *env) now() time.Time {
	if it.clock == nil {
		return time.Now()
	}
	return it.clock.now()
}

// testClock is an emulator clock that stands still until the test moves
// it forward, so that expiry checks to the millisecond cannot flake. The
// emulator reads it from its handler goroutines, hence the atomic.
type testClock struct {
	start time.Time
	off   atomic.Int64
}

func (c *testClock) now() time.Time { return c.start.Add(time.Duration(c.off.Load())) }

// runGroup runs scenarios, each as "<name>/emulator" and "<name>/live".
func runGroup(t *testing.T, scenarios []scenarioFunc) {
	for _, sc := range scenarios {
		// sc.name is "Group/Case"; the group is the top-level test already.
		_, caseName, _ := strings.Cut(sc.name, "/")
		t.Run(caseName, func(t *testing.T) {
			t.Run("emulator", func(t *testing.T) { runEmulator(t, sc, false) })
			t.Run("emulator-h2", func(t *testing.T) { runEmulator(t, sc, true) })
			t.Run("live", func(t *testing.T) { runLive(t, sc) })
		})
	}
}

// runEmulator runs a scenario against a fresh emulator, over HTTP/1.1
// or (h2) HTTPS and HTTP/2, and records the operations the emulator saw for
// the coverage test.
func runEmulator(t *testing.T, sc scenarioFunc, h2 bool) {
	clock := &testClock{start: time.Now().UTC().Truncate(time.Millisecond)}
	opts := append([]chatadmintest.Option{chatadmintest.WithClock(clock.now)}, sc.opts...)
	if h2 {
		opts = append(opts, chatadmintest.WithTLS())
	}
	srv := chatadmintest.NewServer(opts...)
	t.Cleanup(srv.Close)
	// Cleanups run last-in first-out: the log is read before the server
	// closes (it stays readable after, but this keeps the order obvious).
	t.Cleanup(func() { opCoverage.record(sc.name, srv.Requests()) })
	client := newTestClient(t, srv.Token(), srv.URL, chatadmin.WithMaxAttempts(1))
	it := &env{Client: client, Srv: srv, Ctx: t.Context(), clock: clock}
	if h2 {
		// The SDK's own transport, trusting the emulator's certificate,
		// negotiates HTTP/2 as with the real API.
		it.tlsConfig = srv.TLSClientConfig()
		it.Client = it.newClient(t, srv.Token(), chatadmin.WithMaxAttempts(1))
		t.Cleanup(func() {
			for _, r := range srv.Requests() {
				if r.Proto != "HTTP/2.0" {
					t.Errorf("%s %s arrived over %s", r.Method, r.Path, r.Proto)
					return
				}
			}
		})
	}
	sc.run(t, it)
}

// runLive runs a scenario against the live tenant, or skips.
func runLive(t *testing.T, sc scenarioFunc) {
	base, token := os.Getenv(chatadmin.EnvBaseURL), os.Getenv(chatadmin.EnvToken)
	if os.Getenv(envLive) != "1" || base == "" || token == "" {
		t.Skipf("live run disabled: set %s=1, %s and %s", envLive, chatadmin.EnvBaseURL, chatadmin.EnvToken)
	}
	if sc.emulatorOnly {
		t.Skip("emulator only: the scenario seeds state through the emulator")
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	client := newTestClient(t, token, base)
	it := &env{Client: client, Ctx: t.Context(),
		suffix: strconv.FormatInt(time.Now().Unix(), 36) + hex.EncodeToString(b[:])}
	sc.run(t, it)
}

// newTestClient returns an SDK client on its own transport, whose idle
// connections are closed at the end of the test (goleak checks the run).
func newTestClient(t *testing.T, token, base string, opts ...chatadmin.Option) *chatadmin.Client {
	t.Helper()
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 8}
	t.Cleanup(tr.CloseIdleConnections)
	all := append([]chatadmin.Option{chatadmin.WithBaseURL(base), chatadmin.WithHTTPClient(&http.Client{Transport: tr})}, opts...)
	c, err := chatadmin.NewClient(token, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// newClient returns another client of the scenario's server (e.g. with a
// wrong token), over the same protocol as it.Client.
func (it *env) newClient(t *testing.T, token string, opts ...chatadmin.Option) *chatadmin.Client {
	t.Helper()
	if it.tlsConfig == nil {
		return newTestClient(t, token, it.Client.BaseURL(), opts...)
	}
	tr := chatadmin.NewTransport()
	tr.TLSClientConfig = it.tlsConfig
	t.Cleanup(tr.CloseIdleConnections)
	all := append([]chatadmin.Option{chatadmin.WithBaseURL(it.Client.BaseURL()), chatadmin.WithHTTPClient(&http.Client{Transport: tr})}, opts...)
	c, err := chatadmin.NewClient(token, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// cleanup registers a best-effort cleanup for live runs (the emulator
// is thrown away anyway). It uses a fresh context: the test's is cancelled
// by the time cleanups run.
func (it *env) cleanup(t *testing.T, what string, f func(ctx context.Context) error) {
	if !it.live() {
		return
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := f(ctx); err != nil && !errors.Is(err, chatadmin.ErrNotFound) { // already gone is fine
			t.Logf("cleanup %s: %v", what, err)
		}
	})
}

// mustOK fails the test at once on an unexpected error.
func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// wantAPIError checks an error case exactly: an *APIError with the code
// constant, in the errors.Is family, and (against the emulator) with the
// HTTP status the emulator documents for the code.
func (it *env) wantAPIError(t *testing.T, what string, err error, code chatadmin.ErrorCode, family error) *chatadmin.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want code %d", what, code)
	}
	var apiErr *chatadmin.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%s: got %T %v, want a *chatadmin.APIError with code %d", what, err, err, code)
	}
	if apiErr.Code != code {
		t.Errorf("%s: code = %d, want %d (%v)", what, apiErr.Code, code, err)
	}
	if !errors.Is(err, family) {
		t.Errorf("%s: errors.Is(err, %v) = false for %v", what, family, err)
	}
	if !it.live() {
		if want := apicode.Status(int(code)); apiErr.StatusCode != want {
			t.Errorf("%s: status = %d, want %d", what, apiErr.StatusCode, want)
		}
	}
	if apiErr.Route == "" || apiErr.Method == "" {
		t.Errorf("%s: APIError lacks its method/route: %+v", what, apiErr)
	}
	return apiErr
}

// wantInvalid checks a client-side validation error naming field, and that
// nothing reached the emulator.
func (it *env) wantInvalid(t *testing.T, what string, field string, call func() error) {
	t.Helper()
	before := 0
	if !it.live() {
		before = len(it.Srv.Requests())
	}
	err := call()
	var ve *chatadmin.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, chatadmin.ErrInvalidInput) {
		t.Fatalf("%s: got %v, want a *chatadmin.ValidationError", what, err)
	}
	if ve.WireField != field || ve.Field == "" {
		t.Errorf("%s: field = %q (wire %q), want wire %q", what, ve.Field, ve.WireField, field)
	}
	if !it.live() {
		if n := len(it.Srv.Requests()); n != before {
			t.Errorf("%s: %d request(s) sent despite the validation error", what, n-before)
		}
	}
}

// ---- coverage recording ----

// opCoverage records, per scenario, which spec operations the emulator
// answered with a 2xx status.
var opCoverage = &recorder{seen: map[string]map[string]bool{}}

type recorder struct {
	mu   sync.Mutex
	seen map[string]map[string]bool // scenario name → operation name → seen
}

func (r *recorder) record(scenario string, reqs []chatadmintest.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ops := r.seen[scenario]
	if ops == nil {
		ops = map[string]bool{}
		r.seen[scenario] = ops
	}
	for _, req := range reqs {
		if req.Status < 200 || req.Status > 399 { // a 3xx is a download redirected to the CDN
			continue
		}
		if op := operationOf(req); op != "" {
			ops[op] = true
		}
	}
}

// ran reports whether a scenario has been run (and recorded) in this
// process.
func (r *recorder) ran(scenario string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.seen[scenario]
	return ok
}

// covered reports whether scenario saw operation op succeed.
func (r *recorder) covered(scenario, op string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[scenario][op]
}

// operationOf names the spec operation of a logged request. Mute and
// unmute share a route; the logged body's mutePeriod tells them apart (0
// unmutes).
func operationOf(req chatadmintest.Request) string {
	for _, op := range specOperations {
		if op.route() != req.Route {
			continue
		}
		if op.mute == muteAny {
			return op.Name
		}
		if unmutingState(req) == (op.mute == muteOff) {
			return op.Name
		}
	}
	return ""
}

// unmutingState reads mutePeriod from a logged mute request (JSON for the
// channel, form for users) and reports whether it is 0.
func unmutingState(req chatadmintest.Request) bool {
	var period string
	if strings.HasPrefix(req.ContentType, "application/json") {
		var body struct {
			MutePeriod json.Number `json:"mutePeriod"`
		}
		if json.Unmarshal(req.Body, &body) != nil {
			return false
		}
		period = body.MutePeriod.String()
	} else {
		form, err := url.ParseQuery(string(req.Body))
		if err != nil {
			return false
		}
		period = form.Get("mutePeriod")
	}
	return period == "0"
}
