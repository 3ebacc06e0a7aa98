package chatadmintest

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
)

// Server is an Emulator listening on a loopback port (httptest, 127.0.0.1).
type Server struct {
	*Emulator
	// URL is the base URL, e.g. "http://127.0.0.1:41234" (https:// with
	// WithTLS), without a slash at the end; API paths are appended to it.
	URL string
	// CDNURL is the base URL of the WithCDN listener, "" without WithCDN.
	CDNURL string

	api *httptest.Server
	cdn *httptest.Server
}

// NewServer starts an Emulator on a loopback port; call Close when done.
// With WithCDN a second listener serves the downloads; with WithTLS both
// speak HTTPS and HTTP/2.
func NewServer(opts ...Option) *Server {
	e := New(opts...)
	s := &Server{Emulator: e}
	if e.cfg.cdn {
		// The CDN listener starts first so that the redirect target is
		// known before the first API request can arrive.
		s.cdn = start(e.cdnHandler(), e.cfg.tls)
		s.CDNURL = s.cdn.URL
		e.cdnURL.Store(&s.CDNURL)
	}
	s.api = start(e, e.cfg.tls)
	s.URL = s.api.URL
	return s
}

func start(h http.Handler, withTLS bool) *httptest.Server {
	if !withTLS {
		return httptest.NewServer(h)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	return srv
}

// TLSClientConfig returns a TLS configuration that trusts the server's
// certificate (the CDN listener's too) and offers HTTP/2 first, for a
// transport of your own (e.g. chatadmin.NewTransport); nil without WithTLS.
func (s *Server) TLSClientConfig() *tls.Config {
	if s.api.TLS == nil {
		return nil
	}
	t, _ := s.api.Client().Transport.(*http.Transport)
	cfg := t.TLSClientConfig.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}
	return cfg
}

// Client returns an *http.Client for the server: with WithTLS it trusts the
// certificate and negotiates HTTP/2. Its connections are closed by Close.
func (s *Server) Client() *http.Client { return s.api.Client() }

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
