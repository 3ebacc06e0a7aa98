package chatadmin

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// AdaptiveLimiterConfig configures NewAdaptiveLimiter. The zero value is a
// limiter without a ceiling and a burst of 1.
type AdaptiveLimiterConfig struct {
	// Ceiling is the most requests per second the limiter ever lets
	// through. With a ceiling it paces calls from the start; without one
	// (0 or less) calls go unpaced until the server first throttles one.
	// Set it to the provider's limit when you know it.
	Ceiling float64
	// Burst is how many attempts may go at once after a quiet spell (the
	// token bucket's size); 1 (the default, also for values below 1) spaces
	// every attempt evenly, which the server's own bucket absorbs best.
	Burst int
}

// The adaptive limiter's constants, as in the AWS SDK's adaptive retry mode
// (CUBIC congestion control applied to a request rate), except for a
// gentler cut, 0.85 instead of 0.7: between two throttles the rate then
// stays closer to the server's limit (BENCHMARKS.md, "Rate limiting"); and
// for adaptiveAdd, CUBIC's TCP-friendly region (RFC 8312 §4.2) in
// requests per second.
//
// adaptiveAdd is what makes unshared limiters split one limit fairly
// (issue 17). A tenant bucket refuses every process that sends while it is
// empty, so the processes are throttled together and each cuts by the same
// factor: a recovery that scales with each one's own rate (the cubic curve
// back to its own last throttled rate) keeps their ratios, and an early
// lead lasts. An increase the same in requests per second for every
// process, after cuts that take more from the larger ones, narrows the gap
// at every throttle, as AIMD does. Its price is a faster climb, so more
// frequent probes past the limit; being in requests per second, it is
// steepest beside a small limit. In the simulation of the tests, four
// processes at 200 rps see about 2 % of attempts throttled instead of 1 %,
// one process alone at 20 rps 23 % instead of 8 % (still at the limit: a
// throttled call is retried after its Retry-After).
const (
	adaptiveBeta    = 0.85                   // share of the rate kept after a throttle
	adaptiveScale   = 0.4                    // CUBIC's C: how fast the rate climbs back
	adaptiveAdd     = 5.0                    // requests per second gained per second at least
	adaptiveMinRate = 0.5                    // requests per second, the floor
	adaptiveSmooth  = 0.8                    // weight of the newest sample of the send rate
	adaptiveBucket  = 500 * time.Millisecond // span of one send-rate sample
)

// AdaptiveLimiter is a Limiter whose rate follows the server's pushback: a
// token bucket (golang.org/x/time/rate) whose rate is cut to 85 % when an
// answer is throttled, and grows back on successes along a cubic curve that
// is fast far below the last rate that was throttled and flat near it, so
// the limiter spends most of its time just under the server's limit, but
// never slower than 5 requests per second per second, so that limiters in
// several processes sharing one limit converge to equal shares. Only
// attempts that asked for permission after the last cut can cut again: the
// answers to attempts already let through (or scheduled) at the old rate
// would otherwise cut the rate once per such attempt.
//
// Retry-After advice is not applied to other calls: the throttled call's
// own retry sits it out, and the provider gives at best whole seconds,
// which held against every call would cost far more than the throttling.
//
// An AdaptiveLimiter is safe for concurrent use and may be shared by the
// Clients of one token.
type AdaptiveLimiter struct {
	bucket *rate.Limiter
	pacing atomic.Bool  // the bucket is consulted (a ceiling, or a throttle seen)
	sent   atomic.Int64 // attempts let through since the last Observe
	// sampleDue is when the send-rate sample under way is complete (unix
	// ns). Before pacing, Observe takes the lock only then, so that the
	// default limiter costs a few atomic operations per call until the
	// server first throttles one.
	sampleDue atomic.Int64
	now       func() time.Time

	mu        sync.Mutex
	ceiling   float64 // 0: none
	fill      float64 // the bucket's rate once pacing
	throttled bool    // a throttle has been seen: the cubic curve applies
	lastMax   float64 // the rate at the last cut
	window    float64 // seconds from the last cut until the curve is back at lastMax
	lastCut   time.Time
	cutRate   float64 // the rate the last cut set: the additive climb starts there

	measured    float64   // smoothed attempts let through per second
	sampleStart time.Time // start of the sample being counted
	sampleCount int
	sampled     bool // measured holds at least one full sample
}

// NewAdaptiveLimiter returns an AdaptiveLimiter for WithRateLimiter.
func NewAdaptiveLimiter(cfg AdaptiveLimiterConfig) *AdaptiveLimiter {
	burst := max(cfg.Burst, 1)
	a := &AdaptiveLimiter{now: time.Now}
	limit := rate.Inf
	if cfg.Ceiling > 0 && !math.IsInf(cfg.Ceiling, 1) {
		a.ceiling = max(cfg.Ceiling, adaptiveMinRate)
		a.fill = a.ceiling
		limit = rate.Limit(a.ceiling)
		a.pacing.Store(true)
	}
	a.bucket = rate.NewLimiter(limit, burst)
	return a
}

