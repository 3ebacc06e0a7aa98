package chatadmin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client in NewClient.
type Option func(*config) error

type config struct {
	baseURL          string
	insecureHTTP     bool
	httpClient       *http.Client
	maxAttempts      int
	retryWaitMin     time.Duration
	retryWaitMax     time.Duration
	maxRetryAfter    time.Duration
	maxRetryWait     time.Duration
	logger           *slog.Logger
	userAgentSuffix  string
	maxResponseBytes int64
	budgetCapacity   int
	budgetRefund     float64
	observer         Observer
	limiter          Limiter
	noLimiter        bool // WithoutRateLimiter: no default limiter
}

// Defaults chosen for an admin backend: a handful of attempts with short
// waits, and a response limit far above any documented page size.
const (
	DefaultMaxAttempts      = 4
	DefaultRetryWaitMin     = 250 * time.Millisecond
	DefaultRetryWaitMax     = 10 * time.Second
	DefaultMaxRetryAfter    = time.Minute
	DefaultMaxResponseBytes = 32 << 20
)

// DefaultMaxRetryWaitTotal bounds the waits of one call, so that a call with
// no deadline is not held for minutes by a few long Retry-After answers (see
// WithMaxRetryWaitTotal).
const DefaultMaxRetryWaitTotal = 30 * time.Second

func defaultConfig() config {
	return config{
		maxAttempts:      DefaultMaxAttempts,
		retryWaitMin:     DefaultRetryWaitMin,
		retryWaitMax:     DefaultRetryWaitMax,
		maxRetryAfter:    DefaultMaxRetryAfter,
		maxRetryWait:     DefaultMaxRetryWaitTotal,
		maxResponseBytes: DefaultMaxResponseBytes,
		budgetCapacity:   DefaultRetryBudget,
		budgetRefund:     DefaultRetryBudgetRefund,
	}
}

// regions are the documented API hosts.
var regions = map[string]string{
	"us": "https://apix.us.amity.co",
	"eu": "https://apix.eu.amity.co",
	"sg": "https://apix.sg.amity.co",
}

// WithBaseURL sets the API root, e.g. "https://apix.eu.amity.co" or the URL
// of a chatadmintest emulator. Paths such as /api/v2/channels are appended.
func WithBaseURL(baseURL string) Option {
	return func(c *config) error { c.baseURL = baseURL; return nil }
}

// WithRegion sets the base URL to the region's documented host:
// "us", "eu" or "sg".
func WithRegion(region string) Option {
	return func(c *config) error {
		host, ok := regions[region]
		if !ok {
			return fmt.Errorf("chatadmin: unknown region %q: want us, eu or sg", region)
		}
		c.baseURL = host
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL to a non-loopback host.
// The token then travels unencrypted: use it only inside a trusted network.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.insecureHTTP = true; return nil }
}

// WithHTTPClient sends requests through hc (its Transport, Timeout and
// Jar). The Client works on a copy whose redirect policy drops the token on
// redirects to another host and refuses https→http redirects.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("chatadmin: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxAttempts sets how many times a retryable call is tried in all
// (1 disables retries). The default is DefaultMaxAttempts.
func WithMaxAttempts(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("chatadmin: WithMaxAttempts(%d): want at least 1", n)
		}
		c.maxAttempts = n
		return nil
	}
}

// WithRetryWait sets the bounds of the jittered exponential backoff between
// attempts.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *config) error {
		if min < 0 || max < min {
			return fmt.Errorf("chatadmin: WithRetryWait(%s, %s): want 0 <= min <= max", min, max)
		}
		c.retryWaitMin, c.retryWaitMax = min, max
		return nil
	}
}

// WithMaxRetryAfter caps how long the client honours a server's Retry-After.
// A longer advised wait ends the call at once with an *APIError matching
// ErrRateLimited whose RetryAfter holds the advice.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("chatadmin: WithMaxRetryAfter(%s): negative", d)
		}
		c.maxRetryAfter = d
		return nil
	}
}

// WithMaxRetryWaitTotal bounds the time one call spends waiting between its
// attempts: backoffs and Retry-After waits added up (the default is
// DefaultMaxRetryWaitTotal, 30 s). When the next wait would not fit in
// what is left, the call ends at once instead of sleeping, with the last
// answer's error: for a rate-limited answer, the *APIError matching
// ErrRateLimited whose RetryAfter holds the advice (as for
// WithMaxRetryAfter); after a transport error, that error. A backoff counts at
// its longest (its jitter only shortens it), so the bound holds whatever
// the jitter draws. 0 allows no wait at all.
//
// It is a separate option from WithMaxRetryAfter because it bounds
// something else: WithMaxRetryAfter refuses one advice that is too long to
// honour, this bounds the sum, which grows with WithMaxAttempts. A context
// deadline bounds the whole call, the attempts included; this bound keeps a
// call without one from being held for minutes.
func WithMaxRetryWaitTotal(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("chatadmin: WithMaxRetryWaitTotal(%s): negative", d)
		}
		c.maxRetryWait = d
		return nil
	}
}

// WithLogger logs each attempt (method, route, status, attempt, duration) at
// debug level and retries at info level, under the call's context: a handler
// that reads a trace id from the context finds the caller's. Headers, tokens
// and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithUserAgent appends suffix (e.g. "my-moderation-bot/1.2") to the
// User-Agent "chatadmin-go/<version>". A suffix with a control character
// (CR, LF, NUL…) is refused: no header value may hold one, and every call
// would fail.
func WithUserAgent(suffix string) Option {
	return func(c *config) error {
		for i := 0; i < len(suffix); i++ {
			if b := suffix[i]; b < 0x20 || b == 0x7f {
				return fmt.Errorf("chatadmin: WithUserAgent(%q): control character at offset %d", suffix, i)
			}
		}
		c.userAgentSuffix = suffix
		return nil
	}
}

// WithMaxResponseBytes caps how much of a success body is read before the
// call fails with ErrUnexpectedResponse (downloads are not capped). The
// default is DefaultMaxResponseBytes. Error bodies are always capped at 1 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("chatadmin: WithMaxResponseBytes(%d): want at least 1", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}
