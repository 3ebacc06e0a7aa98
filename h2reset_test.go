package chatadmin

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// resetServer is a raw HTTP/2 server over TLS in front of an Emulator. It
// hands each request to the emulator, so the request takes effect, and then,
// while resets is above zero, answers with RST_STREAM PROTOCOL_ERROR instead
// of the emulator's response: the one reset net/http's HTTP/2 client answers
// by resending the request inside the same RoundTrip. net/http's own HTTP/2
// server cannot send that reset, hence the framer.
type resetServer struct {
	emu    *chatadmintest.Emulator
	ln     net.Listener
	URL    string
	roots  *x509.CertPool
	resets atomic.Int32
	mode   atomic.Int32 // what a reset is: resetAfterAct (0), refuseStream or goAway

	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func newResetServer(t *testing.T, emu *chatadmintest.Emulator) *resetServer {
	t.Helper()
	cert, roots := selfSignedCert(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	s := &resetServer{emu: emu, ln: ln, URL: "https://" + ln.Addr().String(), roots: roots, conns: map[net.Conn]bool{}}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = true
			s.mu.Unlock()
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(s.close)
	return s
}

func (s *resetServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// client returns a Client that reaches s with the SDK's own transport.
func (s *resetServer) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	tr := NewTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: s.roots}
	all := append([]Option{WithBaseURL(s.URL), WithHTTPClient(&http.Client{Transport: tr}),
		WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := NewClient(s.emu.Token(), all...)
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return c
}

type h2stream struct {
	header http.Header
	method string
	path   string
	body   bytes.Buffer
}

func (s *resetServer) serve(c net.Conn) {
	defer c.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	streams := map[uint32]*h2stream{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		var done *h2stream
		id := f.Header().StreamID
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				err = fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				err = fr.WritePing(true, f.Data)
			}
		case *http2.MetaHeadersFrame:
			st := &h2stream{header: http.Header{}}
			for _, hf := range f.Fields {
				switch hf.Name {
				case ":method":
					st.method = hf.Value
				case ":path":
					st.path = hf.Value
				default:
					if !strings.HasPrefix(hf.Name, ":") {
						st.header.Add(hf.Name, hf.Value)
					}
				}
			}
			streams[id] = st
			if f.StreamEnded() {
				done = st
			}
		case *http2.DataFrame:
			st := streams[id]
			if st == nil {
				continue
			}
			st.body.Write(f.Data())
			if n := uint32(len(f.Data())); n > 0 {
				if err = fr.WriteWindowUpdate(0, n); err == nil {
					err = fr.WriteWindowUpdate(id, n)
				}
			}
			if f.StreamEnded() {
				done = st
			}
		}
		if err != nil {
			return
		}
		if done != nil {
			delete(streams, id)
			if s.answer(fr, id, done) != nil {
				return
			}
		}
	}
}

// What resetServer does with a request while resets is above zero.
const (
	resetAfterAct int32 = iota // run the emulator, then RST_STREAM PROTOCOL_ERROR
	refuseStream               // RST_STREAM REFUSED_STREAM, the emulator never sees it
	goAway                     // GOAWAY with last stream 0, then close: the emulator never sees it
)

var errGoneAway = errors.New("went away")

// answer runs the emulator on a complete request, then resets the stream or
// sends the emulator's response; or refuses the request unprocessed.
func (s *resetServer) answer(fr *http2.Framer, id uint32, st *h2stream) error {
	reset := s.resets.Add(-1) >= 0
	if reset {
		switch s.mode.Load() {
		case refuseStream:
			return fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
		case goAway:
			_ = fr.WriteGoAway(0, http2.ErrCodeNo, nil)
			return errGoneAway
		}
	}
	req := httptest.NewRequest(st.method, s.URL+st.path, bytes.NewReader(st.body.Bytes()))
	req.Header = st.header
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/2.0", 2, 0
	rec := httptest.NewRecorder()
	s.emu.ServeHTTP(rec, req)
	if reset {
		return fr.WriteRSTStream(id, http2.ErrCodeProtocol)
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(rec.Code)})
	for k, vs := range rec.Header() {
		for _, v := range vs {
			enc.WriteField(hpack.HeaderField{Name: strings.ToLower(k), Value: v})
		}
	}
	body := rec.Body.Bytes()
	enc.WriteField(hpack.HeaderField{Name: "content-length", Value: strconv.Itoa(len(body))})
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(),
		EndHeaders: true, EndStream: len(body) == 0}); err != nil {
		return err
	}
	for len(body) > 0 {
		n := min(len(body), 16<<10)
		if err := fr.WriteData(id, n == len(body), body[:n]); err != nil {
			return err
		}
		body = body[n:]
	}
	return nil
}

// selfSignedCert makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "chatadmin test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}

