package chatadmin

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/backoff"
	"github.com/chatadmin/chatadmin-go/internal/baseurl"
	"github.com/chatadmin/chatadmin-go/internal/sendonce"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Environment variables read by NewClientFromEnv.
const (
	EnvBaseURL = "CHATADMIN_BASE_URL"
	EnvToken   = "CHATADMIN_TOKEN"
)

// Client calls the Admin API. Its services are the entry points:
// client.Channels.List, client.Messages.Create, and so on.
type Client struct {
	// creds is the only place the token lives, and only inside closures:
	// nothing that prints or dumps a Client value can reach it.
	creds     *credentials
	baseURL   *url.URL
	base      string // baseURL without a trailing slash, to prefix routes
	userAgent string
	hc        *http.Client // the caller's client (or a default one) behind the SDK's redirect policy and send guard
	logger    *slog.Logger

	maxAttempts      int
	retryWaitMin     time.Duration
	retryWaitMax     time.Duration
	maxRetryAfter    time.Duration
	maxRetryWait     time.Duration // WithMaxRetryWaitTotal
	maxResponseBytes int64
	budget           *backoff.Budget
	observer         Observer
	serverAddress    string // host and port of baseURL, for the Observer
	serverPort       int
	limiter          Limiter

	Channels  *ChannelsService  // channels, their members, mutes and bans
	Messages  *MessagesService  // messages, image and file uploads and downloads
	Users     *UsersService     // users, global bans, flags
	Roles     *RolesService     // roles and their permissions
	Blacklist *BlacklistService // blacklisted words
	Whitelist *WhitelistService // whitelisted link hosts
	Reactions *ReactionsService // reactions on messages
}

// service is embedded by every service: they all reach the API through the
// same Client.
type service struct{ client *Client }

// credentials hold the token inside closures, and nowhere else in the
// Client. fmt prints a pointer held in an unexported field in full when the
// verb does not suit a pointer (%s, %q of a struct that holds a Client
// value), and reflection-based dumpers follow pointers into unexported
// fields; neither can look inside a closure.
type credentials struct {
	authHeader func() string    // "Bearer <token>", built once
	token      func() string    // the token alone
	scrubber   func() *scrubber // finds the token in what the SDK outputs
}

func newCredentials(token string) *credentials {
	header, s := "Bearer "+token, newScrubber(token)
	return &credentials{
		authHeader: func() string { return header },
		token:      func() string { return token },
		scrubber:   func() *scrubber { return s },
	}
}

const redacted = "[REDACTED]"

