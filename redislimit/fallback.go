package redislimit

import (
	"context"
	"log/slog"
	"time"
)

// useRedis reports whether this call should ask Redis: always while Redis
// answers; after a failure, only one call at a time once Retry has passed,
// so a dead or stalled Redis costs at most one Timeout per Retry.
func (l *Limiter) useRedis() bool {
	until := l.downUntil.Load()
	if until == 0 {
		return true
	}
	if time.Now().UnixNano() < until {
		return false
	}
	return l.probing.CompareAndSwap(false, true)
}

// failed records a Redis failure: calls use the fallback for Retry, and a
// record is logged unless one was logged less than LogEvery ago.
func (l *Limiter) failed(err error) {
	l.downUntil.Store(time.Now().Add(l.retry).UnixNano())
	l.probing.Store(false)
	l.logMu.Lock()
	defer l.logMu.Unlock()
	now := time.Now()
	if !l.lastLog.IsZero() && now.Sub(l.lastLog) < l.logEvery {
		l.suppressed++
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelWarn, "redislimit: Redis unavailable, pacing with the local fallback",
		slog.String("key", l.key),
		slog.String("error", err.Error()),
		slog.Duration("retry_in", l.retry),
		slog.Int("failures_not_logged", l.suppressed))
	l.lastLog, l.suppressed, l.reported = now, 0, true
}

// recovered notes that Redis answered; after a logged failure it logs
// once that the shared limit is back (so a flapping Redis writes at most
// two records per LogEvery).
func (l *Limiter) recovered() {
	if l.downUntil.Load() == 0 {
		return
	}
	l.downUntil.Store(0)
	l.probing.Store(false)
	l.logMu.Lock()
	defer l.logMu.Unlock()
	if !l.reported {
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, "redislimit: Redis answers again, pacing with the shared limit",
		slog.String("key", l.key),
		slog.Int("failures_not_logged", l.suppressed))
	l.reported, l.suppressed = false, 0
}
