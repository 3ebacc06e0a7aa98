package chatadmin

import "net/http"

// RequestOption changes one call: an extra header, a retry override, or a
// place to capture the raw response.
type RequestOption func(*callOptions)

type callOptions struct {
	header      http.Header
	maxAttempts int // WithAttempts; 0: the client's
	retrySafe   bool
	info        *ResponseInfo
	readAhead   bool // Pages and All fetch one page ahead (WithReadAhead)
}

// ResponseInfo receives the status and headers of a call's last HTTP
// response, and how many attempts the call took. Pass it with
// WithResponseInfo.
type ResponseInfo struct {
	StatusCode int
	Header     http.Header
	Attempts   int
	// RequestID is the id the server gave the last response, read from the
	// same headers as APIError.RequestID (X-Request-Id, X-Amzn-Requestid,
	// X-Amzn-Trace-Id, Request-Id), so that a call that succeeded but did
	// the wrong thing can be quoted to support too. Empty when none was sent.
	RequestID string
}

// WithHeader adds a header to this call's request (for example a tracing
// id). It cannot replace the headers the SDK sets itself: Authorization,
// User-Agent (see WithUserAgent), Accept, Content-Type and Content-Length.
func WithHeader(key, value string) RequestOption {
	return func(o *callOptions) {
		if o.header == nil {
			o.header = make(http.Header)
		}
		o.header.Add(key, value)
	}
}

// WithRetrySafe marks this call safe to repeat, so that it is retried on
// 5xx answers and on connections lost after sending, like a query. Use it
// for a create or upload only when a duplicate would be harmless or your
// own logic removes it.
func WithRetrySafe() RequestOption {
	return func(o *callOptions) { o.retrySafe = true }
}

// WithResponseInfo fills info with the status, headers and attempt count of
// the call's last response. It is filled for failed calls too, when a
// response arrived.
func WithResponseInfo(info *ResponseInfo) RequestOption {
	return func(o *callOptions) { o.info = info }
}

// WithAttempts sets how many times this call is tried in all, in place of
// the client's WithMaxAttempts: 1 sends it once, so that a caller sees a
// 429 at once. Values below 1 are ignored. The retry policy still decides
// which failures are retried (an unsafe call is never sent twice).
func WithAttempts(n int) RequestOption {
	return func(o *callOptions) {
		if n >= 1 {
			o.maxAttempts = n
		}
	}
}
