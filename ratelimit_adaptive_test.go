package chatadmin

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock drives an AdaptiveLimiter's rate decisions without sleeping.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFakeAdaptive(cfg AdaptiveLimiterConfig) (*AdaptiveLimiter, *fakeClock) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	a := NewAdaptiveLimiter(cfg)
	a.now = clk.now
	return a, clk
}

// answer reports one answer to an attempt sent now, then lets gap pass.
func answer(a *AdaptiveLimiter, clk *fakeClock, throttled bool, gap time.Duration) {
	a.sent.Add(1) // as Wait does
	a.Observe(context.Background(), LimitObservation{Throttled: throttled, StatusCode: 200, Asked: clk.t})
	clk.advance(gap)
}

func TestAdaptiveUnpacedUntilThrottled(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{})
	for range 300 {
		answer(a, clk, false, 10*time.Millisecond)
	}
	assert.True(t, math.IsInf(a.Rate(), 1), "successes alone never start pacing")
	require.NoError(t, a.Wait(context.Background()))

	answer(a, clk, true, 0)
	assert.InDelta(t, adaptiveBeta*100, a.Rate(), 3, "a throttle cuts the measured 100 attempts/s by the factor")
}

func TestAdaptiveInFlightThrottlesCutOnce(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{})
	for range 200 {
		answer(a, clk, false, 10*time.Millisecond)
	}
	sentBefore := clk.t
	clk.advance(time.Millisecond)
	answer(a, clk, true, time.Millisecond)
	cut := a.Rate()
	for range 20 {
		// Answers to attempts that were already in flight at the cut.
		a.Observe(context.Background(), LimitObservation{Throttled: true, Asked: sentBefore})
	}
	assert.Equal(t, cut, a.Rate(), "throttles of attempts sent before the cut do not cut again")
	answer(a, clk, true, 0)
	assert.InDelta(t, cut*adaptiveBeta, a.Rate(), 0.01, "a throttle of an attempt sent after the cut does")
}

func TestAdaptiveRecoversTowardLastThrottledRate(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{})
	for range 200 {
		answer(a, clk, false, 5*time.Millisecond) // 200 answers/s
	}
	answer(a, clk, true, 0)
	lastMax := a.lastMax
	require.InDelta(t, 200, lastMax, 5)
	window := time.Duration(a.window * float64(time.Second))
	prev := a.Rate()
	for clk.t.Sub(a.lastCut) < window {
		answer(a, clk, false, 5*time.Millisecond)
		require.GreaterOrEqual(t, a.Rate(), prev, "the rate only grows between throttles")
		prev = a.Rate()
	}
	assert.InDelta(t, lastMax, a.Rate(), 2, "after the cubic window the rate is back at the last throttled rate")
	for range 100 {
		answer(a, clk, false, 5*time.Millisecond)
	}
	assert.Greater(t, a.Rate(), lastMax, "then it probes above it")
	assert.LessOrEqual(t, a.Rate(), 2*a.measured+1e-9, "but never beyond twice what is sent")
}

func TestAdaptiveCeilingAndFloor(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{Ceiling: 50})
	assert.Equal(t, 50.0, a.Rate(), "a ceiling paces from the start")
	for range 500 {
		answer(a, clk, false, time.Millisecond)
	}
	assert.Equal(t, 50.0, a.Rate(), "successes before any throttle leave the ceiling alone")
	answer(a, clk, true, time.Millisecond)
	assert.InDelta(t, 50*adaptiveBeta, a.Rate(), 0.01, "the cut starts from the ceiling when more was sent")
	for range 5000 {
		answer(a, clk, false, time.Millisecond)
	}
	assert.Equal(t, 50.0, a.Rate(), "recovery stops at the ceiling")
	for range 100 {
		answer(a, clk, true, 10*time.Second)
	}
	assert.Equal(t, adaptiveMinRate, a.Rate(), "repeated throttles stop at the floor")
}

func TestAdaptiveWaitPacesAndHonoursContext(t *testing.T) {
	a := NewAdaptiveLimiter(AdaptiveLimiterConfig{Ceiling: 0.5, Burst: 2})
	ctx := context.Background()
	require.NoError(t, a.Wait(ctx))
	require.NoError(t, a.Wait(ctx), "a burst of 2 goes at once")

	deadlineCtx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	done := make(chan error, 1)
	cancelCtx, cancelWait := context.WithCancel(deadlineCtx)
	go func() { done <- a.Wait(cancelCtx) }()
	cancelWait()
	assert.ErrorIs(t, <-done, context.Canceled)

	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	err := a.Wait(short)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a 2 s wait cannot fit a 100 ms deadline")
	assert.NoError(t, short.Err(), "and fails without waiting for it")
}

func TestAdaptiveRateFollowsWhatIsSent(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{})
	for range 200 {
		answer(a, clk, false, 5*time.Millisecond)
	}
	answer(a, clk, true, 0)
	for range 300 {
		answer(a, clk, false, 100*time.Millisecond) // the client slows to 10/s for 30 s
	}
	assert.LessOrEqual(t, a.Rate(), 20.5, "an idle spell does not let the rate climb past twice what is sent")
}

// TestAdaptiveFastConvergence: a second cut below the rate of the first
// means other clients took a share of the server's limit; the limiter
// then aims below its new rate, not back at its old one, so that an early
// lead is given up (issue 17: unshared limiters split the limit 2.3 to 1).
func TestAdaptiveFastConvergence(t *testing.T) {
	a, clk := newFakeAdaptive(AdaptiveLimiterConfig{})
	for range 200 {
		answer(a, clk, false, 5*time.Millisecond) // 200 answers/s
	}
	answer(a, clk, true, 0)
	first := a.lastMax
	clk.advance(10 * time.Millisecond)
	answer(a, clk, true, 0) // throttled again at 85 % of the first rate
	base := first * adaptiveBeta
	assert.InDelta(t, base*(1+adaptiveBeta)/2, a.lastMax, 0.01, "the plateau is below the rate of this cut")
	assert.InDelta(t, base*adaptiveBeta, a.Rate(), 0.01)
}
