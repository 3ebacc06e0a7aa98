package redislimit

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain checks for leaks. go-redis's pool, after many failed dials,
// starts a goroutine that probes the server once a second until the client
// is closed; it ends within that second, after the test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/redis/go-redis/v9/internal/pool.(*ConnPool).tryDial"))
}

// logBuffer collects slog records as text lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

func (b *logBuffer) count(substr string) int {
	n := 0
	for _, l := range b.lines() {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newLimiter(t *testing.T, rdb redis.Scripter, cfg Config) *Limiter {
	t.Helper()
	l, err := New(rdb, cfg)
	require.NoError(t, err)
	return l
}

func TestNewValidates(t *testing.T) {
	s := &redis.Client{}
	for _, cfg := range []Config{{Rate: 1}, {Key: "k"}, {Key: "k", Rate: -1}, {Key: "k", Rate: 2e6}} {
		_, err := New(s, cfg)
		assert.Error(t, err, "%+v", cfg)
	}
	_, err := New(nil, Config{Key: "k", Rate: 1})
	assert.Error(t, err)
}

func TestGCRAAllowsBurstThenRate(t *testing.T) {
	srv := startRedis(t)
	l := newLimiter(t, srv.client(t), Config{Key: "tenant:a", Rate: 1, Burst: 5})
	ctx := context.Background()
	for i := range 5 {
		res, err := l.reserve(ctx, 0)
		require.NoError(t, err)
		require.True(t, res.ok, "request %d of the burst", i+1)
		require.Zero(t, res.wait)
	}
	res, err := l.reserve(ctx, 0)
	require.NoError(t, err)
	assert.False(t, res.ok, "the sixth would have to wait")
	assert.Greater(t, res.wait, time.Duration(0))
	assert.LessOrEqual(t, res.wait, time.Second, "for one emission interval at most")

	// Reserving ahead queues the callers one interval apart.
	first, err := l.reserve(ctx, time.Hour)
	require.NoError(t, err)
	second, err := l.reserve(ctx, time.Hour)
	require.NoError(t, err)
	require.True(t, first.ok && second.ok)
	assert.InDelta(t, time.Second, second.wait-first.wait, float64(50*time.Millisecond))

	// A wait that cannot fit the deadline fails at once, taking no slot.
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, l.Wait(short), context.DeadlineExceeded)
	assert.NoError(t, short.Err(), "without waiting for the deadline")
	third, err := l.reserve(ctx, time.Hour)
	require.NoError(t, err)
	assert.InDelta(t, time.Second, third.wait-second.wait, float64(50*time.Millisecond), "the refused call took no slot")
}

func TestGCRATwoClientsShareOneKey(t *testing.T) {
	srv := startRedis(t)
	cfg := Config{Key: "tenant:shared", Rate: 1, Burst: 4}
	a := newLimiter(t, srv.client(t), cfg)
	b := newLimiter(t, srv.client(t), cfg)
	other := newLimiter(t, srv.client(t), Config{Key: "tenant:other", Rate: 1, Burst: 4})
	ctx := context.Background()
	for _, l := range []*Limiter{a, b, a, b} {
		res, err := l.reserve(ctx, 0)
		require.NoError(t, err)
		require.True(t, res.ok)
	}
	for _, l := range []*Limiter{a, b} {
		res, err := l.reserve(ctx, 0)
		require.NoError(t, err)
		assert.False(t, res.ok, "the two clients used up one burst between them")
	}
	res, err := other.reserve(ctx, 0)
	require.NoError(t, err)
	assert.True(t, res.ok, "another tenant's key has its own schedule")
}

func TestScriptReloadedAfterFlush(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client(t)
	l := newLimiter(t, rdb, Config{Key: "tenant:a", Rate: 100})
	require.NoError(t, l.Wait(context.Background()))
	require.NoError(t, rdb.ScriptFlush(context.Background()).Err())
	require.NoError(t, l.Wait(context.Background()), "EVALSHA's NOSCRIPT falls back to EVAL")
}

// countingLimiter is a fallback that lets everything through and counts.
type countingLimiter struct {
	mu       sync.Mutex
	waits    int
	observed int
}

func (c *countingLimiter) Wait(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits++
	return nil
}

func (c *countingLimiter) Observe(context.Context, chatadmin.LimitObservation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observed++
}

func (c *countingLimiter) counts() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waits, c.observed
}

func TestRedisKilledFallsBackAndLogsOnce(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	fb := &countingLimiter{}
	// Every call asks the dead Redis again (Retry 1 ns), and fails fast:
	// connection refused, no client retries.
	rdb := srv.client(t, func(o *redis.Options) { o.MaxRetries, o.DialerRetries = -1, 1 })
	l := newLimiter(t, rdb, Config{Key: "tenant:a", Rate: 1000, Timeout: 2 * time.Second,
		Fallback: fb, Logger: logs.logger(), Retry: time.Nanosecond})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	require.NoError(t, l.Wait(ctx))
	waits, _ := fb.counts()
	require.Zero(t, waits, "Redis paces while it answers")

	srv.kill()
	for range 50 {
		require.NoError(t, l.Wait(ctx), "a dead Redis does not fail calls")
	}
	waits, _ = fb.counts()
	assert.Equal(t, 50, waits, "every call fell back")
	assert.Equal(t, 1, logs.count("Redis unavailable"), "one record, however many calls: %v", logs.lines())
	assert.Contains(t, logs.lines()[0], `key=tenant:a`)

	l.Observe(ctx, chatadmin.LimitObservation{Throttled: true, StatusCode: 429})
	_, observed := fb.counts()
	assert.Equal(t, 1, observed, "answers reach the fallback")
}

