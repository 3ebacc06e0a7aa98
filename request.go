package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// retryClass says whether repeating a request could duplicate its effect.
type retryClass int

const (
	// safe requests (queries, PUTs, DELETEs, idempotent POSTs) are retried
	// on transport errors, 429, 500, 502, 503, 504 and code 400311.
	safe retryClass = iota
	// unsafe requests (creates, uploads, close) are retried only when they
	// surely did not take effect: nothing was sent, or 429/400311.
	unsafe
)

// Content types of request bodies, as the spec names them per endpoint.
const (
	contentTypeForm = "application/x-www-form-urlencoded"
	contentTypeJSON = "application/json"
)

// endpoint describes one call; the pipeline does the rest.
type endpoint struct {
	op     string // the SDK method, e.g. "Channels.BanUsers" (see Observer)
	method string
	route  string   // template, e.g. "/api/v2/channel/:channelId/users"
	params []string // values of the template's :params, in order
	query  any      // go-querystring-tagged struct for the query string, or nil
	body   requestBody
	class  retryClass
	accept string // the Accept header; "" means application/json
}

// requestBody turns a request's body value into bytes or a stream.
type requestBody interface {
	encode() (payload, error)
}

// payload is an encoded body. Small bodies are bytes, replayed from memory
// on each attempt; uploads are a stream opened anew for each attempt.
type payload struct {
	contentType string
	data        []byte
	open        func() (io.Reader, error) // when data is nil
	length      int64                     // of a stream; -1 when unknown
	oneShot     bool                      // the stream cannot be opened twice: never retry
}

// formBody is an application/x-www-form-urlencoded body from a
// go-querystring-tagged struct (nil gives an empty body).
type formBody struct{ v any }

func (f formBody) encode() (payload, error) {
	vals, err := encodeValues(f.v)
	if err != nil {
		return payload{}, err
	}
	if err := bodyLimits.check(vals); err != nil {
		return payload{}, err
	}
	return payload{contentType: contentTypeForm, data: appendForm(make([]byte, 0, formLen(vals)), vals)}, nil
}

// jsonBody is an application/json body.
type jsonBody struct{ v any }

func (j jsonBody) encode() (payload, error) {
	data, err := json.Marshal(j.v)
	if err != nil {
		return payload{}, fmt.Errorf("chatadmin: encoding JSON body: %w", err)
	}
	return payload{contentType: contentTypeJSON, data: data}, nil
}

// expandRoute fills the template's :params with escaped values. Escaping
// with url.PathEscape keeps every value inside its own path segment, so no
// id can change which route is hit.
func expandRoute(route string, params []string) (string, error) {
	if len(params) == 0 {
		return route, nil
	}
	var b strings.Builder
	b.Grow(len(route) + 32)
	n := 0
	for seg := range strings.SplitSeq(route[1:], "/") {
		b.WriteByte('/')
		if !strings.HasPrefix(seg, ":") {
			b.WriteString(seg)
			continue
		}
		if n >= len(params) {
			return "", fmt.Errorf("chatadmin: route %s: missing value for %s", route, seg)
		}
		if params[n] == "" {
			return "", invalid(goParam(seg[1:]), seg[1:], "is required")
		}
		b.WriteString(escapeSegment(params[n]))
		n++
	}
	return b.String(), nil
}

// escapeSegment escapes one path segment. "." and ".." are escaped too:
// url.PathEscape leaves them alone, and a server or proxy that resolves dot
// segments would then route the request elsewhere.
func escapeSegment(v string) string {
	if v == "." || v == ".." {
		return strings.Repeat("%2E", len(v))
	}
	return url.PathEscape(v)
}

