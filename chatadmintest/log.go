package chatadmintest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxLoggedBody caps the request body kept in the log.
const maxLoggedBody = 64 << 10

// Request is one request the emulator received, as Requests returns it.
type Request struct {
	Method      string
	Proto       string // "HTTP/1.1" or "HTTP/2.0", as the request arrived
	Path        string // the escaped path as sent (so "%2F" inside a parameter is visible)
	RawQuery    string
	Route       string // the matched route template, e.g. "POST /api/v2/channel"; "" when none matched
	ContentType string
	Header      http.Header // a copy; Authorization is redacted to "Bearer <redacted>"
	Body        []byte      // the bytes the emulator read, at most 64 KiB
	Status      int         // the status sent; 0 when the connection was dropped before an answer or the client went away
	Fault       string      // "" or a description of the fault that applied, e.g. "status 503", "delay 50ms", "drop before handler"
	Time        time.Time   // when the request arrived, on the emulator's clock
}

// Requests returns a copy of the request log, oldest first (at most the
// WithRequestLogLimit newest).
func (e *Emulator) Requests() []Request {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return append([]Request(nil), e.log...)
}

// ResetRequests empties the request log.
func (e *Emulator) ResetRequests() {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.log = nil
}

func (e *Emulator) record(r Request) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	e.log = append(e.log, r)
	if over := len(e.log) - e.cfg.requestLogLimit; over > 0 {
		e.log = append([]Request(nil), e.log[over:]...)
	}
}

// redactedHeader copies the request headers without the token.
func redactedHeader(h http.Header) http.Header {
	c := h.Clone()
	if v := c.Get("Authorization"); v != "" {
		if len(v) >= 7 && strings.EqualFold(v[:7], "bearer ") {
			c.Set("Authorization", v[:7]+"<redacted>")
		} else {
			c.Set("Authorization", "<redacted>")
		}
	}
	return c
}

// captureBody keeps the first 64 KiB read from a request body for the log.
type captureBody struct {
	mu  sync.Mutex
	rc  io.ReadCloser
	buf []byte
}

func (c *captureBody) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	if n > 0 {
		c.mu.Lock()
		if room := maxLoggedBody - len(c.buf); room > 0 {
			c.buf = append(c.buf, p[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *captureBody) Close() error { return c.rc.Close() }

func (c *captureBody) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf...)
}
