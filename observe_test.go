package chatadmin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is an Observer that keeps copies of every event.
type recorder struct {
	mu    sync.Mutex
	calls []*recordedCall
	// ctxKey, when set, is put in the call's context with value "observed",
	// so that a test can see the context reach the transport.
	ctxKey any
}

type recordedCall struct {
	rec      *recorder
	start    CallStart
	attempts []AttemptEvent
	end      *CallEnd
}

func (r *recorder) StartCall(ctx context.Context, call *CallStart) (context.Context, CallObserver) {
	rc := &recordedCall{rec: r, start: *call}
	r.mu.Lock()
	r.calls = append(r.calls, rc)
	r.mu.Unlock()
	if r.ctxKey != nil {
		ctx = context.WithValue(ctx, r.ctxKey, "observed")
	}
	return ctx, rc
}

func (rc *recordedCall) Attempt(a *AttemptEvent) {
	rc.rec.mu.Lock()
	defer rc.rec.mu.Unlock()
	rc.attempts = append(rc.attempts, *a)
}

func (rc *recordedCall) End(e *CallEnd) {
	rc.rec.mu.Lock()
	defer rc.rec.mu.Unlock()
	if rc.end != nil {
		panic("End reported twice")
	}
	cp := *e
	rc.end = &cp
}

