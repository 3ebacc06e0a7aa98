package chatadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/chatadmin/chatadmin-go/internal/form"
	"github.com/chatadmin/chatadmin-go/internal/route"
	"github.com/chatadmin/chatadmin-go/internal/sendonce"
)

// retryClass says whether repeating a request could duplicate its effect.
type retryClass int

const (
	// safe requests (queries, PUTs, DELETEs, idempotent POSTs) are retried
	// on transport errors, 429, 500, 502, 503, 504 and code 400311.
	safe retryClass = iota
	// unsafe requests (creates, uploads, close) are retried only when they
	// surely did not take effect: nothing was sent, or the server said it
	// did not process them (429, 400311, HTTP/2 REFUSED_STREAM…).
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
	query  any      // go-querystring-tagged struct (or url.Values) for the query string, or nil
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
// go-querystring-tagged struct or url.Values (nil gives an empty body).
type formBody struct{ v any }

func (f formBody) encode() (payload, error) {
	if l, ok := f.v.(*userIDsForm); ok {
		// The member, ban and unban calls: their one list, without the
		// url.Values map structValues would build (TestUserIDsFormAsQueryValues).
		data, err := form.Body.EncodeList("userIds[]", l.UserIDs)
		if err != nil {
			return payload{}, formErr(err)
		}
		return payload{contentType: contentTypeForm, data: data}, nil
	}
	vals, err := structValues(f.v)
	if err != nil {
		return payload{}, err
	}
	data, err := form.Body.Encode(vals)
	if err != nil {
		return payload{}, formErr(err)
	}
	return payload{contentType: contentTypeForm, data: data}, nil
}

// jsonBody is an application/json body.
type jsonBody struct{ v any }

func (j jsonBody) encode() (payload, error) {
	data, err := json.Marshal(j.v)
	// A string that is not valid UTF-8 must be refused: encoding/json would
	// send U+FFFD in its place, as the escape \ufffd (Go 1.26) or as the
	// character itself (Go 1.27, where encoding/json is built on v2), and a
	// Marshaler's output passes through unchecked: so a body that is valid
	// UTF-8 without either held no such string, and the walk that names
	// the bad value (reflection over the whole value) runs only for the
	// others.
	if err != nil || !utf8.Valid(data) || bytes.Contains(data, []byte(`\ufffd`)) || bytes.Contains(data, []byte("\uFFFD")) {
		if err := invalidUTF8InJSON("", j.v); err != nil {
			return payload{}, err
		}
	}
	if err != nil {
		return payload{}, fmt.Errorf("chatadmin: encoding JSON body: %w", err)
	}
	return payload{contentType: contentTypeJSON, data: data}, nil
}

// expandRoute is route.Expand with its *ValidationError.
func expandRoute(tmpl string, params []string) (string, error) {
	path, err := route.Expand(tmpl, params)
	if pe, ok := err.(*route.ParamError); ok {
		return "", invalid(route.GoName(pe.Param), pe.Param, "%s", pe.Msg)
	} else if err != nil {
		return "", fmt.Errorf("chatadmin: %w", err)
	}
	return path, nil
}

// newRequest checks and encodes the call once, binds its state to the
// context every attempt runs under (after the Observer chose it, so that
// no hook can drop the state), and builds the request the attempts send.
func (c *Client) newRequest(ctx context.Context, ep *endpoint, co *callOptions) (*http.Request, *callState, error) {
	if err := checkHeaders(co.header); err != nil {
		return nil, nil, err
	}
	path, err := expandRoute(ep.route, ep.params)
	if err != nil {
		return nil, nil, err
	}
	target := c.base + path
	if ep.query != nil {
		vals, err := structValues(ep.query)
		if err != nil {
			return nil, nil, err
		}
		q, err := form.Query.Encode(vals)
		if err != nil {
			return nil, nil, formErr(err)
		}
		if len(q) > 0 {
			target = c.base + path + "?" + string(q) // one allocation
		}
	}
	var pl payload
	if ep.body != nil {
		if pl, err = ep.body.encode(); err != nil {
			return nil, nil, err
		}
	}
	st := &callState{ep: ep, safe: ep.class == safe || co.retrySafe, maxAttempts: c.maxAttempts,
		oneShot: pl.oneShot, body: pl, answerCode: -1}
	st.send.Unsafe, st.send.Streamed = !st.safe, pl.open != nil
	if co.maxAttempts > 0 {
		st.maxAttempts = co.maxAttempts
	}
	req, err := http.NewRequestWithContext(c.bindCall(ctx, st), ep.method, target, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("chatadmin: building %s %s: %w", ep.method, ep.route, err)
	}
	h := req.Header
	for k, vs := range co.header {
		h[k] = append(h[k], vs...)
	}
	if !st.safe {
		// net/http's HTTP/1 transport resends a request it thinks
		// idempotent when a reused connection fails, and it takes these
		// two headers to mean so. The key is sent in lower case (header
		// names are case-insensitive), which net/http does not look for.
		for _, k := range [...]string{"Idempotency-Key", "X-Idempotency-Key"} {
			if vs, ok := h[k]; ok {
				delete(h, k)
				h[strings.ToLower(k)] = vs
			}
		}
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
	switch {
	case len(pl.data) > 0:
		req.ContentLength = int64(len(pl.data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(pl.data)), nil }
	case pl.open != nil:
		req.ContentLength = pl.length
		if pl.length < 0 {
			req.ContentLength = 0 // unknown: sent chunked
		}
		req.GetBody = func() (io.ReadCloser, error) { return openBody(pl.open) }
	}
	return req, st, nil
}

// openBody opens one attempt's stream.
func openBody(open func() (io.Reader, error)) (io.ReadCloser, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	if rc, ok := r.(io.ReadCloser); ok {
		return rc, nil
	}
	return io.NopCloser(r), nil
}

// bindCall returns the context the call's attempts run under. An Observer
// may return a context of its own (to carry a span); its values are kept,
// but the call keeps the caller's deadline and cancellation whatever the
// Observer returned, and the call's state and send trace go on top, where
// nothing a hook returns can remove them.
func (c *Client) bindCall(ctx context.Context, st *callState) context.Context {
	run := ctx
	if c.observer != nil {
		if octx := c.observeCall(ctx, st); octx != nil && octx != ctx {
			run = sendonce.Overlay(ctx, octx)
			if ctx.Done() != nil && octx.Done() == ctx.Done() {
				run = octx // derived from ctx: the same lifetime and values
			}
		}
	}
	return sendonce.Bind(run, &st.send)
}

// checkHeaders refuses WithHeader values that cannot be sent: net/http
// would fail each attempt with an error that does not name the header.
func checkHeaders(h http.Header) error {
	for k, vs := range h {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n\x00") {
				return invalid("WithHeader("+k+")", k, "holds a control character or invalid UTF-8")
			}
		}
	}
	return nil
}