// newRequest builds the first attempt's request and the call's state.
func (c *Client) newRequest(ctx context.Context, ep *endpoint, co *callOptions) (*retryablehttp.Request, *callState, error) {
	path, err := expandRoute(ep.route, ep.params)
	if err != nil {
		return nil, nil, err
	}
	target := c.base + path
	if ep.query != nil {
		vals, err := encodeValues(ep.query)
		if err != nil {
			return nil, nil, err
		}
		if err := queryLimits.check(vals); err != nil {
			return nil, nil, err
		}
		if len(vals) > 0 {
			b := make([]byte, 0, len(target)+1+formLen(vals))
			b = append(append(b, target...), '?')
			target = string(appendForm(b, vals))
		}
	}
	var body any
	var pl payload
	if ep.body != nil {
		if pl, err = ep.body.encode(); err != nil {
			return nil, nil, err
		}
		switch {
		case pl.data != nil:
			if len(pl.data) > 0 {
				body = pl.data
			}
		case pl.open != nil:
			body = retryablehttp.ReaderFunc(pl.open)
		}
	}
	st := &callState{answerCode: -1, ep: ep, retry: ep.class == safe || co.retrySafe, oneShot: pl.oneShot, streamed: pl.open != nil}
	ctx = context.WithValue(ctx, callStateKey{}, st)
	if !st.retry {
		// Only a call that must not be repeated once sent needs to know
		// whether it was: the trace costs three allocations per call.
		ctx = httptrace.WithClientTrace(ctx, st.trace())
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, ep.method, target, body)
	if err != nil {
		return nil, nil, fmt.Errorf("chatadmin: building %s %s: %w", ep.method, ep.route, err)
	}
	if pl.open != nil && pl.length >= 0 {
		req.ContentLength = pl.length
	}
	h := req.Header
	for k, vs := range co.header {
		h[k] = append(h[k], vs...)
	}
	// The four headers every call sends share one backing array, each a
	// full slice of length and capacity one (so that an append elsewhere
	// copies instead of writing into its neighbour): one allocation where
	// Header.Set makes four.
	accept := ep.accept
	if accept == "" {
		accept = contentTypeJSON
	}
	vals := []string{c.creds.authHeader(), c.userAgent, accept, pl.contentType}
	h["Authorization"] = vals[0:1:1]
	h["User-Agent"] = vals[1:2:2]
	h["Accept"] = vals[2:3:3]
	if pl.contentType != "" {
		h["Content-Type"] = vals[3:4:4]
	} else if co.header != nil {
		h.Del("Content-Type")
	}
	if co.header != nil {
		h.Del("Content-Length")
	}
	return req, st, nil
}

// noCallOptions is the options of a call made without any, shared so that
// such a call does not allocate its own. It is never written.
var noCallOptions callOptions