func (*credentials) String() string             { return redacted }
func (*credentials) GoString() string           { return redacted }
func (*credentials) LogValue() slog.Value       { return slog.StringValue(redacted) }
func (*credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// NewClient returns a Client that authenticates with token. A base URL is
// required, through WithBaseURL or WithRegion. Plain http:// is accepted only
// for loopback hosts unless WithInsecureHTTP is given, so the token is not
// sent in clear text by accident.
func NewClient(token string, opts ...Option) (*Client, error) {
	if err := checkToken(token); err != nil {
		return nil, err
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	defaultLimiter(&cfg) // ratelimit.go: adaptive pacing unless WithoutRateLimiter
	base, err := baseurl.Check(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	c := &Client{
		creds:            newCredentials(token),
		baseURL:          base,
		base:             base.String(),
		userAgent:        "chatadmin-go/" + Version,
		logger:           cfg.logger,
		maxAttempts:      cfg.maxAttempts,
		retryWaitMin:     cfg.retryWaitMin,
		retryWaitMax:     cfg.retryWaitMax,
		maxRetryAfter:    cfg.maxRetryAfter,
		maxRetryWait:     cfg.maxRetryWait,
		maxResponseBytes: cfg.maxResponseBytes,
		budget:           backoff.NewBudget(cfg.budgetCapacity, cfg.budgetRefund),
		observer:         cfg.observer,
		limiter:          cfg.limiter,
	}
	c.serverAddress, c.serverPort = baseurl.HostPort(base)
	if cfg.userAgentSuffix != "" {
		c.userAgent += " " + cfg.userAgentSuffix
	}
	c.hc = httpClientWithRedirectPolicy(cfg.httpClient)
	common := service{client: c}
	c.Channels = &ChannelsService{common}
	c.Messages = &MessagesService{common}
	c.Users = &UsersService{common}
	c.Roles = &RolesService{common}
	c.Blacklist = &BlacklistService{rulesService{common, blacklistRules}}
	c.Whitelist = &WhitelistService{rulesService{common, whitelistRules}}
	c.Reactions = &ReactionsService{common}
	return c, nil
}

// checkToken refuses a token that could never authenticate: a header value
// cannot hold control bytes, so net/http would fail every call with an
// error that does not say why, and a server strips the spaces around a
// value. A token read from a file often ends in a newline. The error never
// quotes the token.
func checkToken(token string) error {
	if strings.TrimSpace(token) == "" {
		return errors.New("chatadmin: an access token is required")
	}
	for i := 0; i < len(token); i++ {
		if c := token[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("chatadmin: the access token has a control character (byte 0x%02x at offset %d of %d): a token read from a file or an environment variable may end in a newline; trim it", c, i, len(token))
		}
	}
	if strings.TrimSpace(token) != token {
		return fmt.Errorf("chatadmin: the access token starts or ends with a space (%d bytes in all): trim it", len(token))
	}
	return nil
}

// NewClientFromEnv is NewClient with the token from CHATADMIN_TOKEN and the
// base URL from CHATADMIN_BASE_URL; options given here are applied after
// the environment's, so they win.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	token := os.Getenv(EnvToken)
	if token == "" {
		return nil, fmt.Errorf("chatadmin: %s is not set", EnvToken)
	}
	all := opts
	if base := os.Getenv(EnvBaseURL); base != "" {
		all = append([]Option{WithBaseURL(base)}, opts...)
	}
	return NewClient(token, all...)
}

// BaseURL returns the API root the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// CloseIdleConnections closes the client's idle keep-alive connections. A
// Client needs no closing; call it when a program or test is done with it
// and wants its connections (and their goroutines) gone at once.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// String describes the client without its token.
func (c Client) String() string {
	return "chatadmin.Client{baseURL: " + c.baseURL.String() + ", token: " + redacted + "}"
}

// GoString is String, so %#v does not dump the token either.
func (c Client) GoString() string { return c.String() }

// Format prints String for every verb: a Client never prints its fields.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue keeps the token out of slog records.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("baseURL", c.baseURL.String()))
}

// NewTransport returns a new transport with the settings a Client uses by
// default, for wrapping (tracing, metrics) and passing back through
// WithHTTPClient. It is tuned for many concurrent calls to one API host:
// the stock transport keeps only two idle connections per host, which under
// load opens and closes a connection per request. It is built from scratch
// rather than cloned from http.DefaultTransport, which programs (and test
// tools such as gock) may have replaced.
//
// It opens at most 64 connections per host. Without a cap, a burst of
// concurrent calls on an empty pool dials more connections than there are
// calls (a request that dialled may be served by another's freed
// connection first, and its dial still lands in the pool); and the API's
// own rate limit makes more than 64 calls in flight pointless. Callers
// beyond the cap wait for a connection. A download holds its connection
// until its body is closed.
//
// Over HTTP/1.1, net/http prints bytes that a server sends on an idle
// keep-alive connection (after an answer was complete, e.g. a body sent with
// a 204) through the standard log package: persistConn.readLoop in
// net/http's transport.go peeks at every idle connection, and when bytes
// arrive while no answer is expected it calls log.Printf("Unsolicited
// response received on idle HTTP channel starting with %q…") with up to the
// whole read buffer (4 KiB by default). A server that echoes the token can
// put it into the process's stderr that way. No SDK code runs on that path,
// and http.Transport has no setting to silence or redirect the message
// (http.Server has ErrorLog; Transport has none). The only switches are
// keep-alives off (DisableKeepAlives: a new connection and TLS handshake
// per call), which this transport does not pay for, and log.SetOutput,
// which is the program's to set, not a library's. Over HTTP/2, which this
// transport negotiates with an HTTPS server that offers it (the real API
// does), every byte belongs to a stream and the message cannot occur.
//
// Its HTTP/2 layer becomes golang.org/x/net/http2's when a Client first
// uses it, so that a request the server refused unprocessed (REFUSED_STREAM,
// a graceful GOAWAY) is retried even when it is not safe to repeat (see
// ErrOutcomeUnknown). Through any other transport, or this one wrapped in
// another RoundTripper, such a request is an unknown outcome instead.
func NewTransport() *http.Transport {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		MaxConnsPerHost:       64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
	sendonce.Register(t)
	return t
}
