package chatadmintest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// response is what a handler answers; the pipeline writes it (or, for
// DropAfterHandler, throws it away). Building the whole body in the handler
// keeps JSON marshalling under the state lock, so no map is read while
// another request changes it.
type response struct {
	status int
	header http.Header
	body   []byte
}

func newResponse(status int, contentType string, body []byte) *response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &response{status: status, header: h, body: body}
}

func jsonResponse(status int, v any) *response {
	b, err := json.Marshal(v)
	if err != nil {
		return errResponse(&apiError{status: 500, code: apicode.Business, message: "Internal Server Error."})
	}
	return newResponse(status, "application/json; charset=utf-8", b)
}

// flat answers the payload itself.
func flat(v any) *response { return jsonResponse(http.StatusOK, v) }

// wrapped answers {"status":"success","data":payload}.
func wrapped(v any) *response {
	return jsonResponse(http.StatusOK, struct {
		Status string `json:"status"`
		Data   any    `json:"data"`
	}{"success", v})
}

// okText is the "OK" answer of action endpoints.
func okText() *response {
	return newResponse(http.StatusOK, "text/plain; charset=utf-8", []byte("OK"))
}

func errResponse(e *apiError) *response {
	b, _ := json.Marshal(e.body())
	return newResponse(e.status, "application/json; charset=utf-8", b)
}

// write sends the response with its length and a request id.
func (r *response) write(w http.ResponseWriter, requestID string, extra http.Header) {
	h := w.Header()
	for k, vs := range r.header {
		h[k] = append([]string(nil), vs...)
	}
	for k, vs := range extra {
		h[k] = append([]string(nil), vs...)
	}
	h.Set("X-Request-Id", requestID)
	if r.status != http.StatusFound && r.status != http.StatusNoContent {
		h.Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// ts renders a time as the wire does: RFC 3339, milliseconds, UTC.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