// send runs one call through retries and returns the final response, or an
// error that says what went wrong without the token.
func (c *Client) send(ctx context.Context, ep *endpoint, opts []RequestOption) (*http.Response, *callState, error) {
	co := &noCallOptions
	if len(opts) > 0 {
		co = new(callOptions)
		for _, opt := range opts {
			opt(co)
		}
	}
	req, st, err := c.newRequest(ctx, ep, co)
	if err != nil {
		return nil, nil, err
	}
	req = c.observeCall(req, st)
	if err := c.waitFirst(ctx, ep, st); err != nil {
		return nil, st, err
	}
	resp, err := c.http.Do(req)
	if co.info != nil {
		co.info.Attempts = st.attempts
		if resp != nil {
			co.info.StatusCode, co.info.Header = resp.StatusCode, resp.Header
			co.info.RequestID = requestID(resp.Header)
		}
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, st, c.transportError(ctx, ep, st, err)
	}
	if resp.StatusCode < 200 {
		// The transport returns no 1xx but 101, whose body is the bare
		// connection (no deadline applies to it): a request that asked
		// for no upgrade gets no useful answer from it, so it is not read.
		resp.Body.Close()
		return nil, st, fmt.Errorf("%w: %s %s: %d %s to a request that asked for no protocol switch",
			ErrUnexpectedResponse, ep.method, ep.route, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, st, c.apiError(ctx, ep, st, resp)
	}
	return resp, st, nil
}

// call sends ep and decodes the success body into out, checking that it
// holds what out promises (nil for action endpoints, whose bodies are only
// read for an error status).
func (c *Client) call(ctx context.Context, ep *endpoint, out response, opts ...RequestOption) (err error) {
	resp, st, err := c.send(ctx, ep, opts)
	defer c.observeEnd(st, &err)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := getBuffer()
	defer putBuffer(buf)
	body, err := readLimited((*buf)[:0], resp.Body, c.maxResponseBytes, resp.ContentLength)
	*buf = body
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("chatadmin: %s %s: reading response: %w", ep.method, ep.route, ctx.Err())
		}
		return fmt.Errorf("%w: %s %s: reading response: %w", ErrUnexpectedResponse, ep.method, ep.route, err)
	}
	if int64(len(body)) > c.maxResponseBytes {
		return fmt.Errorf("%w: %s %s: response larger than %d bytes", ErrUnexpectedResponse, ep.method, ep.route, c.maxResponseBytes)
	}
	// The body is the server's data: it is not scanned for the token, which
	// is scrubbed where the SDK writes output instead (scrub.go).
	if out != nil && !jsonContentType(resp.Header.Get("Content-Type")) {
		return fmt.Errorf("%w: %s %s: %d with Content-Type %q where JSON was expected", ErrUnexpectedResponse,
			ep.method, ep.route, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	apiErr, err := decodeResponse(body, out)
	if apiErr != nil {
		c.observeThrottledBody(ctx, st, resp, apiErr.Code)
		c.fillAPIError(apiErr, ep, st, resp, body)
		return apiErr
	}
	if err != nil {
		// A decode error may quote a value the server sent (a malformed
		// number or time), and error text is SDK output.
		return c.scrubError(fmt.Errorf("%w: %s %s: %d %s: %w", ErrUnexpectedResponse, ep.method, ep.route,
			resp.StatusCode, resp.Header.Get("Content-Type"), err))
	}
	return nil
}

// jsonContentType accepts the types a JSON body arrives with: JSON itself,
// text/plain (some servers label everything so) or no type at all. Anything
// else on a data endpoint (an HTML page from a captive portal or a proxy)
// is not the API talking.
func jsonContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/plain" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}

// apiError builds the *APIError of a non-2xx response, reading at most
// 1 MiB of its body so that a hostile or broken server cannot exhaust memory.
func (c *Client) apiError(ctx context.Context, ep *endpoint, st *callState, resp *http.Response) error {
	body := readErrorBody(ctx, resp)
	truncated := int64(len(body)) > maxErrorBodyBytes
	if truncated {
		body = body[:maxErrorBodyBytes]
	}
	e := parseErrorBody(body)
	e.Truncated = truncated
	c.fillAPIError(e, ep, st, resp, body)
	return e
}

func (c *Client) fillAPIError(e *APIError, ep *endpoint, st *callState, resp *http.Response, body []byte) {
	e.StatusCode = resp.StatusCode
	e.Method, e.Route = ep.method, ep.route
	e.Attempts = st.attempts
	e.RetryAfter = st.retryAfter
	e.Body = bytes.Clone(body)
	e.RequestID = requestID(resp.Header)
	if e.Message == "" && e.Code == 0 {
		e.Message = http.StatusText(resp.StatusCode)
	}
	c.scrubAPIError(e)
}

// requestIDHeaders are the headers in which the API, or the gateway in
// front of it, names a request for its logs: the id to quote to support.
var requestIDHeaders = [...]string{"X-Request-Id", "X-Amzn-Requestid", "X-Amzn-Trace-Id", "Request-Id"}

// requestID is the first of requestIDHeaders that h carries, for
// APIError.RequestID and ResponseInfo.RequestID alike. The pipeline has
// already scrubbed h (scrubResponse).
func requestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// transportError explains a call that got no usable response.
func (c *Client) transportError(ctx context.Context, ep *endpoint, st *callState, err error) error {
	err = c.scrubError(err)
	// The sentinel leads where it is wrapped, so that its "chatadmin:"
	// prefix is the message's only one.
	ctxErr := ctx.Err()
	if st.outcomeUnknown {
		if ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("%w: %s %s: %w: %w", ErrOutcomeUnknown, ep.method, ep.route, ctxErr, err)
		}
		return fmt.Errorf("%w: %s %s: %w", ErrOutcomeUnknown, ep.method, ep.route, err)
	}
	if ctxErr != nil {
		return fmt.Errorf("chatadmin: %s %s: %w", ep.method, ep.route, ctxErr)
	}
	if st.attempts > 1 {
		return fmt.Errorf("chatadmin: %s %s: after %d attempts: %w", ep.method, ep.route, st.attempts, err)
	}
	return fmt.Errorf("chatadmin: %s %s: %w", ep.method, ep.route, err)
}
