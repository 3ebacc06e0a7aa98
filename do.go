package chatadmin

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// Request is a raw call for Client.Do: an endpoint of the API that the SDK
// has no method for.
type Request struct {
	// Method is the HTTP method: GET, POST, PUT, PATCH or DELETE.
	Method string
	// Path is the route below the base URL, with its parameters as
	// :names, e.g. "/api/v2/channel/:channelId/pin". It is what errors,
	// logs and the Observer report: ids never appear there.
	Path string
	// Params are the values of Path's :names, in order. Each is escaped
	// into its own path segment, so no value can change the route.
	Params []string
	// Query is the query string. Arrays follow the server's bracket
	// notation as the caller spells it ("tags[]").
	Query url.Values
	// The body: at most one of Form (application/x-www-form-urlencoded),
	// JSON (application/json, any value encoding/json encodes) and File
	// (multipart/form-data: Form's values as text parts, then File as the
	// part named "file"). None sends no body.
	Form url.Values
	JSON any
	File *UploadFile
	// Safe declares the call safe to repeat once sent, like a query or an
	// idempotent update: it is then retried on 5xx answers and on a
	// connection lost after sending. The default, false, treats the call
	// as a create: it is never sent twice, and when its outcome cannot be
	// known the error wraps ErrOutcomeUnknown.
	Safe bool
}

// Do sends a raw request through the same pipeline as the SDK's own
// methods: the token, the retry policy (by Request.Safe: unsafe unless
// declared safe), the rate limiter, the Observer (as operation
// "Client.Do"), token scrubbing, and typed errors (*APIError,
// *ValidationError, ErrOutcomeUnknown). Input is checked before anything
// is sent.
//
// A 2xx body is decoded into out, a pointer, from either shape the API
// answers in: the envelope {"status":"success","data":…} (out receives
// data) or the payload itself. A 2xx body whose status says "error" is an
// *APIError. With a nil out any 2xx is success and its body is discarded.
// A body that would hold more than 4 times its size once decoded is
// ErrUnexpectedResponse, as for every response; into a struct, only the
// values of "metadata", "detail" and "reactions" count as free-form maps.
func (c *Client) Do(ctx context.Context, r *Request, out any, opts ...RequestOption) error {
	ep, err := r.endpoint(ctx)
	if err != nil {
		return err
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return invalid("out", "out", "must be a non-nil pointer, got %T", out)
		}
		return c.call(ctx, ep, &rawResponse{out: out}, opts...)
	}
	return c.call(ctx, ep, nil, opts...)
}

// endpoint checks r and describes it as the pipeline's endpoint.
func (r *Request) endpoint(ctx context.Context) (*endpoint, error) {
	if r == nil {
		return nil, invalid("Request", "request", "is required")
	}
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return nil, invalid("Method", "method", "must be GET, POST, PUT, PATCH or DELETE, got %q", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#") {
		return nil, invalid("Path", "path", "must start with / and hold no query or fragment (use Query), got %q", r.Path)
	}
	if n := strings.Count(r.Path, "/:"); n != len(r.Params) {
		return nil, invalid("Params", "params", "%s has %d :parameters, got %d values", r.Path, n, len(r.Params))
	}
	bodies := 0
	for _, set := range []bool{r.Form != nil && r.File == nil, r.JSON != nil, r.File != nil} {
		if set {
			bodies++
		}
	}
	if bodies > 1 {
		return nil, invalid("Request", "body", "at most one of Form, JSON and File (File carries Form as its fields)")
	}
	if bodies > 0 && r.Method == http.MethodGet {
		return nil, invalid("Method", "method", "a GET carries no body: use Query")
	}
	ep := &endpoint{op: "Client.Do", method: r.Method, route: r.Path, params: r.Params, class: unsafe}
	if r.Safe {
		ep.class = safe
	}
	if r.Query != nil {
		ep.query = r.Query
	}
	switch {
	case r.File != nil:
		ep.body = multipartBody{ctx: ctx, fields: r.Form, file: r.File}
	case r.JSON != nil:
		ep.body = jsonBody{r.JSON}
	case r.Form != nil:
		ep.body = formBody{r.Form}
	}
	return ep, nil
}

// rawResponse is Client.Do's target for decodeResponse, which decodes
// into out.
type rawResponse struct{ out any }

func (r *rawResponse) check() error { return nil }
