// Package baseurl checks the base URL a client is given: absolute http(s),
// no credentials, query or fragment, and plain http only to a loopback host
// unless the caller allows it.
package baseurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Check parses raw and returns it without a trailing slash, or the reason
// it cannot serve as a base URL. insecure allows plain http to any host.
func Check(raw string, insecure bool) (*url.URL, error) {
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
	if u.Scheme == "http" && !insecure && !loopback(u.Hostname()) {
		return nil, fmt.Errorf("chatadmin: base URL %q uses plain http to a non-loopback host; use https, or WithInsecureHTTP to allow it", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HostPort is the host and port of a base URL, the port defaulted from the
// scheme (as an Observer's CallStart reports them).
func HostPort(u *url.URL) (string, int) {
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 443
		if u.Scheme == "http" {
			port = 80
		}
	}
	return u.Hostname(), port
}
