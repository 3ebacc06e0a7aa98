// Package redirect is the SDK's redirect policy: never carry the token to
// another host (net/http alone would keep it for a different port on the
// same host name), never follow https down to http, stop after 10.
package redirect

import (
	"errors"
	"net/http"
)

// ErrDowngrade stops a redirect from https to http, which would send the
// request (and any token a server put in the URL) in clear text.
var ErrDowngrade = errors.New("refusing redirect from https to http")

// ErrTooMany stops a chain of redirects.
var ErrTooMany = errors.New("stopped after 10 redirects")

// Policy returns an http.Client.CheckRedirect that applies the SDK's rules
// and then the caller's own policy, when there is one.
func Policy(user func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return ErrTooMany
		}
		first := via[0]
		if first.URL.Scheme == "https" && req.URL.Scheme != "https" {
			return ErrDowngrade
		}
		if req.URL.Host != first.URL.Host || req.URL.Scheme != first.URL.Scheme {
			req.Header.Del("Authorization")
		}
		if user != nil {
			return user(req, via)
		}
		return nil
	}
}

// Refused reports whether err is one of the policy's refusals.
func Refused(err error) bool { return errors.Is(err, ErrDowngrade) || errors.Is(err, ErrTooMany) }
