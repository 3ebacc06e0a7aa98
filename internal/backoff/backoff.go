// Package backoff holds the retry waits: the server's Retry-After, and the
// exponential backoff with jitter used when it gave none.
package backoff

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfterSeconds is the largest Retry-After in seconds that a
// time.Duration holds; a larger one saturates instead of overflowing into a
// short (or negative) wait.
const maxRetryAfterSeconds = math.MaxInt64 / int64(time.Second)

// RetryAfter parses Retry-After as seconds or an HTTP date. A number of
// seconds too large for a time.Duration (or for int64) is the longest
// Duration: a wait longer than any WithMaxRetryAfter.
func RetryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > maxRetryAfterSeconds {
			// Only a range error is possible for digits.
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if strings.HasPrefix(v, "-") && isDigits(v[1:]) {
		return 0, false
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Jitter draws a wait in [ceiling/2, ceiling]: jitter keeps many clients
// that failed together from retrying together.
func Jitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}

// Ceiling is the longest backoff before retry number attempt+1:
// min doubled per attempt, capped at max (max itself when min is 0).
func Ceiling(min, max time.Duration, attempt int) time.Duration {
	if attempt < 32 && min<<uint(attempt) < max && min<<uint(attempt) > 0 {
		return min << uint(attempt)
	}
	return max
}

// Sleep waits d, or less when ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