// Rate returns the requests per second the limiter lets through now:
// +Inf while it does not pace.
func (a *AdaptiveLimiter) Rate() float64 {
	if !a.pacing.Load() {
		return math.Inf(1)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fill
}

// Wait blocks until the bucket lets one attempt through. A wait that would
// outlast ctx's deadline fails at once, wrapping context.DeadlineExceeded,
// and gives its token back.
func (a *AdaptiveLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !a.pacing.Load() {
		a.sent.Add(1)
		return nil
	}
	now := a.now()
	r := a.bucket.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay <= 0 {
		a.sent.Add(1)
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
		r.CancelAt(now)
		return fmt.Errorf("chatadmin: the rate limiter's wait of %s would pass the deadline: %w", delay, context.DeadlineExceeded)
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		a.sent.Add(1)
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// Observe adjusts the rate to an answer.
func (a *AdaptiveLimiter) Observe(_ context.Context, o LimitObservation) {
	if !o.Throttled && !a.pacing.Load() && !o.Asked.IsZero() && o.Asked.UnixNano() < a.sampleDue.Load() {
		return // nothing to learn, nor to measure yet
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.measure(now)
	var next float64
	switch {
	case o.Throttled:
		if a.throttled && !o.Asked.IsZero() && o.Asked.Before(a.lastCut) {
			return // let through before the last cut: already accounted for
		}
		// Cut from the rate the bucket allowed: the measured rate dips
		// whenever the client stalls, and the burst after a stall is
		// what gets throttled. Before pacing, cut from what was sent.
		base := a.measured
		if a.pacing.Load() {
			base = a.fill
		}
		// Fast convergence (CUBIC, RFC 8312 §4.6): cut again below the
		// rate of the last cut, this limiter is losing ground to others
		// sharing the server's limit, and aims lower so that they settle
		// on fair shares instead of holding on to an early lead.
		target := base
		if a.throttled && base < a.lastMax {
			target = base * (1 + adaptiveBeta) / 2
		}
		next = base * adaptiveBeta
		a.cutRate = max(next, adaptiveMinRate)
		if a.ceiling > 0 {
			a.cutRate = min(a.cutRate, a.ceiling)
		}
		a.throttled = true
		a.lastMax = target
		a.window = math.Cbrt((target - next) / adaptiveScale)
		a.lastCut = now
	case a.throttled:
		since := now.Sub(a.lastCut).Seconds()
		t := since - a.window
		next = max(adaptiveScale*t*t*t+a.lastMax, a.cutRate+adaptiveAdd*since)
	default:
		return // before any throttle the rate stays where it started
	}
	// Never climb past twice what is really sent: a rate that climbed
	// while the client was idle would let a sudden burst through. But
	// never below the rate of the last cut either: callers that sit out a
	// throttle's Retry-After send nothing for a second, and twice that
	// would cut the limiter far below its share for good.
	next = min(next, max(2*a.measured, a.cutRate))
	next = max(next, adaptiveMinRate)
	if a.ceiling > 0 {
		next = min(next, a.ceiling)
	}
	a.fill = next
	a.bucket.SetLimitAt(now, rate.Limit(next))
	a.pacing.Store(true)
}

// measure folds the attempts let through since the last call into the
// smoothed send rate. It counts sends, not answers: when many attempts go
// at once, the first answer may well be a 429, and a rate estimated from
// one answer would cut the rate to almost nothing. Before the first full
// sample it estimates from what it has, over at least 100 ms, so a throttle
// in the first half second still cuts from a sensible rate.
func (a *AdaptiveLimiter) measure(now time.Time) {
	if a.sampleStart.IsZero() {
		a.sampleStart = now
		a.sampleDue.Store(now.Add(adaptiveBucket).UnixNano())
	}
	a.sampleCount += int(a.sent.Swap(0))
	elapsed := now.Sub(a.sampleStart)
	if elapsed >= adaptiveBucket {
		current := float64(a.sampleCount) / elapsed.Seconds()
		if a.sampled {
			a.measured = adaptiveSmooth*current + (1-adaptiveSmooth)*a.measured
		} else {
			a.measured = current
		}
		a.sampled = true
		a.sampleStart, a.sampleCount = now, 0
		a.sampleDue.Store(now.Add(adaptiveBucket).UnixNano())
		return
	}
	if !a.sampled {
		a.measured = float64(a.sampleCount) / max(elapsed, 100*time.Millisecond).Seconds()
	}
}
