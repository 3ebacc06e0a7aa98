// Package redislimit is a chatadmin.Limiter shared through Redis, so that
// every replica of a backend together stays under one tenant's rate limit:
// the provider counts requests per user (the admin token), not per process.
//
// Each Wait reserves a slot on one key per tenant with GCRA (a Lua script,
// run with EVALSHA and EVAL), then sleeps until the slot. A Redis that is
// down or slow never holds a call for more than Config.Timeout: the call is
// then paced by a local fallback limiter and a log record says so (at most
// one per Config.LogEvery, so a dead Redis cannot flood the logs).
//
// It lives in its own module so that the chatadmin module never depends on
// Redis.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/redis/go-redis/v9"
)

// Defaults of Config.
const (
	DefaultTimeout  = 50 * time.Millisecond
	DefaultRetry    = time.Second
	DefaultLogEvery = time.Minute
	DefaultMaxWait  = time.Minute
)

// Config describes one tenant's shared limit.
type Config struct {
	// Key is the Redis key of the tenant's schedule, e.g.
	// "chatadmin:ratelimit:<tenant>". Every replica of one tenant must use
	// the same key, and only that tenant.
	Key string
	// Rate is the tenant's limit in requests per second, for all replicas
	// together.
	Rate float64
	// Burst is how many requests may go at once after a quiet spell
	// (default 1).
	Burst int
	// Timeout bounds each Redis round trip (default DefaultTimeout); past
	// it the call is paced by the fallback. It holds whether or not the
	// go-redis client has ContextTimeoutEnabled; with it, the abandoned
	// round trip also ends at once instead of at the client's ReadTimeout.
	Timeout time.Duration
	// Replicas is how many processes share the limit (default 1). It only
	// sizes the default fallback: each replica then falls back to
	// Rate/Replicas on its own.
	Replicas int
	// Fallback paces calls while Redis is unavailable. The default is a
	// chatadmin.AdaptiveLimiter with a ceiling of Rate/Replicas, which
	// stays under the tenant's limit if all replicas fall back together
	// and still slows down if the server pushes back. It is told about
	// every answer, so it knows of recent throttling when it takes over.
	Fallback chatadmin.Limiter
	// Retry is how long the fallback alone paces calls after Redis failed,
	// before one call tries Redis again (default DefaultRetry).
	Retry time.Duration
	// MaxWait caps the wait reserved for a call without a deadline
	// (default DefaultMaxWait); a longer one fails with an error wrapping
	// context.DeadlineExceeded. It also tells a clock step from a long
	// queue: a schedule further ahead than MaxWait (plus one burst) can
	// only come from Redis's clock stepping back, and is reset. Give every
	// replica of a tenant the same MaxWait.
	MaxWait time.Duration
	// Logger receives the fallback records (default slog.Default()).
	Logger *slog.Logger
	// LogEvery is the least time between two "Redis unavailable" records
	// (default DefaultLogEvery); the next record counts the failures in
	// between.
	LogEvery time.Duration
}

// Limiter is a chatadmin.Limiter on Redis. It is safe for concurrent use.
type Limiter struct {
	rdb       redis.Scripter
	keys      []string
	key       string
	interval  time.Duration
	tolerance time.Duration
	timeout   time.Duration
	retry     time.Duration
	maxWait   time.Duration
	fallback  chatadmin.Limiter
	log       *slog.Logger
	logEvery  time.Duration

	downUntil atomic.Int64 // unix nanoseconds until which Redis is not asked; 0: up
	probing   atomic.Bool  // one call is asking Redis whether it is back

	logMu      sync.Mutex
	lastLog    time.Time
	suppressed int
	reported   bool // a failure was logged and no recovery since
}

var _ chatadmin.Limiter = (*Limiter)(nil)

var errUnexpectedReply = errors.New("redislimit: unexpected reply from the GCRA script")

// New returns a Limiter for rdb (a *redis.Client, ClusterClient or Ring).
func New(rdb redis.Scripter, cfg Config) (*Limiter, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redislimit: nil Redis client")
	case cfg.Key == "":
		return nil, errors.New("redislimit: Config.Key is required")
	case !(cfg.Rate > 0) || math.IsInf(cfg.Rate, 1):
		return nil, fmt.Errorf("redislimit: Config.Rate %v: want a positive, finite rate", cfg.Rate)
	}
	burst := max(cfg.Burst, 1)
	replicas := max(cfg.Replicas, 1)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	if interval < time.Microsecond {
		return nil, fmt.Errorf("redislimit: Config.Rate %v: above a million per second", cfg.Rate)
	}
	l := &Limiter{
		rdb:       rdb,
		keys:      []string{cfg.Key},
		key:       cfg.Key,
		interval:  interval,
		tolerance: time.Duration(burst-1) * interval,
		timeout:   orDefault(cfg.Timeout, DefaultTimeout),
		retry:     orDefault(cfg.Retry, DefaultRetry),
		maxWait:   orDefault(cfg.MaxWait, DefaultMaxWait),
		fallback:  cfg.Fallback,
		log:       cfg.Logger,
		logEvery:  orDefault(cfg.LogEvery, DefaultLogEvery),
	}
	if l.fallback == nil {
		l.fallback = chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{
			Ceiling: cfg.Rate / float64(replicas),
			Burst:   max(burst/replicas, 1),
		})
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	return l, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Wait reserves the next slot of the tenant's schedule and sleeps until
// it. A wait that would outlast ctx's deadline (or MaxWait) fails at once,
// wrapping context.DeadlineExceeded, without taking a slot. A slot taken by
// a call whose context then ends is not given back: the replicas stay
// under the limit, at the cost of a little throughput.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.useRedis() {
		return l.fallback.Wait(ctx)
	}
	maxWait := l.maxWait
	if deadline, ok := ctx.Deadline(); ok {
		maxWait = min(maxWait, time.Until(deadline))
	}
	res, err := l.reserveBounded(ctx, max(maxWait, 0))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			l.probing.Store(false) // let another call find out about Redis
			return ctxErr          // the caller gave up, Redis did not fail
		}
		l.failed(err)
		return l.fallback.Wait(ctx)
	}
	l.recovered()
	if !res.ok {
		return fmt.Errorf("redislimit: the shared limit's wait of %s would pass the deadline: %w", res.wait, context.DeadlineExceeded)
	}
	if res.wait <= 0 {
		return nil
	}
	t := time.NewTimer(res.wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserveBounded runs the script but returns after Timeout whatever Redis
// does: a go-redis client without ContextTimeoutEnabled ignores the
// context's deadline and would block until its ReadTimeout.
func (l *Limiter) reserveBounded(ctx context.Context, maxWait time.Duration) (reservation, error) {
	rctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	type result struct {
		res reservation
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := l.reserve(rctx, maxWait)
		done <- result{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-rctx.Done():
		if ctx.Err() != nil {
			return reservation{}, ctx.Err()
		}
		return reservation{}, fmt.Errorf("redislimit: no answer from Redis within %s", l.timeout)
	}
}

// Observe passes the answer on to the fallback, so that it knows of recent
// throttling when it takes over. The shared schedule itself runs at the
// configured rate: the tenant's limit is known, not learnt.
func (l *Limiter) Observe(ctx context.Context, o chatadmin.LimitObservation) {
	l.fallback.Observe(ctx, o)
}
