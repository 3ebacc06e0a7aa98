package chatadmintest

import (
	"fmt"
	"math/rand"
	"net/http"
	"slices"
	"strings"
	"time"
)

// DropMode says whether and when a fault closes the connection instead of
// answering.
type DropMode int

const (
	// NoDrop answers normally (or with the fault's Status).
	NoDrop DropMode = iota
	// DropBeforeHandler closes the connection without running the handler:
	// the request had no effect, the client sees a transport error.
	DropBeforeHandler
	// DropAfterHandler runs the handler (its state change happens) and then
	// closes the connection without sending the response: the client sees a
	// transport error although the request took effect.
	DropAfterHandler
	// FailAfterHandler runs the handler (its state change happens) and then
	// answers the fault's Status instead of the handler's answer, as a
	// gateway does when its timeout fires while the backend completes. Status
	// 0 means 504; an empty Body means the gateway's own HTML page for 502
	// and 504, the API's JSON error body for other statuses.
	FailAfterHandler
)

// Fault is a scripted failure for the next matching request(s).
//
// Faults are consumed in the order they were injected: the first pending
// fault whose Route matches applies, and its Times count goes down by one.
// A request a fault applied to is still logged, with Request.Fault set.
//
// Note for drops: Go's http.Transport transparently replays an idempotent
// request (GET, HEAD, OPTIONS, TRACE, or one with an Idempotency-Key header)
// that fails on a reused keep-alive connection before any response byte; so
// a one-shot drop of such a request on a warm connection can be invisible to
// the caller. Use Times ≥ 2 or a fresh connection to observe it.
//
// Over HTTP/2 (WithTLS) a drop resets the request's stream with
// INTERNAL_ERROR and leaves the connection to other requests; net/http's
// HTTP/2 client does not resend after that code. (It does resend after
// PROTOCOL_ERROR, which net/http's server cannot be made to send; the SDK's
// tests use a raw HTTP/2 server for that case.)
type Fault struct {
	// Route is the route template "METHOD /path/:param" as Routes (or
	// CDNRoutes) spells it, e.g. "POST /api/v2/channel" or
	// "GET /api/v2/messages/:messageId/images"; "" matches any request.
	// InjectFault panics on a template that is not a route.
	Route string
	// Times is how many matching requests the fault applies to; 0 means 1,
	// a negative value means every matching request until ClearFaults.
	Times int
	// Status, when not 0, is answered instead of running the handler, with
	// Body (or, when Body is "", a JSON error body fitting the status).
	Status int
	Body   string
	// Header holds extra response headers (e.g. Retry-After); they are added
	// to whatever answer is sent.
	Header http.Header
	// Delay is waited before anything else; if the request's context ends
	// first (client gone, server closed) the request is abandoned.
	Delay time.Duration
	// Drop closes the connection, before or after the handler.
	Drop DropMode
}

// describe is the Request.Fault text.
func (f Fault) describe() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	switch f.Drop {
	case DropBeforeHandler:
		parts = append(parts, "drop before handler")
	case DropAfterHandler:
		parts = append(parts, "drop after handler")
	case FailAfterHandler:
		parts = append(parts, fmt.Sprintf("status %d after handler", f.Status))
	}
	if f.Status != 0 && f.Drop != DropBeforeHandler && f.Drop != FailAfterHandler {
		parts = append(parts, fmt.Sprintf("status %d", f.Status))
	}
	if len(parts) == 0 {
		parts = append(parts, "header")
	}
	return strings.Join(parts, ", ")
}

// RandomFaults makes a seeded, reproducible share of requests fail, for
// soak tests of retry logic. Injected Faults take precedence.
type RandomFaults struct {
	Rate     float64 // probability that a request is faulted; 0 turns random faults off
	Seed     int64   // seed of the random source (same seed, same sequence of decisions)
	Statuses []int   // statuses to draw from (uniformly); empty means []int{503}
	DropRate float64 // share of faulted requests that drop the connection before the handler
	// RetryAfter, when not "", is sent as the Retry-After header of faulted
	// answers.
	RetryAfter string
}

