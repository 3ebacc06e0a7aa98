package chatadmintest

import (
	"crypto/rand"
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

// Emulator is the in-memory Admin API v2. It implements http.Handler and is
// safe for concurrent use: one mutex guards the state, another the faults,
// a third the request log.
type Emulator struct {
	cfg config

	mu sync.Mutex // guards st
	st *store

	faultMu sync.Mutex
	faults  []*Fault
	random  *randomState

	logMu sync.Mutex
	log   []Request

	cdnURL    atomic.Pointer[string] // set by NewServer(WithCDN())
	secret    []byte                 // signs paging tokens
	requestID atomic.Uint64
	limiter   *rate.Limiter // WithRateLimit's bucket, nil without one
}

// New returns an Emulator to mount yourself (e.g. in an httptest.Server or
// under a prefix-less http.ServeMux pattern "/"). The admin user (see
// WithAdminUserID) exists from the start and shows up in user queries.
func New(opts ...Option) *Emulator {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	e := &Emulator{cfg: cfg, st: newStore(), secret: make([]byte, 16), limiter: newTenantLimiter(&cfg)}
	_, _ = rand.Read(e.secret)
	now := cfg.now()
	e.st.ensureUser(cfg.adminUserID, now).displayName = "Admin"
	if cfg.demo {
		e.loadDemo(now)
	}
	return e
}

// Token returns the bearer token the emulator accepts.
func (e *Emulator) Token() string { return e.cfg.token }

// AdminUserID returns the user id the admin acts as.
func (e *Emulator) AdminUserID() string { return e.cfg.adminUserID }

// AddUser creates or replaces a user with a display name and roles (roles
// not known yet are created without permissions), for test setup.
func (e *Emulator) AddUser(userID, displayName string, roles ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.now()
	u := e.st.ensureUser(userID, now)
	u.displayName = displayName
	u.roles = append([]string{}, roles...)
	u.updated = now
	for _, r := range roles {
		e.st.ensureRole(r, now)
	}
}

// FlagUser sets a user's flag count (creating the user if needed), for tests
// of the "flagged" user filter and of clearing flags.
func (e *Emulator) FlagUser(userID string, count int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.cfg.now()
	u := e.st.ensureUser(userID, now)
	u.flagCount = max(count, 0)
	u.updated = now
}

// ServeHTTP answers one Admin API request.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.serve(w, r, apiRoutes, true)
}

// cdnHandler serves the WithCDN listener: the download routes, no auth.
func (e *Emulator) cdnHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve(w, r, cdnRoutes, false) })
}

// serve is the request pipeline: match the route, log, apply faults, check
// auth, parse and validate, run the handler under the lock, answer.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, table []*route, auth bool) {
	body := &captureBody{rc: r.Body}
	if r.Body == nil {
		body.rc = http.NoBody
	}
	r.Body = body
	rt, params := matchRoute(table, r)
	entry := Request{
		Method:      r.Method,
		Proto:       r.Proto,
		Path:        r.URL.EscapedPath(),
		RawQuery:    r.URL.RawQuery,
		ContentType: r.Header.Get("Content-Type"),
		Header:      redactedHeader(r.Header),
		Time:        e.cfg.now(),
	}
	if rt != nil {
		entry.Route = rt.name()
	}
	// The entry is recorded before the answer (or the drop) reaches the
	// client, so that a test reading Requests right after a response sees it.
	logged := false
	record := func() {
		if !logged {
			logged = true
			entry.Body = body.bytes()
			e.record(entry)
		}
	}
	defer record()
	requestID := strconv.FormatUint(e.requestID.Add(1), 10)

	if auth {
		if resp, h := e.throttle(); resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxLoggedBody))
			entry.Status = resp.status
			record()
			resp.write(w, requestID, h)
			return
		}
	}
	fault, desc, faulted := e.takeFault(entry.Route)
	if faulted {
		entry.Fault = desc
		if fault.Delay > 0 && !wait(r, fault.Delay) {
			entry.Fault += " (client gone)"
			return
		}
		switch {
		case fault.Drop == DropBeforeHandler:
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxLoggedBody))
			record()
			dropConnection(w)
			return
		case fault.Status != 0 && fault.Drop == NoDrop:
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxLoggedBody))
			resp := faultResponse(fault)
			entry.Status = resp.status
			record()
			resp.write(w, requestID, fault.Header)
			return
		}
	}

	resp := e.handle(r, rt, params, auth)
	if faulted && fault.Drop == DropAfterHandler {
		record()
		dropConnection(w)
		return
	}
	if faulted && fault.Drop == FailAfterHandler {
		resp = faultResponse(fault)
	}
	entry.Status = resp.status
	record()
	resp.write(w, requestID, fault.Header)
}

// handle runs auth, parsing and the route handler and turns errors into
// error answers.
func (e *Emulator) handle(r *http.Request, rt *route, params map[string]string, auth bool) *response {
	if auth && !e.authorized(r) {
		return errResponse(errUnauthorized)
	}
	if rt == nil {
		return errResponse(errNotFound("Route"))
	}
	c := &call{r: r, route: rt, path: params, now: e.cfg.now()}
	if err := parseRequest(e, c); err != nil {
		return errResponse(asAPIError(err))
	}
	if rt.prepare != nil {
		if err := rt.prepare(e, c); err != nil {
			return errResponse(asAPIError(err))
		}
	}
	resp, err := func() (*response, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return rt.handle(e, c)
	}()
	if err != nil {
		return errResponse(asAPIError(err))
	}
	return resp
}

func asAPIError(err error) *apiError {
	if ae, ok := err.(*apiError); ok {
		return ae
	}
	return &apiError{status: http.StatusInternalServerError, code: apicode.Business, message: "Internal Server Error."}
}

// authorized checks "Authorization: Bearer <token>" in constant time.
func (e *Emulator) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(h[len(prefix):])), []byte(e.cfg.token)) == 1
}
