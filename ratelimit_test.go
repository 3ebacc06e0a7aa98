package chatadmin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingLimiter records what the pipeline asks and tells, in order, and
// can hold a chosen Wait until the context ends.
type recordingLimiter struct {
	mu     sync.Mutex
	events []string
	obs    []LimitObservation
	waits  int
	block  int           // the Wait with this number (from 1) blocks until ctx ends; 0: none
	parked chan struct{} // closed when the blocking Wait starts
}

func (l *recordingLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	l.waits++
	n := l.waits
	l.events = append(l.events, "wait")
	l.mu.Unlock()
	if n == l.block {
		close(l.parked)
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (l *recordingLimiter) Observe(_ context.Context, o LimitObservation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.obs = append(l.obs, o)
	l.events = append(l.events, fmt.Sprintf("observe %d throttled=%v", o.StatusCode, o.Throttled))
}

func (l *recordingLimiter) log(e string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func TestRateLimiterConsultedBeforeEveryAttempt(t *testing.T) {
	lim := &recordingLimiter{}
	srv, n := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		lim.log(fmt.Sprintf("request %d", n))
		switch n {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"status":"error","code":400311,"message":"RateLimit Exceed."}`))
		default:
			w.Write([]byte(`OK`))
		}
	})
	c := newServerClient(t, srv, WithRateLimiter(lim))
	require.NoError(t, c.Users.Ban(context.Background(), "spammer"))
	assert.EqualValues(t, 3, n.Load())
	assert.Equal(t, []string{
		"wait", "request 1", "observe 503 throttled=false",
		"wait", "request 2", "observe 429 throttled=true",
		"wait", "request 3", "observe 200 throttled=false",
	}, lim.events, "every attempt, retries included, waits for the limiter first and reports its answer")
	for _, o := range lim.obs {
		assert.False(t, o.Asked.IsZero(), "each observation says when its attempt asked the limiter")
	}
}

func TestRateLimiterThrottleFeedback(t *testing.T) {
	const body = `{"status":"error","code":400311,"message":"RateLimit Exceed."}`
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		retryAfter string
		throttled  bool
		wantAfter  time.Duration
	}{
		{"429 without body", http.StatusTooManyRequests, "", "", true, 0},
		{"429 with Retry-After", http.StatusTooManyRequests, body, "7", true, 7 * time.Second},
		{"400311 with 400", http.StatusBadRequest, body, "3", true, 3 * time.Second},
		{"400311 with 200", http.StatusOK, body, "2", true, 2 * time.Second},
		{"other 400", http.StatusBadRequest, `{"status":"error","code":400000,"message":"Bad."}`, "3", false, 0},
		{"503", http.StatusServiceUnavailable, "", "3", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := &recordingLimiter{}
			srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			})
			c := newServerClient(t, srv, WithRateLimiter(lim), WithMaxAttempts(1))
			_, err := c.Users.List(context.Background(), nil)
			require.Error(t, err)
			require.NotEmpty(t, lim.obs)
			last := lim.obs[len(lim.obs)-1]
			assert.Equal(t, tc.status, last.StatusCode)
			assert.Equal(t, tc.throttled, last.Throttled)
			assert.Equal(t, tc.wantAfter, last.RetryAfter, "Retry-After reaches the limiter with a throttled answer")
			if tc.throttled {
				assert.ErrorIs(t, err, ErrRateLimited, "the body survives the limiter's peek")
			}
		})
	}
}

func TestRateLimiterCancelledFirstWaitSendsNothing(t *testing.T) {
	lim := &recordingLimiter{block: 1, parked: make(chan struct{})}
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"channel":{"channelId":"x"}}`))
	})
	c := newServerClient(t, srv, WithRateLimiter(lim))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-lim.parked; cancel() }()
	_, err := c.Channels.Create(ctx, "x", nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing was sent, so the create surely did not happen")
	assert.EqualValues(t, 0, n.Load())
}

func TestRateLimiterCancelledRetryWaitIsNotOutcomeUnknown(t *testing.T) {
	lim := &recordingLimiter{block: 2, parked: make(chan struct{})}
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newServerClient(t, srv, WithRateLimiter(lim))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-lim.parked; cancel() }()
	info := new(ResponseInfo)
	_, err := c.Channels.Create(ctx, "x", nil, WithResponseInfo(info))
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the first attempt was refused and the retry never sent")
	assert.EqualValues(t, 1, n.Load())
	assert.Equal(t, 1, info.Attempts, "the retry that waited in vain is not counted as an attempt")
}

func TestRateLimiterAdaptiveDeadlineFailsAtOnce(t *testing.T) {
	lim := NewAdaptiveLimiter(AdaptiveLimiterConfig{Ceiling: 1})
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`OK`)) })
	c := newServerClient(t, srv, WithRateLimiter(lim))
	require.NoError(t, c.Users.Ban(context.Background(), "a"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	// The next token is a second away; a deadline 50 ms out cannot be met.
	ctx, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	err := c.Users.Ban(ctx, "b")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NoError(t, ctx.Err(), "the limiter gave up without sitting out the deadline")
	assert.EqualValues(t, 1, n.Load())
}

func TestRateLimiterAdaptiveByDefault(t *testing.T) {
	c, err := NewClient(testToken, WithBaseURL(testBase))
	require.NoError(t, err)
	lim, ok := c.limiter.(*AdaptiveLimiter)
	require.True(t, ok, "the default client paces adaptively")
	assert.True(t, math.IsInf(lim.Rate(), 1), "without a ceiling: no pacing before the first throttle")
	c, err = NewClient(testToken, WithBaseURL(testBase), WithRateLimiter(nil))
	require.NoError(t, err)
	assert.IsType(t, &AdaptiveLimiter{}, c.limiter, "nil keeps the default")
}

func TestWithoutRateLimiter(t *testing.T) {
	c, err := NewClient(testToken, WithBaseURL(testBase), WithoutRateLimiter())
	require.NoError(t, err)
	assert.Nil(t, c.limiter)
}

var errTestLimiter = errors.New("limiter says no")

type refusingLimiter struct{}

func (refusingLimiter) Wait(context.Context) error                { return errTestLimiter }
func (refusingLimiter) Observe(context.Context, LimitObservation) {}

func TestRateLimiterErrorEndsCall(t *testing.T) {
	srv, n := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`OK`)) })
	c := newServerClient(t, srv, WithRateLimiter(refusingLimiter{}))
	err := c.Users.Ban(context.Background(), "a")
	require.ErrorIs(t, err, errTestLimiter)
	assert.Contains(t, err.Error(), "POST /api/v2/users/ban")
	assert.EqualValues(t, 0, n.Load())
}