func (r *recorder) take() []*recordedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// TestObserverOpNames calls every exported method of every service against
// the emulator and checks that the call is reported under the method's
// own name; reflection makes sure no method is left out of the table.
func TestObserverOpNames(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	rec := &recorder{}
	c := emulatorClient(t, srv, WithObserver(rec), WithMaxAttempts(1))
	ctx := context.Background()
	_, err := c.Channels.Create(ctx, "ops", nil)
	require.NoError(t, err)
	msg, err := c.Messages.Create(ctx, "ops", &MessageCreateRequest{Text: "hi"})
	require.NoError(t, err)
	img := tinyPNG(t)
	users := []string{"u1"}

	// Each entry calls one method; Pages and All make List calls.
	calls := map[string]func(){
		"Channels.List": func() { _, _ = c.Channels.List(ctx, nil) },
		"Channels.Pages": func() {
			for range c.Channels.Pages(ctx, nil) {
				break
			}
		},
		"Channels.All": func() {
			for range c.Channels.All(ctx, nil) {
				break
			}
		},
		"Channels.Create":            func() { _, _ = c.Channels.Create(ctx, "ops2", nil) },
		"Channels.UpdateDisplayName": func() { _, _ = c.Channels.UpdateDisplayName(ctx, "ops", "Ops") },
		"Channels.AddUsers":          func() { _ = c.Channels.AddUsers(ctx, "ops", users) },
		"Channels.RemoveUsers":       func() { _ = c.Channels.RemoveUsers(ctx, "ops", users) },
		"Channels.BanUsers":          func() { _ = c.Channels.BanUsers(ctx, "ops", users) },
		"Channels.UnbanUsers":        func() { _ = c.Channels.UnbanUsers(ctx, "ops", users) },
		"Channels.Mute":              func() { _ = c.Channels.Mute(ctx, "ops", time.Minute) },
		"Channels.Unmute":            func() { _ = c.Channels.Unmute(ctx, "ops") },
		"Channels.MuteUsers":         func() { _ = c.Channels.MuteUsers(ctx, "ops", users, time.Minute) },
		"Channels.UnmuteUsers":       func() { _ = c.Channels.UnmuteUsers(ctx, "ops", users) },
		"Channels.Close":             func() { _ = c.Channels.Close(ctx, "ops2") },
		"Messages.List":              func() { _, _ = c.Messages.List(ctx, "ops", nil) },
		"Messages.Pages": func() {
			for range c.Messages.Pages(ctx, "ops", nil) {
				break
			}
		},
		"Messages.All": func() {
			for range c.Messages.All(ctx, "ops", nil) {
				break
			}
		},
		"Messages.Get":    func() { _, _ = c.Messages.Get(ctx, msg.MessageID) },
		"Messages.Create": func() { _, _ = c.Messages.Create(ctx, "ops", &MessageCreateRequest{Text: "x"}) },
		"Messages.Delete": func() { _ = c.Messages.Delete(ctx, msg.MessageID) },
		"Messages.CreateImage": func() {
			_, _ = c.Messages.CreateImage(ctx, "ops", &ImageMessageRequest{File: FileFromReaderAt(strings.NewReader(string(img)), int64(len(img)), "a.png")})
		},
		"Messages.CreateFile": func() {
			_, _ = c.Messages.CreateFile(ctx, "ops", &FileMessageRequest{File: FileFromReaderAt(strings.NewReader("abc"), 3, "a.txt")})
		},
		"Messages.GetImage": func() {
			if d, err := c.Messages.GetImage(ctx, "m-none", ImageSizeSmall); err == nil {
				d.Close()
			}
		},
		"Messages.GetFile": func() {
			if d, err := c.Messages.GetFile(ctx, "m-none"); err == nil {
				d.Close()
			}
		},
		"Users.List": func() { _, _ = c.Users.List(ctx, nil) },
		"Users.Pages": func() {
			for range c.Users.Pages(ctx, nil) {
				break
			}
		},
		"Users.All": func() {
			for range c.Users.All(ctx, nil) {
				break
			}
		},
		"Users.Update":     func() { _, _ = c.Users.Update(ctx, "u1", &UserUpdateRequest{Roles: []string{"r"}}) },
		"Users.Ban":        func() { _ = c.Users.Ban(ctx, "u1") },
		"Users.Unban":      func() { _ = c.Users.Unban(ctx, "u1") },
		"Users.ClearFlags": func() { _, _ = c.Users.ClearFlags(ctx, "u1") },
		"Roles.List":       func() { _, _ = c.Roles.List(ctx, nil) },
		"Roles.Add":        func() { _ = c.Roles.Add(ctx, []string{"r"}, &RoleAddRequest{Permissions: []string{"p"}}) },
		"Blacklist.List":   func() { _, _ = c.Blacklist.List(ctx, nil) },
		"Blacklist.Add":    func() { _ = c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"bad"}, Match: false}) },
		"Blacklist.Delete": func() { _ = c.Blacklist.Delete(ctx, []string{"r1"}) },
		"Blacklist.Update": func() { _, _ = c.Blacklist.Update(ctx, "r1", &BlacklistUpdateRequest{Regex: "x"}) },
		"Whitelist.List":   func() { _, _ = c.Whitelist.List(ctx, nil) },
		"Whitelist.Add":    func() { _ = c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{"example.com"}}) },
		"Whitelist.Delete": func() { _ = c.Whitelist.Delete(ctx, []string{"r1"}) },
		"Whitelist.Update": func() { _, _ = c.Whitelist.Update(ctx, "r1", &WhitelistUpdateRequest{Regex: "example.org"}) },
		"Reactions.List":   func() { _, _ = c.Reactions.List(ctx, msg.MessageID, nil) },
		"Reactions.Pages": func() {
			for range c.Reactions.Pages(ctx, msg.MessageID, nil) {
				break
			}
		},
		"Reactions.All": func() {
			for range c.Reactions.All(ctx, msg.MessageID, nil) {
				break
			}
		},
		"Reactions.Create": func() {
			_, _ = c.Reactions.Create(ctx, msg.MessageID, "like")
		},
		"Reactions.Delete": func() {
			_, _ = c.Reactions.Delete(ctx, msg.MessageID, "like")
		},
		"Reactions.MostReacted": func() { _, _ = c.Reactions.MostReacted(ctx, "like", nil) },
	}

	cv := reflect.ValueOf(c).Elem()
	for i := range cv.NumField() {
		f := cv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		for j := range f.Type.NumMethod() {
			name := f.Name + "." + f.Type.Method(j).Name
			_, ok := calls[name]
			assert.True(t, ok, "no call in the table for %s", name)
		}
	}

	for name, call := range calls {
		rec.take()
		call()
		got := rec.take()
		want := name
		if svc, m, _ := strings.Cut(name, "."); m == "Pages" || m == "All" {
			want = svc + ".List"
		}
		if assert.Len(t, got, 1, name) {
			assert.Equal(t, want, got[0].start.Op, name)
			assert.NotNil(t, got[0].end, "%s: no End", name)
			assert.Len(t, got[0].attempts, 1, name)
		}
	}
}

