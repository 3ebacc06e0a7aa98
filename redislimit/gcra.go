package redislimit

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript reserves one slot of a tenant's rate with GCRA (the generic
// cell rate algorithm): the key holds the theoretical arrival time (TAT) of
// the next request in microseconds on Redis's own clock, so replicas whose
// clocks disagree still share one schedule. A request may go at
// TAT - tolerance; one that would have to wait longer than max_wait is
// refused without moving the TAT, so a caller about to give up costs the
// others nothing.
//
// A TAT further ahead than any caller can have pushed it (the longest wait
// a replica accepts, MaxWait, plus one burst and one interval) means that
// Redis's clock stepped back since it was set (an NTP step, a failover to
// a replica whose clock is behind, a restored snapshot): the schedule is
// reset to now instead of making every caller wait out the step.
//
// KEYS[1] the tenant's key
// ARGV[1] emission interval (µs per request), ARGV[2] tolerance
// ((burst-1) × interval, µs), ARGV[3] the longest wait the caller accepts
// (µs), ARGV[4] the furthest a TAT can be ahead without a clock step (µs).
// Returns {1, wait µs} when a slot is reserved, {0, wait µs} when not.
var gcraScript = redis.NewScript(`
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local horizon = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now or tat > now + horizon then
  tat = now
end
local wait = tat - tolerance - now
if wait < 0 then
  wait = 0
end
if wait > max_wait then
  return {0, wait}
end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, wait}
`)

// reservation is the script's answer.
type reservation struct {
	ok   bool          // a slot was reserved
	wait time.Duration // until the slot (or, when not ok, until one would be free)
}

// reserve runs the script once, with no bound of its own (Wait bounds it).
func (l *Limiter) reserve(ctx context.Context, maxWait time.Duration) (reservation, error) {
	horizon := max(l.maxWait, maxWait) + l.tolerance + l.interval
	res, err := gcraScript.Run(ctx, l.rdb, l.keys, l.interval.Microseconds(), l.tolerance.Microseconds(), maxWait.Microseconds(),
		horizon.Microseconds()).Int64Slice()
	if err != nil {
		return reservation{}, err
	}
	if len(res) != 2 {
		return reservation{}, errUnexpectedReply
	}
	return reservation{ok: res[0] == 1, wait: time.Duration(res[1]) * time.Microsecond}, nil
}
