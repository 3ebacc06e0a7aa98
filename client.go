// Package chatadmin is a typed client for the chat service's Admin API v2:
// channels, messages (text, custom, images, files), users, roles,
// blacklist/whitelist moderation and reactions, called with an admin access
// token.
//
// Create one Client and share it: it is safe for concurrent use.
//
//	client, err := chatadmin.NewClient(token, chatadmin.WithRegion("eu"))
//	ch, err := client.Channels.Create(ctx, &chatadmin.ChannelCreateRequest{ChannelID: "lobby"})
//
// Every method takes a context first and per-call RequestOptions last.
// Errors from the server are *APIError values that match the Err…
// sentinels with errors.Is; input the SDK can check itself is refused
// before anything is sent, with a *ValidationError naming the field.
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

	"github.com/hashicorp/go-retryablehttp"
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
	// creds sits behind a pointer so that printing a Client value (whose
	// unexported fields fmt prints without calling their methods) shows an
	// address, never the token.
	creds     *credentials
	baseURL   *url.URL
	base      string // baseURL without a trailing slash, to prefix routes
	userAgent string
	http      *retryablehttp.Client
	logger    *slog.Logger

	maxAttempts      int
	maxRetryAfter    time.Duration
	maxResponseBytes int64
	budget           *retryBudget
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

// credentials hold the token; every way of printing them shows a
// placeholder.
type credentials struct {
	authHeader string // "Bearer <token>", built once
	token      []byte // the token alone, to mask it in what servers echo
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
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("chatadmin: an access token is required")
	}
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	base, err := checkBaseURL(cfg.baseURL, cfg.insecureHTTP)
	if err != nil {
		return nil, err
	}
	c := &Client{
		creds:            &credentials{authHeader: "Bearer " + token, token: []byte(token)},
		baseURL:          base,
		base:             base.String(),
		userAgent:        "chatadmin-go/" + Version,
		logger:           cfg.logger,
		maxAttempts:      cfg.maxAttempts,
		maxRetryAfter:    cfg.maxRetryAfter,
		maxResponseBytes: cfg.maxResponseBytes,
		budget:           newRetryBudget(cfg.budgetCapacity, cfg.budgetRefund),
		limiter:          cfg.limiter,
	}
	if cfg.userAgentSuffix != "" {
		c.userAgent += " " + cfg.userAgentSuffix
	}
	c.http = newRetryClient(&cfg, c)
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
func (c *Client) CloseIdleConnections() { c.http.HTTPClient.CloseIdleConnections() }

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

func checkBaseURL(raw string, insecure bool) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("chatadmin: a base URL is required: use WithBaseURL or WithRegion")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("chatadmin: malformed base URL: %w", err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("chatadmin: base URL %q must be an absolute http(s) URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("chatadmin: base URL %q must not carry credentials, a query or a fragment", u.Redacted())
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("chatadmin: base URL %q uses plain http to a non-loopback host; use https, or WithInsecureHTTP to allow it", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
func NewTransport() *http.Transport {
	return &http.Transport{
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
}