// TestObserverRetriedCall checks the events of a call that got a 503 and
// then a 200: one attempt each, the first retried for "status 503", the
// second after a backoff wait.
func TestObserverRetriedCall(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	rec := &recorder{}
	c := emulatorClient(t, srv, WithObserver(rec))
	ctx := context.Background()
	_, err := c.Channels.Create(ctx, "lobby-4711", nil)
	require.NoError(t, err)
	srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel/:channelId/users/ban", Status: 503})
	rec.take()

	require.NoError(t, c.Channels.BanUsers(ctx, "lobby-4711", []string{"mallory"}))
	calls := rec.take()
	require.Len(t, calls, 1)
	call := calls[0]
	u := srv.URL[len("http://"):]
	assert.Equal(t, "Channels.BanUsers", call.start.Op)
	assert.Equal(t, http.MethodPost, call.start.Method)
	assert.Equal(t, "/api/v2/channel/:channelId/users/ban", call.start.Route)
	assert.Equal(t, u, call.start.ServerAddress+":"+strconv.Itoa(call.start.ServerPort))
	assert.True(t, call.start.Idempotent)
	require.Len(t, call.attempts, 2)
	a1, a2 := call.attempts[0], call.attempts[1]
	assert.Equal(t, 1, a1.Attempt)
	assert.Equal(t, 503, a1.StatusCode)
	assert.True(t, a1.Retry)
	assert.Equal(t, RetryReasonStatus503, a1.RetryReason)
	assert.Equal(t, WaitNone, a1.RetryWaitCause)
	assert.Zero(t, a1.RetryWait)
	assert.Equal(t, 2, a2.Attempt)
	assert.Equal(t, 200, a2.StatusCode)
	assert.False(t, a2.Retry)
	assert.Empty(t, a2.RetryReason)
	assert.Equal(t, WaitBackoff, a2.RetryWaitCause)
	assert.Positive(t, a2.RetryWait)
	assert.False(t, a1.End.After(a2.Start), "attempt 2 starts after attempt 1 ends")
	assert.False(t, a2.Start.After(a2.End))
	assert.False(t, call.start.Start.After(a1.Start))
	require.NotNil(t, call.end)
	assert.Equal(t, OutcomeOK, call.end.Outcome)
	assert.Equal(t, 2, call.end.Attempts)
	assert.Equal(t, 200, call.end.StatusCode)
	assert.NoError(t, call.end.Err)
	assert.False(t, call.end.End.Before(a2.End))
	// The retry spent a token and the success refunded it.
	assert.Equal(t, ClientStats{RetryBudget: DefaultRetryBudget, RetryBudgetCapacity: DefaultRetryBudget}, call.end.Stats)
}

// TestObserverRetryAfterAndOutcomeUnknown checks the wait cause of a retry
// the server paced with Retry-After, and the events of an unsafe create
// whose connection dropped after the server acted.
func TestObserverRetryAfterAndOutcomeUnknown(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	rec := &recorder{}
	c := emulatorClient(t, srv, WithObserver(rec))
	ctx := context.Background()

	srv.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/roles", Status: 429,
		Header: http.Header{"Retry-After": {"1"}}})
	_, err := c.Roles.List(ctx, nil)
	require.NoError(t, err)
	calls := rec.take()
	require.Len(t, calls, 1)
	require.Len(t, calls[0].attempts, 2)
	a1, a2 := calls[0].attempts[0], calls[0].attempts[1]
	assert.Equal(t, 429, a1.StatusCode)
	assert.Equal(t, CodeRateLimited, a1.Code)
	assert.Equal(t, RetryReasonRateLimited, a1.RetryReason)
	assert.Equal(t, WaitRetryAfter, a2.RetryWaitCause)
	assert.GreaterOrEqual(t, a2.RetryWait, time.Second)

	srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel", Drop: chatadmintest.DropAfterHandler})
	_, err = c.Channels.Create(ctx, "gone", nil)
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	calls = rec.take()
	require.Len(t, calls, 1)
	assert.False(t, calls[0].start.Idempotent)
	require.Len(t, calls[0].attempts, 1)
	a := calls[0].attempts[0]
	assert.True(t, a.OutcomeUnknown)
	assert.False(t, a.Retry)
	assert.Zero(t, a.StatusCode)
	assert.Error(t, a.Err)
	require.NotNil(t, calls[0].end)
	assert.Equal(t, OutcomeOutcomeUnknown, calls[0].end.Outcome)
	assert.Same(t, err, calls[0].end.Err)
}

// ctxProbe is a transport that records a context value of each request.
type ctxProbe struct {
	key  any
	seen []any
	next http.RoundTripper
}

func (p *ctxProbe) RoundTrip(r *http.Request) (*http.Response, error) {
	p.seen = append(p.seen, r.Context().Value(p.key))
	return p.next.RoundTrip(r)
}

