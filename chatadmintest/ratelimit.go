package chatadmintest

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// WithRateLimit makes the emulator enforce one tenant-wide rate limit, as
// the provider does per user: a token bucket of burst requests refilled at
// rps per second, shared by every client of the emulator. A request past
// the limit gets 429 with the provider's body
// {"status":"error","code":400311,"message":"RateLimit Exceed."} and a
// Retry-After header. Retry-After is HTTP's, so it counts whole seconds:
// the time until the next token rounded up, at least 1, which is coarse
// beside a limit of hundreds per second (clients that pace themselves need
// not wait it out). The provider documents no Retry-After at all.
//
// The bucket runs on the emulator's clock (WithClock), so a test with a
// frozen clock gets exactly burst requests through. Only API requests
// count, not downloads from the WithCDN listener. rps ≤ 0 turns the limit
// off; burst below 1 means 1.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) {
		c.rateLimit, c.rateBurst = rps, max(burst, 1)
	}
}

// newTenantLimiter is the bucket of WithRateLimit, nil without a limit.
func newTenantLimiter(cfg *config) *rate.Limiter {
	if cfg.rateLimit <= 0 || math.IsNaN(cfg.rateLimit) {
		return nil
	}
	return rate.NewLimiter(rate.Limit(cfg.rateLimit), cfg.rateBurst) // starts full
}

var errRateLimited = &apiError{status: http.StatusTooManyRequests, code: apicode.RateLimited, message: "RateLimit Exceed."}

// throttle takes a token for one request, or returns the 429 answer and
// its Retry-After header when none is left.
func (e *Emulator) throttle() (*response, http.Header) {
	if e.limiter == nil {
		return nil, nil
	}
	now := e.cfg.now()
	if e.limiter.AllowN(now, 1) {
		return nil, nil
	}
	missing := 1 - e.limiter.TokensAt(now)
	wait := time.Duration(missing / float64(e.limiter.Limit()) * float64(time.Second))
	secs := max(int64(math.Ceil(wait.Seconds())), 1)
	return errResponse(errRateLimited), http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}}
}