// TestHTTP2ResetAfterActNoReplay: a server that acts on an unsafe request
// and then resets the stream with PROTOCOL_ERROR must see that request once,
// and the call must end in ErrOutcomeUnknown after one attempt. Without the
// sendOnce transport, net/http's HTTP/2 layer resends the request inside
// the same attempt: the call succeeds and the server holds two records.
func TestHTTP2ResetAfterActNoReplay(t *testing.T) {
	t.Run("NewTransport", func(t *testing.T) {
		emu := chatadmintest.New(chatadmintest.WithDemoData())
		srv := newResetServer(t, emu)
		testResetAfterActNoReplay(t, emu, srv, srv.client(t, WithMaxAttempts(4)))
	})
	// net/http's bundled HTTP/2 resends after PROTOCOL_ERROR: the guard
	// (internal/sendonce) must stop it.
	t.Run("bundled HTTP/2", func(t *testing.T) {
		emu := chatadmintest.New(chatadmintest.WithDemoData())
		srv := newResetServer(t, emu)
		tr := &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: srv.roots}}
		t.Cleanup(tr.CloseIdleConnections)
		c, err := NewClient(emu.Token(), WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}),
			WithRetryWait(time.Millisecond, 5*time.Millisecond), WithMaxAttempts(4))
		require.NoError(t, err)
		testResetAfterActNoReplay(t, emu, srv, c)
	})
}

func testResetAfterActNoReplay(t *testing.T, emu *chatadmintest.Emulator, srv *resetServer, c *Client) {
	ctx := context.Background()
	page, err := c.Messages.List(ctx, "general", nil)
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	msgID := page.Items[0].MessageID
	img := tinyPNG(t)

	cases := []struct {
		name, route string
		call        func(o RequestOption) error
	}{
		{"create channel", "POST /api/v2/channel", func(o RequestOption) error {
			_, err := c.Channels.Create(ctx, "h2-once", nil, o)
			return err
		}},
		{"create message", "POST /api/v2/message", func(o RequestOption) error {
			_, err := c.Messages.Create(ctx, "general", &MessageCreateRequest{Text: "once"}, o)
			return err
		}},
		{"upload image", "POST /api/v2/messages/images", func(o RequestOption) error {
			_, err := c.Messages.CreateImage(ctx, "general", &ImageMessageRequest{
				File: FileFromReaderAt(bytes.NewReader(img), int64(len(img)), "dot.png")}, o)
			return err
		}},
		{"upload file", "POST /api/v2/messages/files", func(o RequestOption) error {
			_, err := c.Messages.CreateFile(ctx, "general", &FileMessageRequest{
				File: FileFromReaderAt(strings.NewReader("hello"), 5, "once.txt")}, o)
			return err
		}},
		{"close channel (empty body)", "POST /api/v2/channel/:channelId/close", func(o RequestOption) error {
			return c.Channels.Close(ctx, "random", o)
		}},
		{"blacklist add", "POST /api/v2/blacklist/records", func(o RequestOption) error {
			return c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{"once"}, Match: MatchAnywhere}, o)
		}},
		{"whitelist add", "POST /api/v2/whitelist/records", func(o RequestOption) error {
			return c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{"once\\.example"}}, o)
		}},
		{"reaction add", "POST /api/v2/reactions", func(o RequestOption) error {
			_, err := c.Reactions.Create(ctx, msgID, "once", o)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu.ResetRequests()
			srv.resets.Store(1)
			var info ResponseInfo
			err := tc.call(WithResponseInfo(&info))
			sent := 0
			for _, r := range emu.Requests() {
				if r.Route == tc.route {
					sent++
					assert.Equal(t, "HTTP/2.0", r.Proto)
				}
			}
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 1, sent, "the server saw the request once")
			assert.Equal(t, 1, info.Attempts)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr))
		})
	}
}

// TestHTTP2ResetSafeCallAttempts: a safe call is retried after the same
// reset, by the SDK's own policy (x/net's HTTP/2 layer does not resend
// after PROTOCOL_ERROR), and ResponseInfo.Attempts counts it.
func TestHTTP2ResetSafeCallAttempts(t *testing.T) {
	emu := chatadmintest.New(chatadmintest.WithDemoData())
	srv := newResetServer(t, emu)
	c := srv.client(t)
	srv.resets.Store(1)
	var info ResponseInfo
	_, err := c.Channels.List(context.Background(), nil, WithResponseInfo(&info))
	require.NoError(t, err)
	assert.Equal(t, 2, info.Attempts)
	assert.Len(t, emu.Requests(), 2, "the query was sent twice")
}

// TestEmptyBodyPostWire: the send-once measures leave the wire of a POST
// with an empty body exact: "Content-Length: 0" over HTTP/1.1, not a
// chunked body, and an empty body over HTTP/2.
func TestEmptyBodyPostWire(t *testing.T) {
	for _, proto := range []string{"HTTP/1.1", "HTTP/2.0"} {
		t.Run(proto, func(t *testing.T) {
			var got atomic.Pointer[http.Request]
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if len(body) != 0 {
					r.Header.Set("X-Test-Body", string(body))
				}
				got.Store(r)
				w.Write([]byte(`{"status":"ok"}`))
			})
			srv := httptest.NewUnstartedServer(h)
			var opts []Option
			if proto == "HTTP/2.0" {
				srv.EnableHTTP2 = true
				srv.StartTLS()
				opts = []Option{WithHTTPClient(srv.Client())}
			} else {
				srv.Start()
			}
			defer srv.Close()
			c := newServerClient(t, srv, opts...)
			require.NoError(t, c.Channels.Close(context.Background(), "lobby"))
			r := got.Load()
			require.NotNil(t, r)
			assert.Equal(t, proto, r.Proto)
			assert.Empty(t, r.Header.Get("X-Test-Body"))
			assert.Empty(t, r.TransferEncoding, "not chunked")
			if proto == "HTTP/1.1" {
				assert.Equal(t, "0", r.Header.Get("Content-Length"))
				assert.EqualValues(t, 0, r.ContentLength)
			}
		})
	}
}