// TestObserverContext checks that the context StartCall returns is the one
// requests are sent with (so that an instrumented transport nests its spans
// under the call's), and that input refused before sending makes no call.
func TestObserverContext(t *testing.T) {
	type key struct{}
	srv := chatadmintest.NewServer()
	defer srv.Close()
	rec := &recorder{ctxKey: key{}}
	probe := &ctxProbe{key: key{}, next: NewTransport()}
	c := emulatorClient(t, srv, WithObserver(rec), WithHTTPClient(&http.Client{Transport: probe}))
	_, err := c.Roles.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, []any{"observed"}, probe.seen)
	require.Len(t, rec.take(), 1)

	require.ErrorIs(t, c.Channels.BanUsers(context.Background(), "", []string{"u"}), ErrInvalidInput)
	assert.Empty(t, rec.take(), "nothing was sent, so no call is reported")
}

// TestErrorOutcome checks the classification of the errors a call returns.
func TestErrorOutcome(t *testing.T) {
	cases := []struct {
		err  error
		want Outcome
	}{
		{nil, OutcomeOK},
		{&APIError{StatusCode: 404, Code: CodeNotFound}, OutcomeNotFound},
		{&APIError{StatusCode: 429}, OutcomeRateLimited},
		{&APIError{StatusCode: 400, Code: CodeRateLimited}, OutcomeRateLimited},
		{&APIError{StatusCode: 503}, OutcomeServerError},
		{&APIError{StatusCode: 418}, OutcomeAPIError},
		{&APIError{StatusCode: 400, Code: CodeBlacklistedWord}, OutcomeContentRejected},
		{errors.Join(ErrOutcomeUnknown, errors.New("EOF")), OutcomeOutcomeUnknown},
		{context.DeadlineExceeded, OutcomeDeadlineExceeded},
		{context.Canceled, OutcomeCanceled},
		{ErrUnexpectedResponse, OutcomeUnexpectedResponse},
		{errors.New("dial tcp: refused"), OutcomeTransportError},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, ErrorOutcome(tc.err), "%v", tc.err)
	}
}

// TestObserverLimiterWait checks the hook the rate limiter reports its
// waits through: the wait shows as LimiterWait and is not counted again
// in RetryWait.
func TestObserverLimiterWait(t *testing.T) {
	c, err := NewClient(testToken, WithBaseURL(testBase))
	require.NoError(t, err)
	rc := &recordedCall{rec: &recorder{}}
	st := &callState{ep: &endpoint{op: "Roles.List"}, ob: &callObservation{obs: rc}}
	t0 := time.Now()
	st.attempts, st.attemptStart = 1, t0
	c.observeAttempt(st, nil, errors.New("refused"), true, false)
	st.ob.lastEnd = t0.Add(time.Second)
	st.noteLimiterWait(300 * time.Millisecond)
	st.attempts, st.attemptStart = 2, t0.Add(2*time.Second)
	c.observeAttempt(st, &http.Response{StatusCode: 200}, nil, false, false)
	require.Len(t, rc.attempts, 2)
	assert.Equal(t, RetryReasonTransport, rc.attempts[0].RetryReason)
	assert.Equal(t, 300*time.Millisecond, rc.attempts[1].LimiterWait)
	assert.Equal(t, 700*time.Millisecond, rc.attempts[1].RetryWait)
	assert.Equal(t, WaitBackoff, rc.attempts[1].RetryWaitCause)
}

// sleepyLimiter holds every attempt for a fixed time and reports a rate.
type sleepyLimiter struct{ hold time.Duration }

func (l sleepyLimiter) Wait(ctx context.Context) error {
	select {
	case <-time.After(l.hold):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (sleepyLimiter) Observe(context.Context, LimitObservation) {}
func (sleepyLimiter) Rate() float64                             { return 42 }

// The limiter's wait before the first attempt and before a retry reaches
// the Observer as LimiterWait, outside the attempts' own durations and the
// backoff, and the limiter's rate reaches the call's Stats.
func TestObserverSeesRateLimiterWaits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func() http.HandlerFunc {
		var n atomic.Int32
		return func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(`{"status":"success","data":{"roles":[]}}`))
		}
	}()))
	defer srv.Close()
	rec := &recorder{}
	const hold = 30 * time.Millisecond
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithObserver(rec),
		WithRateLimiter(sleepyLimiter{hold: hold}), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = c.Roles.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, rec.calls, 1)
	call := rec.calls[0]
	require.Len(t, call.attempts, 2)
	for i, a := range call.attempts {
		assert.GreaterOrEqual(t, a.LimiterWait, hold, "attempt %d", i+1)
	}
	assert.Less(t, call.attempts[1].RetryWait, hold, "the limiter's wait is not counted as backoff")
	require.NotNil(t, call.end)
	assert.Equal(t, 42.0, call.end.Stats.LimiterRate)
}