func TestDefaultFallbackIsAdaptiveAtTheReplicaShare(t *testing.T) {
	l := newLimiter(t, &redis.Client{}, Config{Key: "k", Rate: 200, Replicas: 4})
	a, ok := l.fallback.(*chatadmin.AdaptiveLimiter)
	require.True(t, ok)
	assert.Equal(t, 50.0, a.Rate())
}

func TestSlowRedisWaitIsBounded(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	fb := &countingLimiter{}
	// The client itself would wait a minute for an answer: the bound must
	// come from the limiter.
	rdb := srv.client(t, func(o *redis.Options) { o.ReadTimeout = time.Minute; o.MaxRetries = -1 })
	l := newLimiter(t, rdb, Config{Key: "tenant:a", Rate: 1000, Timeout: 100 * time.Millisecond,
		Fallback: fb, Logger: logs.logger(), Retry: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, l.Wait(ctx)) // connection made, script loaded

	srv.pause()
	defer srv.resume()
	require.NoError(t, l.Wait(ctx), "the stalled round trip is abandoned for the fallback")
	assert.NoError(t, ctx.Err(), "long before the caller's deadline")
	assert.Equal(t, 1, logs.count("no answer from Redis within 100ms"), "%v", logs.lines())
	for range 10 {
		require.NoError(t, l.Wait(ctx))
	}
	waits, _ := fb.counts()
	assert.Equal(t, 11, waits, "after a failure calls go to the fallback without asking Redis")
	srv.kill() // ends the abandoned round trip before the leak check
}

func TestRecoversWhenRedisAnswersAgain(t *testing.T) {
	srv := startRedis(t)
	var logs logBuffer
	fb := &countingLimiter{}
	rdb := srv.client(t, func(o *redis.Options) { o.MaxRetries = -1 })
	l := newLimiter(t, rdb, Config{Key: "tenant:a", Rate: 1000, Timeout: 100 * time.Millisecond,
		Fallback: fb, Logger: logs.logger(), Retry: time.Nanosecond})
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))
	srv.pause()
	require.NoError(t, l.Wait(ctx))
	srv.resume()
	// The stalled answer arrives once the server runs again; the next
	// call to ask Redis gets through and switches back.
	for logs.count("Redis answers again") == 0 {
		require.NoError(t, l.Wait(ctx))
		time.Sleep(10 * time.Millisecond)
	}
	waits, _ := fb.counts()
	require.NoError(t, l.Wait(ctx))
	after, _ := fb.counts()
	assert.Equal(t, waits, after, "back on the shared limit")
	assert.Equal(t, 1, logs.count("Redis unavailable"))
}

func TestWaitHonoursCancelWhileSleeping(t *testing.T) {
	srv := startRedis(t)
	l := newLimiter(t, srv.client(t), Config{Key: "tenant:a", Rate: 0.1})
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, l.Wait(ctx))
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx) }() // the next slot is 10 s away
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
}

// TestClockStepBackResetsTheSchedule: after Redis's clock steps back an
// hour, the schedule it holds lies an hour ahead; no caller could have put
// it there, so it is reset instead of failing every wait with "59m59s
// would pass the deadline".
func TestClockStepBackResetsTheSchedule(t *testing.T) {
	srv := startRedis(t)
	rdb := srv.client(t)
	l := newLimiter(t, rdb, Config{Key: "tenant:step", Rate: 10, Burst: 2})
	ctx := context.Background()
	now, err := rdb.Time(ctx).Result()
	require.NoError(t, err)
	// What an hour's step back leaves: a TAT an hour ahead of Redis's clock.
	require.NoError(t, rdb.Set(ctx, "tenant:step", now.Add(time.Hour).UnixMicro(), 0).Err())

	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	require.NoError(t, l.Wait(short), "the stepped schedule is reset, not waited out")
	tat, err := rdb.Get(ctx, "tenant:step").Int64()
	require.NoError(t, err)
	assert.Less(t, time.UnixMicro(tat).Sub(now), time.Minute, "the schedule is back near Redis's clock")

	// A queue as long as MaxWait allows is not mistaken for a step.
	q := newLimiter(t, rdb, Config{Key: "tenant:queue", Rate: 10, MaxWait: time.Second})
	for range 10 {
		res, err := q.reserve(ctx, time.Second)
		require.NoError(t, err)
		require.True(t, res.ok)
	}
	res, err := q.reserve(ctx, time.Second)
	require.NoError(t, err)
	assert.InDelta(t, float64(time.Second), float64(res.wait), float64(150*time.Millisecond), "the eleventh waits its turn")
}
