package chatadmintest

import "net/http/httptest"

// Server is an Emulator listening on a loopback port (httptest, 127.0.0.1).
type Server struct {
	*Emulator
	// URL is the base URL, e.g. "http://127.0.0.1:41234", without a slash at
	// the end; API paths are appended to it.
	URL string
	// CDNURL is the base URL of the WithCDN listener, "" without WithCDN.
	CDNURL string

	api *httptest.Server
	cdn *httptest.Server
}

// NewServer starts an Emulator on a loopback port; call Close when done.
// With WithCDN a second listener serves the downloads.
func NewServer(opts ...Option) *Server {
	e := New(opts...)
	s := &Server{Emulator: e}
	if e.cfg.cdn {
		// The CDN listener starts first so that the redirect target is
		// known before the first API request can arrive.
		s.cdn = httptest.NewServer(e.cdnHandler())
		s.CDNURL = s.cdn.URL
		e.cdnURL.Store(&s.CDNURL)
	}
	s.api = httptest.NewServer(e)
	s.URL = s.api.URL
	return s
}

// Close stops the listener(s), closing client connections (requests held by
// a Delay fault end at once) and waits for the handlers to return, so no
// goroutine of the server remains afterwards.
func (s *Server) Close() {
	s.api.CloseClientConnections()
	s.api.Close()
	if s.cdn != nil {
		s.cdn.CloseClientConnections()
		s.cdn.Close()
	}
}
