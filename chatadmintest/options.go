package chatadmintest

import "time"

// DefaultToken is the bearer token an Emulator accepts unless WithToken is
// given.
const DefaultToken = "chatadmintest-token"

// DefaultAdminUserID is the user id the admin acts as unless WithAdminUserID
// is given.
const DefaultAdminUserID = "admin"

// DefaultMessagePageSize is the page size of token-paged message queries
// unless WithMessagePageSize is given.
const DefaultMessagePageSize = 20

// DefaultMaxUploadSize is the largest multipart file accepted: 1 GiB, the
// service's upload limit.
const DefaultMaxUploadSize int64 = 1 << 30

// config is what the options set; it is fixed once New returns.
type config struct {
	token           string
	adminUserID     string
	demo            bool
	messagePageSize int
	noMessageTokens bool
	cdn             bool
	now             func() time.Time
	maxUploadSize   int64
	requestLogLimit int
	tls             bool
	rateLimit       float64
	rateBurst       int
}

func defaultConfig() config {
	return config{
		token:           DefaultToken,
		adminUserID:     DefaultAdminUserID,
		messagePageSize: DefaultMessagePageSize,
		now:             time.Now,
		maxUploadSize:   DefaultMaxUploadSize,
		requestLogLimit: 10000,
	}
}

// Option configures an Emulator (New) or a Server (NewServer).
type Option func(*config)

// WithToken sets the bearer token the emulator accepts (default
// DefaultToken). An empty token is ignored.
func WithToken(token string) Option {
	return func(c *config) {
		if token != "" {
			c.token = token
		}
	}
}

// WithAdminUserID sets the user id the admin acts as: the sender of messages
// it creates, the reactor of its reactions, a member of the channels it
// creates and the user whose membership is reported as "channelUser" in
// channel responses (default DefaultAdminUserID).
func WithAdminUserID(id string) Option {
	return func(c *config) {
		if id != "" {
			c.adminUserID = id
		}
	}
}

// WithDemoData loads a few users, roles, channels, messages and a reaction
// (see the demo data in demo.go) so that an example has something to list.
func WithDemoData() Option { return func(c *config) { c.demo = true } }

// WithMessagePageSize sets the page size of token-paged message queries
// (those without after/before/first/last); default DefaultMessagePageSize.
// Values below 1 are ignored.
func WithMessagePageSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.messagePageSize = n
		}
	}
}

// WithoutMessageTokens makes message queries never return paging tokens, as
// the v2 MessageResponse documents no paging: a query without
// after/before/first/last returns the first page window only, and clients
// must walk the channelSegment windows (options.after + options.first) to
// see the rest.
func WithoutMessageTokens() Option { return func(c *config) { c.noMessageTokens = true } }

// WithCDN (Server only; New ignores it) makes image and file downloads
// answer 302 with a Location on a second loopback listener (a different
// port) that serves the bytes without needing the token, the way a real
// deployment may redirect to a CDN.
func WithCDN() Option { return func(c *config) { c.cdn = true } }

// WithClock sets the clock used for timestamps and mute expiry (default
// time.Now). Tests pass a function reading a variable they advance.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithMaxUploadSize lowers (or raises) the multipart file size limit,
// DefaultMaxUploadSize by default, so that tests can exercise the
// 413 "Payload too large." answer without sending a gigabyte.
func WithMaxUploadSize(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxUploadSize = n
		}
	}
}

// WithRequestLogLimit caps how many requests Requests keeps (the oldest are
// dropped first); default 10000, so that a long-running emulator binary does
// not grow without bound.
func WithRequestLogLimit(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.requestLogLimit = n
		}
	}
}

// WithTLS (Server only; New ignores it) serves HTTPS with a self-signed
// certificate and negotiates HTTP/2, as the real API does, so that a client
// meets the HTTP/2 transport's behaviour (stream resets, request replays)
// and not only HTTP/1.1's. Server.TLSClientConfig and Server.Client give a
// client that trusts the certificate.
func WithTLS() Option { return func(c *config) { c.tls = true } }