// InjectFault adds a fault after those already pending. It panics when
// f.Route names no route, so that a typo does not silently disable a test.
func (e *Emulator) InjectFault(f Fault) {
	if f.Route != "" && !slices.Contains(Routes(), f.Route) && !slices.Contains(CDNRoutes(), f.Route) {
		panic("chatadmintest: InjectFault: unknown route " + f.Route)
	}
	if f.Times == 0 {
		f.Times = 1
	}
	if f.Drop == FailAfterHandler {
		if f.Status == 0 {
			f.Status = http.StatusGatewayTimeout
		}
		if f.Body == "" {
			f.Body = gatewayPage(f.Status)
		}
	}
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.faults = append(e.faults, &f)
}

// InjectRandomFaults turns random faults on (or off, with a zero value or
// Rate 0), replacing earlier random fault settings.
func (e *Emulator) InjectRandomFaults(rf RandomFaults) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	if rf.Rate <= 0 {
		e.random = nil
		return
	}
	rf.Statuses = slices.Clone(rf.Statuses)
	if len(rf.Statuses) == 0 {
		rf.Statuses = []int{http.StatusServiceUnavailable}
	}
	e.random = &randomState{cfg: rf, rng: rand.New(rand.NewSource(rf.Seed))}
}

// ClearFaults removes pending injected faults and turns random faults off.
func (e *Emulator) ClearFaults() {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.faults = nil
	e.random = nil
}

type randomState struct {
	cfg RandomFaults
	rng *rand.Rand
}

// takeFault consumes the fault for a request on route (a template or "").
func (e *Emulator) takeFault(route string) (Fault, string, bool) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	for i, f := range e.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		applied := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				e.faults = slices.Delete(e.faults, i, i+1)
			}
		}
		return applied, applied.describe(), true
	}
	if e.random == nil {
		return Fault{}, "", false
	}
	rs := e.random
	if rs.rng.Float64() >= rs.cfg.Rate {
		return Fault{}, "", false
	}
	f := Fault{}
	if rs.cfg.RetryAfter != "" {
		f.Header = http.Header{"Retry-After": {rs.cfg.RetryAfter}}
	}
	if rs.rng.Float64() < rs.cfg.DropRate {
		f.Drop = DropBeforeHandler
		return f, "random drop before handler", true
	}
	f.Status = rs.cfg.Statuses[rs.rng.Intn(len(rs.cfg.Statuses))]
	f.Body = gatewayPage(f.Status) // what a proxy in front of the service sends

	return f, fmt.Sprintf("random status %d", f.Status), true
}

// gatewayPage is the HTML page a proxy in front of the service sends for a
// 502 or 504; "" (the API's own JSON error body) for other statuses.
func gatewayPage(status int) string {
	if status != http.StatusBadGateway && status != http.StatusGatewayTimeout {
		return ""
	}
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

// faultResponse is the answer of a status fault.
func faultResponse(f Fault) *response {
	if f.Body == "" {
		return errResponse(errorForStatus(f.Status))
	}
	ct := "text/plain; charset=utf-8"
	switch t := strings.TrimSpace(f.Body); {
	case strings.HasPrefix(t, "{"), strings.HasPrefix(t, "["):
		ct = "application/json; charset=utf-8"
	case strings.HasPrefix(t, "<"):
		ct = "text/html"
	}
	return newResponse(f.Status, ct, []byte(f.Body))
}

// dropConnection closes the client connection without an answer. Hijacking
// works for HTTP/1; elsewhere net/http's ErrAbortHandler panic has the same
// effect.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// wait sleeps for d unless the request's context ends first.
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// faultsPending reports how many injected faults are still waiting.
func (e *Emulator) faultsPending() int {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	return len(e.faults)
}
