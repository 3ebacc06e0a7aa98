package chatadmin

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/chatadmin/chatadmin-go/internal/scrub"
)

// The token must not appear in anything the SDK itself outputs: error
// messages, *APIError fields, transport errors, log records. internal/scrub
// finds it in every spelling a server may echo it in; this file applies it
// where the SDK builds its output, on decoded text. What is scrubbed is the
// SDK's own output about a failure, never a success payload (the server's
// data, handed over as it came).

type scrubber = scrub.Scrubber

func newScrubber(token string) *scrubber { return scrub.New(token) }

func scrubText[T scrub.Text](s *scrubber, in T, trimTail bool) T { return scrub.Clean(s, in, trimTail) }

// scrubAPIError masks the token in every field of e that holds the
// server's text, once e is built: both the non-2xx path and the 2xx body
// whose status says "error" pass here (through fillAPIError). Message and
// Details are decoded strings, Body is raw, and a Body cut at its size limit
// loses any part of the token at its end.
func (c *Client) scrubAPIError(e *APIError) {
	s := c.creds.scrubber()
	e.Message = scrubText(s, e.Message, false)
	for i, d := range e.Details {
		e.Details[i] = scrubText(s, d, false)
	}
	if e.DetailFields != nil {
		e.DetailFields, _ = scrubJSON(s, e.DetailFields).(map[string]any)
	}
	e.RequestID = scrubText(s, e.RequestID, false)
	e.Body = scrubText(s, e.Body, e.Truncated)
}

// scrubJSON masks the token in the keys and strings of a decoded JSON value.
func scrubJSON(s *scrubber, v any) any {
	switch v := v.(type) {
	case string:
		return scrubText(s, v, false)
	case []any:
		for i, x := range v {
			v[i] = scrubJSON(s, x)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[scrubText(s, k, false)] = scrubJSON(s, x)
		}
		return out
	}
	return v
}

// scrubResponse masks the token in the header names and values of a
// response, in case a server (or a proxy that dumps request headers into
// its answer) echoed it: header values reach APIError.RequestID,
// ResponseInfo, error messages that quote a Content-Type, and logs.
func (c *Client) scrubResponse(resp *http.Response) {
	s := c.creds.scrubber()
	for k, vs := range resp.Header {
		for i, v := range vs {
			vs[i] = scrubText(s, v, false)
		}
		if ck := scrubText(s, k, false); ck != k {
			delete(resp.Header, k)
			resp.Header[ck] = append(resp.Header[ck], vs...)
		}
	}
}

// cleanError is a transport error as the SDK reports it: net/http's
// *url.Error quotes the expanded URL (ids in the path, the query), which
// the caller's error and the Observer's events must not carry, so its URL
// becomes the route template; then the token is masked (scrubError).
func (c *Client) cleanError(ep *endpoint, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		err = &url.Error{Op: ue.Op, URL: c.base + ep.route, Err: ue.Err}
	}
	return c.scrubError(err)
}

// scrubError masks the token in an error the SDK returns: net/http quotes
// the URL of a failed request (a redirect target is the server's to
// choose) and sometimes the bytes of a malformed response. A *url.Error
// keeps its type; any other error whose text held the token is replaced by
// one that matches it with errors.Is.
func (c *Client) scrubError(err error) error {
	if err == nil {
		return nil
	}
	s := c.creds.scrubber()
	msg := err.Error()
	clean := scrubText(s, msg, false)
	if clean == msg {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		out := &url.Error{Op: ue.Op, URL: scrubText(s, ue.URL, false), Err: c.scrubError(ue.Err)}
		if m := out.Error(); scrubText(s, m, false) == m {
			return out
		}
	}
	return &scrubbedError{msg: clean, err: err}
}

// scrubbedError is an error whose text had the token in it. It matches the
// original with errors.Is but does not unwrap to it, which would hand the
// token back.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }

// Timeout keeps a timeout recognisable (url.Error.Timeout asks its Err).
func (e *scrubbedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}
