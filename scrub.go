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
		e.DetailFields, _ = scrub.JSON(s, e.DetailFields).(map[string]any)
	}
	e.RequestID = scrubText(s, e.RequestID, false)
	e.Body = scrubText(s, e.Body, e.Truncated)
}

// scrubResponse masks the token in the header names and values of a
// response, in case a server (or a proxy that dumps request headers into
// its answer) echoed it: header values reach APIError.RequestID,
// ResponseInfo, error messages that quote a Content-Type, and logs.
func (c *Client) scrubResponse(resp *http.Response) { scrub.Header(c.creds.scrubber(), resp.Header) }

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

// scrubError masks the token in an error the SDK returns (scrub.Error):
// net/http quotes the URL of a failed request (a redirect target is the
// server's to choose) and sometimes the bytes of a malformed response.
func (c *Client) scrubError(err error) error { return scrub.Error(c.creds.scrubber(), err) }
