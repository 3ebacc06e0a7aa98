package chatadmin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// TestObserverEventsCarryNoExpandedURL (issue 16, item 5): transport
// errors in AttemptEvent.Err and CallEnd.Err (which is what the caller
// gets) name the route template, never the ids in the path or the query.
func TestObserverEventsCarryNoExpandedURL(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			srv := chatadmintest.NewServer(append(p.opts, chatadmintest.WithDemoData())...)
			defer srv.Close()
			rec := &recorder{}
			c := emulatorClient(t, srv, WithMaxAttempts(2), WithObserver(rec))
			srv.InjectFault(chatadmintest.Fault{Times: -1, Drop: chatadmintest.DropBeforeHandler})
			ctx := context.Background()
			err1 := c.Channels.BanUsers(ctx, "private-room-of-jane.doe@example.com", []string{"mallory"})
			_, err2 := c.Users.List(ctx, &UserListOptions{Search: "jane.doe@example.com"})
			srv.ClearFaults()
			for _, err := range []error{err1, err2} {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "jane.doe")
			}
			calls := rec.take()
			require.Len(t, calls, 2)
			for _, call := range calls {
				require.NotEmpty(t, call.attempts)
				for _, a := range call.attempts {
					require.Error(t, a.Err)
					assert.NotContains(t, a.Err.Error(), "jane.doe")
					assert.NotContains(t, a.Err.Error(), "search=")
					assert.Contains(t, a.Err.Error(), call.start.Route)
				}
				assert.NotContains(t, call.end.Err.Error(), "jane.doe")
				assert.NotContains(t, fmt.Sprintf("%+v", call.end.Err), "jane.doe")
			}
		})
	}
}

// panickingObserver panics in every Attempt.
type panickingObserver struct{}

func (panickingObserver) StartCall(ctx context.Context, _ *CallStart) (context.Context, CallObserver) {
	return ctx, panickingObserver{}
}
func (panickingObserver) Attempt(*AttemptEvent) { panic("observer bug") }
func (panickingObserver) End(*CallEnd)          {}

// TestObserverPanicLeaksNoConnection (issue 16, item 5): an Attempt hook
// that panics takes the call down, but not the connection with it: once
// idle connections are closed, no goroutine of the calls remains.
func TestObserverPanicLeaksNoConnection(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"success","data":{"roles":[]}}`))
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithObserver(panickingObserver{}))
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	for range 5 {
		func() {
			defer func() { assert.Equal(t, "observer bug", recover()) }()
			_, _ = c.Roles.List(context.Background(), nil)
		}()
	}
	c.CloseIdleConnections()
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+1 }, 2*time.Second, 10*time.Millisecond,
		"goroutines: %d before, %d after", before, runtime.NumGoroutine())
}

// deafLimiter never looks at its context.
type deafLimiter struct{ release chan struct{} }

func (l deafLimiter) Wait(context.Context) error              { <-l.release; return nil }
func (deafLimiter) Observe(context.Context, LimitObservation) {}

// TestLimiterIgnoringContextCannotHoldCall (issue 16, item 5): a Limiter
// whose Wait ignores its context does not hold the call past its deadline.
func TestLimiterIgnoringContextCannotHoldCall(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	l := deafLimiter{make(chan struct{})}
	defer close(l.release)
	c := emulatorClient(t, srv, WithRateLimiter(l))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Roles.List(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
	assert.Empty(t, srv.Requests(), "nothing was sent")
}

// TestWithAttempts (issue 16, item 10): one call's attempts, above or
// below the client's.
func TestWithAttempts(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c := emulatorClient(t, srv, WithMaxAttempts(3))
	for _, n := range []int{1, 5} {
		srv.ResetRequests()
		srv.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/roles", Times: -1, Status: 429})
		var info ResponseInfo
		_, err := c.Roles.List(context.Background(), nil, WithAttempts(n), WithResponseInfo(&info))
		srv.ClearFaults()
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, n, info.Attempts)
		assert.Len(t, srv.Requests(), n)
	}
}

// TestInvalidUTF8Refused (issue 16, item 6): a string that is not valid
// UTF-8 is refused, naming its field, whatever carries it (form, JSON,
// query, path, header); nothing is sent.
func TestInvalidUTF8Refused(t *testing.T) {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	c := emulatorClient(t, srv)
	ctx := context.Background()
	srv.ResetRequests()
	bad := "a\xffb"
	cases := []struct {
		field string
		call  func() error
	}{
		{"displayName", func() error {
			_, err := c.Channels.Create(ctx, "utf8", &ChannelCreateRequest{DisplayName: bad})
			return err
		}},
		{"metadata[k]", func() error {
			_, err := c.Channels.Create(ctx, "utf8", &ChannelCreateRequest{Metadata: Metadata{"k": bad}})
			return err
		}},
		{"data.text", func() error {
			_, err := c.Messages.Create(ctx, "general", &MessageCreateRequest{Text: bad})
			return err
		}},
		{"search", func() error {
			_, err := c.Users.List(ctx, &UserListOptions{Search: bad})
			return err
		}},
		{"channelId", func() error { return c.Channels.Close(ctx, bad) }},
		{"X-Trace", func() error { return c.Channels.Close(ctx, "random", WithHeader("X-Trace", bad)) }},
	}
	for _, tc := range cases {
		err := tc.call()
		var verr *ValidationError
		if assert.True(t, errors.As(err, &verr), "%s: %v", tc.field, err) {
			assert.Contains(t, verr.WireField, tc.field)
		}
	}
	assert.Empty(t, srv.Requests())
}

// endPanicObserver panics in End.
type endPanicObserver struct{}

func (endPanicObserver) StartCall(ctx context.Context, _ *CallStart) (context.Context, CallObserver) {
	return ctx, endPanicObserver{}
}
func (endPanicObserver) Attempt(*AttemptEvent) {}
func (endPanicObserver) End(*CallEnd)          { panic("observer bug") }

// TestObserverEndPanicLeaksNoDownload: an End hook that panics on a
// download (whose body the caller would have closed) closes it first.
func TestObserverEndPanicLeaksNoDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(make([]byte, 64<<10))
	}))
	defer srv.Close()
	c, err := NewClient(testToken, WithBaseURL(srv.URL), WithObserver(endPanicObserver{}))
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	for range 3 {
		func() {
			defer func() { assert.Equal(t, "observer bug", recover()) }()
			_, _ = c.Messages.GetFile(context.Background(), "m1")
		}()
	}
	c.CloseIdleConnections()
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+1 }, 2*time.Second, 10*time.Millisecond,
		"goroutines: %d before, %d after", before, runtime.NumGoroutine())
}
