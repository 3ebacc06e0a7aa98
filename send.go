package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
	"github.com/chatadmin/chatadmin-go/internal/backoff"
	"github.com/chatadmin/chatadmin-go/internal/sendonce"
	"github.com/chatadmin/chatadmin-go/internal/stream"
)

// callState is one call, as its attempt loop and the observer share it.
type callState struct {
	ep          *endpoint
	body        payload
	safe        bool // the call may be repeated once sent
	oneShot     bool // the body cannot be sent twice
	maxAttempts int
	send        sendonce.Call // how far each attempt got (set on the transport's goroutines)

	attempts        int
	attemptStart    time.Time
	waited          time.Duration // the waits before retries so far (retryWait)
	retryAfter      time.Duration // the Retry-After of the last answer that carried one
	outcomeUnknown  bool          // an unsafe request may have taken effect
	budgetExhausted bool          // a retry was refused by the client's retry budget

	answerCode   ErrorCode        // the body code of this attempt's error answer; -1 until read (see errorCode)
	envelope     bool             // this attempt's error answer is the API's own error body
	limiterAsked time.Time        // when this attempt asked the rate limiter
	ob           *callObservation // nil unless the Client has an Observer (observe.go)
}

// noCallOptions is the options of a call made without any, shared so that
// such a call does not allocate its own. It is never written.
var noCallOptions callOptions

// send runs one call through its attempts and returns the final response,
// or an error that says what went wrong without the token.
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
	resp, err := c.attempts(ctx, req, st)
	if co.info != nil {
		co.info.Attempts = st.attempts
		if resp != nil {
			co.info.StatusCode, co.info.Header = resp.StatusCode, resp.Header
			co.info.RequestID = apicode.RequestID(resp.Header)
		}
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, st, err
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
		e := c.apiError(ctx, ep, st, resp)
		if st.outcomeUnknown {
			return nil, st, &unknownAnswer{e}
		}
		return nil, st, e
	}
	return resp, st, nil
}

// attempts is the call's loop: wait for the limiter, send, let the policy
// decide (retrypolicy.Decide, through afterAttempt in retry.go), wait, and
// again. It returns the last response or the error that ends the call.
func (c *Client) attempts(ctx context.Context, base *http.Request, st *callState) (*http.Response, error) {
	rctx := base.Context() // the caller's lifetime, with the call's state bound
	for {
		if st.attempts == 0 {
			if err := c.waitFirst(ctx, rctx, st); err != nil {
				return nil, err
			}
		} else if err := c.waitLimiter(rctx, st); err != nil {
			if ctx.Err() != nil {
				return nil, c.transportError(ctx, st, ctx.Err())
			}
			return nil, fmt.Errorf("chatadmin: %s %s: waiting for the rate limiter: %w", st.ep.method, st.ep.route, err)
		}
		req, err := st.attemptRequest(base)
		if err != nil {
			return nil, fmt.Errorf("chatadmin: %s %s: %w", st.ep.method, st.ep.route, err)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			err = c.cleanError(st.ep, err)
		}
		wait, retry := c.afterAttempt(ctx, st, resp, err)
		if !retry {
			if err != nil {
				return resp, c.transportError(ctx, st, err)
			}
			return resp, nil
		}
		if resp != nil {
			drain(resp.Body)
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			return nil, c.transportError(ctx, st, err)
		}
	}
}

// attemptRequest starts an attempt: its own copy of the request (the
// transport may still be closing the previous one's body) with a fresh
// body, and the per-attempt state reset.
func (st *callState) attemptRequest(base *http.Request) (*http.Request, error) {
	st.attempts++
	st.attemptStart = time.Now()
	st.send.Reset()
	st.answerCode, st.envelope = -1, false
	req := base
	if st.attempts > 1 {
		req = new(http.Request)
		*req = *base
	}
	switch {
	case len(st.body.data) > 0:
		req.Body = io.NopCloser(bytes.NewReader(st.body.data))
	case st.body.open != nil:
		body, err := openBody(st.body.open)
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
	return req, nil
}

// drain reads a little of a body that will not be used, so that its
// connection can be reused, and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	body.Close()
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
	buf := stream.GetBuffer()
	defer stream.PutBuffer(buf)
	body, err := stream.ReadLimited((*buf)[:0], resp.Body, c.maxResponseBytes, resp.ContentLength)
	*buf = body
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("chatadmin: %s %s: reading response: %w", ep.method, ep.route, ctx.Err())
		}
		return fmt.Errorf("%w: %s %s: reading response: %w", ErrUnexpectedResponse, ep.method, ep.route, c.cleanError(ep, err))
	}
	if int64(len(body)) > c.maxResponseBytes {
		return fmt.Errorf("%w: %s %s: response larger than %d bytes", ErrUnexpectedResponse, ep.method, ep.route, c.maxResponseBytes)
	}
	// The body is the server's data: it is not scanned for the token, which
	// is scrubbed where the SDK writes output instead (scrub.go).
	if out != nil && !apicode.JSONContentType(resp.Header.Get("Content-Type")) {
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

// apiError builds the *APIError of a non-2xx response, reading at most
// 1 MiB of its body so that a hostile or broken server cannot exhaust memory.
func (c *Client) apiError(ctx context.Context, ep *endpoint, st *callState, resp *http.Response) *APIError {
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
	e.RequestID = apicode.RequestID(resp.Header)
	if e.Message == "" && e.Code == 0 {
		e.Message = http.StatusText(resp.StatusCode)
	}
	c.scrubAPIError(e)
}

// unknownAnswer is the error of an unsafe call answered by something other
// than the API (a gateway's 502 or 504, a 5xx without the API's error
// body): the backend may have acted before the gateway gave up. It matches
// ErrOutcomeUnknown, and errors.As still finds the *APIError.
type unknownAnswer struct{ err *APIError }

func (u *unknownAnswer) Error() string {
	return ErrOutcomeUnknown.Error() + ": " + strings.TrimPrefix(u.err.Error(), "chatadmin: ")
}

func (u *unknownAnswer) Unwrap() []error { return []error{ErrOutcomeUnknown, u.err} }

// transportError explains a call that got no usable response.
func (c *Client) transportError(ctx context.Context, st *callState, err error) error {
	ep := st.ep
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
