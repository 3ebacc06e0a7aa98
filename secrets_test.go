package chatadmin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/redirect"
)

// leakToken is recognisable anywhere it turns up.
const leakToken = "tok-LEAKCHECK-9f8e7d6c5b4a3210"

// leakSink gathers every string the SDK hands back, to search for the token.
type leakSink struct {
	mu   sync.Mutex
	outs []string
}

func (s *leakSink) add(where string, vs ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			s.outs = append(s.outs, where+": "+fmt.Sprintf(verb, v))
		}
	}
}

// addErr records an error in every form a program might print or inspect.
func (s *leakSink) addErr(where string, err error) {
	if err == nil {
		return
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		// The fields are formatted without Body (formatting 1 MiB six ways
		// is slow), which is searched once as it is.
		fields := *apiErr
		fields.Body = nil
		s.add(where+" APIError", &fields, fields, apiErr.Message, apiErr.Details, apiErr.DetailFields, apiErr.RequestID)
		s.raw(where+" APIError.Body", string(apiErr.Body))
		s.raw(where, err.Error())
	} else {
		s.add(where, err)
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		s.raw(where+" (unwrapped)", e.Error())
	}
}

func (s *leakSink) raw(where, out string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outs = append(s.outs, where+": "+out)
}

func (s *leakSink) check(t *testing.T) {
	t.Helper()
	s.checkFor(t, leakToken)
}

// checkFor fails t if any output reveals tok, as it is or once decoded.
func (s *leakSink) checkFor(t *testing.T, tok string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, out := range s.outs {
		if reveals(out, tok) {
			t.Errorf("the token leaked: %.400s", out)
		}
	}
}

var (
	jsonUnicodeEscape = regexp.MustCompile(`\\+u([0-9a-fA-F]{4})`)
	jsonOtherEscape   = regexp.MustCompile(`\\+([/"])`)
	percentEscape     = regexp.MustCompile(`%[0-9a-fA-F]{2}`)
)

// reveals reports whether out holds tok, in hex (fmt %x), or in a form that
// decodes to it: HTML references, JSON escapes and percent-escapes, up to
// three layers deep. It shares no code with the scrubber it checks.
func reveals(out, tok string) bool {
	if strings.Contains(out, fmt.Sprintf("%x", tok)) {
		return true
	}
	for range 4 {
		if strings.Contains(out, tok) {
			return true
		}
		out = html.UnescapeString(out)
		out = jsonUnicodeEscape.ReplaceAllStringFunc(out, func(m string) string {
			v, _ := strconv.ParseUint(m[len(m)-4:], 16, 32)
			return string(rune(v))
		})
		out = jsonOtherEscape.ReplaceAllString(out, "$1")
		out = percentEscape.ReplaceAllStringFunc(out, func(m string) string {
			v, _ := strconv.ParseUint(m[1:], 16, 8)
			return string([]byte{byte(v)})
		})
	}
	return false
}

// TestSecretsNeverLeak is promise 6: a server that echoes the token back in
// every place it can (error bodies, messages, details, headers, a redirect
// URL) and every other failure path; the token must not appear in any error
// string, *APIError field, slog record or ResponseInfo.
func TestSecretsNeverLeak(t *testing.T) {
	var sawToken atomic.Int32
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadAddr := closed.Addr().String()
	closed.Close()

	echo := func(r *http.Request) string { return r.Header.Get("Authorization") }
	dump := func(r *http.Request) string {
		var b bytes.Buffer
		r.Header.Write(&b)
		return b.String()
	}
	scenarios := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"401 echoing the token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", echo(r))
			w.Header().Set("WWW-Authenticate", echo(r))
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"status":"error","code":400100,"message":"Invalid token %s","data":{"detail":["token %s expired"]}}`, echo(r), echo(r))
		}},
		{"detail object", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","code":400000,"message":"bad","data":{"detail":{"auth":%q}}}`, echo(r))
		}},
		{"proxy page dumping headers", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><body><h1>502</h1><pre>%s</pre></body></html>", dump(r))
		}},
		{"error status in a 200", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"status":"error","code":400300,"message":"not allowed for %s"}`, echo(r))
		}},
		{"token in Content-Type", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/x-"+strings.ReplaceAll(echo(r), " ", "-"))
			w.Write([]byte(`{"results":[]}`))
		}},
		{"truncated JSON with the token", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"results":[{"channel":{"channelId":%q`, echo(r))
		}},
		{"endless error body, token split across reads", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			tok := echo(r)
			for i := range len(tok) {
				// A chunk ends at each flush, and so does a read: the
				// token is cut at every position.
				io.WriteString(w, tok[:i])
				w.(http.Flusher).Flush()
				io.WriteString(w, tok[i:]+" ")
				w.(http.Flusher).Flush()
			}
			blob := []byte(strings.Repeat(tok+" ", 1000))
			for range 100 {
				if _, err := w.Write(blob); err != nil {
					return
				}
			}
		}},
		{"429 with a long Retry-After", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprintf(w, `{"status":"error","code":400311,"message":"slow down, %s"}`, echo(r))
		}},
		{"503 every time", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"status":"error","code":500000,"message":"%s"}`, echo(r))
		}},
		{"dropped connection", func(w http.ResponseWriter, r *http.Request) { dropAfterRead(w, r) }},
		{"redirect to a dead host with the token in the URL", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://"+deadAddr+"/x?t="+strings.TrimPrefix(echo(r), "Bearer "), http.StatusTemporaryRedirect)
		}},
		{"redirect loop with the token in the URL", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop?t="+strings.TrimPrefix(echo(r), "Bearer ")+"&n="+r.URL.Query().Get("n")+"x", http.StatusFound)
		}},
		{"slow server", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}},
	}
	var handler atomic.Pointer[http.HandlerFunc]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+leakToken {
			sawToken.Add(1)
		}
		(*handler.Load())(w, r)
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()

	var sink leakSink
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := NewClient(leakToken, WithBaseURL(srv.URL), WithLogger(logger), WithMaxAttempts(2),
		WithRetryWait(time.Millisecond, time.Millisecond), WithMaxRetryAfter(time.Second), WithMaxResponseBytes(64<<10))
	require.NoError(t, err)
	defer c.hc.CloseIdleConnections()

	calls := []struct {
		name string
		do   func(ctx context.Context, info *ResponseInfo) error
	}{
		{"query", func(ctx context.Context, info *ResponseInfo) error {
			_, err := c.Channels.List(ctx, nil, WithResponseInfo(info))
			return err
		}},
		{"create", func(ctx context.Context, info *ResponseInfo) error {
			_, err := c.Channels.Create(ctx, "x", nil, WithResponseInfo(info))
			return err
		}},
		{"action", func(ctx context.Context, info *ResponseInfo) error {
			return c.Channels.Unmute(ctx, "lobby", WithResponseInfo(info))
		}},
		{"upload", func(ctx context.Context, info *ResponseInfo) error {
			_, err := c.Messages.CreateFile(ctx, "lobby", &FileMessageRequest{
				File: FileFromReaderAt(strings.NewReader("data"), 4, "a.txt")}, WithResponseInfo(info))
			return err
		}},
		{"download", func(ctx context.Context, info *ResponseInfo) error {
			d, err := c.Messages.GetFile(ctx, "m1", WithResponseInfo(info))
			if err != nil {
				return err
			}
			defer d.Close()
			sink.add("download header", d.ContentType, d.FileName)
			return nil
		}},
	}
	failures := 0
	for _, sc := range scenarios {
		h := sc.handler
		handler.Store(&h)
		for _, call := range calls {
			timeout := 5 * time.Second
			if sc.name == "slow server" {
				timeout = 100 * time.Millisecond
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			var info ResponseInfo
			err := call.do(ctx, &info)
			cancel()
			where := sc.name + " / " + call.name
			if err != nil {
				failures++
			}
			sink.addErr(where, err)
			sink.add(where+" ResponseInfo", info, info.Header)
		}
	}
	// Failures that never reach the server.
	_, err = c.Channels.Create(context.Background(), "", nil)
	sink.addErr("validation", err)
	_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{File: FileFromPath("/nonexistent/file")})
	sink.addErr("missing file", err)
	_, err = c.Messages.CreateFile(context.Background(), "lobby", &FileMessageRequest{
		File: FileFromFunc(func() (io.ReadCloser, error) { return nil, errors.New("cannot open") }, 10, "f.bin")})
	sink.addErr("failing file", err)

	sink.raw("log", logs.String())
	t.Logf("%d failed calls over %d scenarios, %d strings searched, %d requests carried the token, %d log bytes",
		failures, len(scenarios), len(sink.outs), sawToken.Load(), logs.Len())
	assert.Greater(t, sawToken.Load(), int32(len(scenarios)), "the token was sent, and echoed")
	assert.Greater(t, failures, len(scenarios)*3)
	assert.Contains(t, logs.String(), "chatadmin request", "the logger saw the attempts")
	sink.check(t)
}

// TestSecretsScrubKeepsErrorsUsable: masking the token does not cost the
// caller the error's meaning.
func TestSecretsScrubKeepsErrorsUsable(t *testing.T) {
	srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-"+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"status":"error","code":400100,"message":"bad token %s"}`, r.Header.Get("Authorization"))
	})
	c, err := NewClient(leakToken, WithBaseURL(srv.URL), WithMaxAttempts(1))
	require.NoError(t, err)
	err = c.Channels.Unmute(context.Background(), "lobby")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, CodeUnauthorized, apiErr.Code)
	assert.Equal(t, "bad token Bearer "+redacted, apiErr.Message)
	assert.Equal(t, "req-Bearer "+redacted, apiErr.RequestID)

	// A transport error whose URL held the token keeps its type.
	scrubbed := c.scrubError(&url.Error{Op: "Get", URL: "http://x/?t=" + leakToken, Err: context.DeadlineExceeded})
	var urlErr *url.Error
	require.ErrorAs(t, scrubbed, &urlErr)
	assert.Equal(t, "http://x/?t="+redacted, urlErr.URL)
	assert.ErrorIs(t, scrubbed, context.DeadlineExceeded)
	generic := c.scrubError(fmt.Errorf("wrapped %s: %w", leakToken, io.ErrUnexpectedEOF))
	assert.ErrorIs(t, generic, io.ErrUnexpectedEOF)
	assert.Equal(t, "wrapped "+redacted+": unexpected EOF", generic.Error())
	assert.Nil(t, errors.Unwrap(generic), "unwrapping must not hand the token back")

	// However short the token, error output is scrubbed of it: it is our
	// text about a failure, not the server's data.
	short, err := NewClient("k3y", WithBaseURL(srv.URL), WithMaxAttempts(1))
	require.NoError(t, err)
	err = short.Channels.Unmute(context.Background(), "lobby")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "bad token Bearer "+redacted, apiErr.Message)
	assert.NotContains(t, err.Error(), "k3y")
	assert.NotContains(t, string(apiErr.Body), "k3y")
}

// TestSecretsClientAndOptionsNeverPrintToken: fmt and slog of the Client,
// its options and a panic raised inside the SDK.
func TestSecretsClientAndOptionsNeverPrintToken(t *testing.T) {
	var sink leakSink
	opts := []Option{WithBaseURL("https://api.test"), WithMaxAttempts(3), WithRetryBudget(10, 1),
		WithLogger(slog.Default()), WithUserAgent("bot/1"), WithMaxResponseBytes(1 << 20)}
	c, err := NewClient(leakToken, opts...)
	require.NoError(t, err)
	sink.add("client", c, *c, c.creds, opts, c.Channels, *c.Messages)
	var cfg config
	for _, o := range opts {
		require.NoError(t, o(&cfg))
	}
	sink.add("config", cfg)
	var logs bytes.Buffer
	l := slog.New(slog.NewTextHandler(&logs, nil))
	l.Info("client", "client", c, "value", *c, "creds", c.creds, "options", opts)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "client", c, "value", *c, "creds", c.creds)
	sink.add("slog", logs.String())

	// Panics the SDK lets through: a nil context, a nil service.
	var nilCtx context.Context
	for name, f := range map[string]func(){
		"nil context": func() { _, _ = c.Channels.List(nilCtx, nil) },
		"nil service": func() { _, _ = (&Client{creds: c.creds}).Channels.List(context.Background(), nil) },
	} {
		func() {
			defer func() { sink.add("panic "+name, recover()) }()
			f()
		}()
	}
	sink.check(t)
	assert.Contains(t, fmt.Sprint(c), "api.test")
}

// TestSecretsRedirects: a redirect to another host (another port, or the
// same server under another name) does not carry Authorization; one to the
// same host does; https to http is refused before anything is sent.
func TestSecretsRedirects(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	record := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got[r.Host+" "+r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"results":[]}`))
	}
	other := httptest.NewServer(http.HandlerFunc(record))
	defer other.Close()
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/landed") {
			record(w, r)
			return
		}
		switch r.Header.Get("X-Redirect-To") {
		case "same":
			http.Redirect(w, r, "/landed", http.StatusTemporaryRedirect)
		case "port":
			http.Redirect(w, r, other.URL+"/landed", http.StatusTemporaryRedirect)
		case "name":
			// The same server, reached through another host name.
			http.Redirect(w, r, strings.Replace(api.URL, "127.0.0.1", "localhost", 1)+"/landed-by-name", http.StatusFound)
		default:
			record(w, r)
		}
	}))
	defer api.Close()
	c, err := NewClient(leakToken, WithBaseURL(api.URL), WithMaxAttempts(1))
	require.NoError(t, err)
	defer c.hc.CloseIdleConnections()
	for _, to := range []string{"same", "port", "name"} {
		_, err := c.Channels.List(context.Background(), nil, WithHeader("X-Redirect-To", to))
		require.NoError(t, err, to)
	}
	apiHost := strings.TrimPrefix(api.URL, "http://")
	otherHost := strings.TrimPrefix(other.URL, "http://")
	nameHost := strings.Replace(apiHost, "127.0.0.1", "localhost", 1)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, "Bearer "+leakToken, got[apiHost+" /landed"], "same host keeps the token")
	assert.Contains(t, got, otherHost+" /landed")
	assert.Empty(t, got[otherHost+" /landed"], "another port is another host")
	assert.Contains(t, got, nameHost+" /landed-by-name")
	assert.Empty(t, got[nameHost+" /landed-by-name"], "another host name is another host")

	// https → http: refused, the plain server is never contacted.
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plainHits.Add(1) }))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer secure.Close()
	sc, err := NewClient(leakToken, WithBaseURL(secure.URL), WithHTTPClient(secure.Client()), WithMaxAttempts(3),
		WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	defer sc.hc.CloseIdleConnections()
	d, err := sc.Messages.GetFile(context.Background(), "m1")
	if d != nil {
		d.Close()
	}
	assert.ErrorIs(t, err, redirect.ErrDowngrade)
	assert.ErrorIs(t, sc.Channels.Unmute(context.Background(), "lobby"), redirect.ErrDowngrade)
	assert.Zero(t, plainHits.Load())
	assert.NotContains(t, fmt.Sprint(err), leakToken)
}

// TestSecretsPlainHTTPRefused: http:// to a host that is not loopback is
// refused unless the caller opts in with WithInsecureHTTP.
func TestSecretsPlainHTTPRefused(t *testing.T) {
	for _, base := range []string{
		"http://api.example.com", "http://10.0.0.1:8080", "http://127.0.0.1.nip.io", "http://localhost.example.com",
		"http://0.0.0.0:8080", "http://[::ffff:8.8.8.8]", "HTTP://api.example.com", "http://192.168.1.10",
	} {
		_, err := NewClient(leakToken, WithBaseURL(base))
		if assert.Error(t, err, base) {
			assert.Contains(t, err.Error(), "WithInsecureHTTP", base)
			assert.NotContains(t, err.Error(), leakToken)
		}
		_, err = NewClient(leakToken, WithBaseURL(base), WithInsecureHTTP())
		assert.NoError(t, err, "%s with WithInsecureHTTP", base)
	}
	for _, base := range []string{"http://127.0.0.1:1", "http://127.8.9.10", "http://[::1]:8080", "http://localhost:9", "https://api.example.com"} {
		_, err := NewClient(leakToken, WithBaseURL(base))
		assert.NoError(t, err, base)
	}
}

// hostileToken has the characters that encoders escape: '/' (JSON's \/),
// '+', '=' and '&' (query escaping, HTML), '~', '.' and '_' (left alone).
const hostileToken = "tok/LEAK+CHECK=9f8e&7d6c~5b4a.3210_=="

// tokenSpellings are the ways a server may echo tok, each written here
// independently of the scrubber.
func tokenSpellings(tok string) map[string]string {
	each := func(f func(b byte) string) string {
		var sb strings.Builder
		for i := 0; i < len(tok); i++ {
			sb.WriteString(f(tok[i]))
		}
		return sb.String()
	}
	eachRune := func(f func(r rune) string) string {
		var sb strings.Builder
		for _, r := range tok {
			sb.WriteString(f(r))
		}
		return sb.String()
	}
	unicode := func(format string) func(r rune) string {
		return func(r rune) string {
			if r >= 0x10000 {
				hi, lo := utf16.EncodeRune(r)
				return fmt.Sprintf(format+format, hi, lo)
			}
			return fmt.Sprintf(format, r)
		}
	}
	jsonU := eachRune(unicode(`\u%04x`))
	marshalled, _ := json.Marshal(tok) // escapes '&' as \u0026
	return map[string]string{
		"plain":                tok,
		"query-escaped":        url.QueryEscape(tok),
		"path-escaped":         url.PathEscape(tok),
		"every byte %XX":       each(func(b byte) string { return fmt.Sprintf("%%%02X", b) }),
		"every byte %xx":       each(func(b byte) string { return fmt.Sprintf("%%%02x", b) }),
		"query-escaped twice":  url.QueryEscape(url.QueryEscape(tok)),
		`JSON \/`:              strings.ReplaceAll(tok, "/", `\/`),
		"json.Marshal":         string(marshalled[1 : len(marshalled)-1]),
		`every char \u00xx`:    jsonU,
		`every char \u00XX`:    eachRune(unicode(`\u%04X`)),
		"JSON inside JSON":     strings.ReplaceAll(jsonU, `\`, `\\`),
		`JSON \\/ inside JSON`: strings.ReplaceAll(tok, "/", `\\\/`),
		"HTML-escaped":         html.EscapeString(tok),
		"HTML decimal refs":    eachRune(func(r rune) string { return fmt.Sprintf("&#%d;", r) }),
		"HTML hex refs":        eachRune(func(r rune) string { return fmt.Sprintf("&#x%X;", r) }),
		"mixed, char by char": eachRune(func(r rune) string {
			switch r % 4 {
			case 0:
				return unicode(`\u%04X`)(r)
			case 1:
				return url.QueryEscape(string(r))
			case 2:
				return fmt.Sprintf("&#%d;", r)
			}
			return string(r)
		}),
	}
}

// TestScrubSpellings: every spelling of the token is masked, in a string
// and in bytes; a near miss is not; and text cut partway through a
// spelling (a body at its size limit) keeps no part of it.
func TestScrubSpellings(t *testing.T) {
	for _, tok := range []string{hostileToken, leakToken, "k3y", "tök€n𝄞/x"} {
		s := newScrubber(tok)
		near := tok[:len(tok)-1] + "#" // the last character changed
		for name, sp := range tokenSpellings(tok) {
			in := "before " + sp + " after"
			assert.Equal(t, "before "+redacted+" after", scrubText(s, in, false), "%s %q", name, sp)
			assert.Equal(t, "before "+redacted+" after", string(scrubText(s, []byte(in), false)), "%s %q bytes", name, sp)
			assert.False(t, reveals(scrubText(s, in, false), tok), name)
			for cut := len("before ") + 1; cut < len("before ")+len(sp); cut++ {
				assert.Equal(t, "before ", string(scrubText(s, []byte(in[:cut]), true)), "%s cut at %d: %q", name, cut, in[:cut])
			}
			if miss := tokenSpellings(near)[name]; tok != "k3y" {
				in := "before " + miss + " after"
				assert.Equal(t, in, scrubText(s, in, false), "%s near miss", name)
			}
		}
	}
	// Text without the token comes back as it was, cut or not.
	s := newScrubber(hostileToken)
	for _, in := range []string{"", "%", `\`, "&", "%2", `\u00`, "&#x", "plain text", "tok/LEAK+CHECK"} {
		assert.Equal(t, in, scrubText(s, in, false))
	}
	assert.Equal(t, "ends with ", scrubText(s, "ends with tok/LE", true))
}

// TestSecretsHostileEchoes: a server echoes the token in every spelling, in
// headers, error bodies, detail keys, a 2xx error body, redirect URLs and a
// body cut at 1 MiB through the token, over HTTP/1.1 and HTTP/2. Neither the
// error (its text, %+v, every *APIError field) nor a log record, through
// the SDK's logger or a caller's slog of the error, reveals the token.
func TestSecretsHostileEchoes(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadAddr := closed.Addr().String()
	closed.Close()

	tok := hostileToken
	sp := tokenSpellings(tok)
	jsonU := sp[`every char \u00xx`]
	// cutBody is an error body whose 1 MiB limit falls inside the token.
	cutBody := func(spelling string) string {
		head := `{"status":"error","code":400000,"message":"`
		pad := strings.Repeat("x", int(maxErrorBodyBytes)-len(head)-len(spelling)/2)
		return head + pad + spelling + `"}`
	}
	scenarios := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request, scheme string)
	}{
		{"headers", func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("X-Request-Id", "req-"+url.QueryEscape(tok))
			w.Header().Set("X-Echo-"+url.PathEscape(tok), sp[`JSON \/`])
			w.WriteHeader(http.StatusUnauthorized)
		}},
		{"error bodies in every spelling", func(w http.ResponseWriter, r *http.Request, _ string) {
			var details []string
			for _, s := range sp {
				details = append(details, `"`+strings.ReplaceAll(s, `"`, `\"`)+`"`)
			}
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","code":400000,"message":"bad token %s / %s","data":{"detail":[%s]}}`,
				sp[`JSON \/`], sp["query-escaped"], strings.Join(details, ","))
		}},
		{`\u-escaped message and detail keys`, func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"status":"error","code":400300,"message":"%s","data":{"detail":{"%s":["%s"],"k":"%s"}}}`,
				jsonU, jsonU, sp["json.Marshal"], sp["JSON inside JSON"])
		}},
		{"HTML page from a proxy", func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<pre>Authorization: Bearer %s\n%s</pre>", sp["HTML-escaped"], sp["HTML hex refs"])
		}},
		{"error status in a 200", func(w http.ResponseWriter, _ *http.Request, _ string) {
			fmt.Fprintf(w, `{"status":"error","code":400300,"message":"not for %s","data":{"detail":"%s"}}`, jsonU, sp["mixed, char by char"])
		}},
		{"1 MiB cut through the token", func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, cutBody(tok))
		}},
		{`1 MiB cut through a \u-escaped token`, func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, cutBody(jsonU))
		}},
		{"redirect to a dead host with the token in the query", func(w http.ResponseWriter, r *http.Request, scheme string) {
			http.Redirect(w, r, scheme+"://"+deadAddr+"/x?t="+url.QueryEscape(tok), http.StatusTemporaryRedirect)
		}},
		{"redirect loop with the token in the query and path", func(w http.ResponseWriter, r *http.Request, _ string) {
			http.Redirect(w, r, "/loop/"+url.PathEscape(tok)+"?t="+url.QueryEscape(tok)+"&n="+r.URL.Query().Get("n")+"x", http.StatusFound)
		}},
	}

	for proto, major := range map[string]int{"HTTP/1.1": 1, "HTTP/2": 2} {
		t.Run(proto, func(t *testing.T) {
			var handler atomic.Pointer[func(http.ResponseWriter, *http.Request, string)]
			var sawToken, sawProto atomic.Int32
			scheme := "http"
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") == "Bearer "+tok {
					sawToken.Add(1)
				}
				if r.ProtoMajor == major {
					sawProto.Add(1)
				}
				(*handler.Load())(w, r, scheme)
			}))
			opts := []Option{WithMaxAttempts(1)}
			if proto == "HTTP/2" {
				srv.EnableHTTP2 = true
				srv.StartTLS()
				scheme = "https"
				opts = append(opts, WithHTTPClient(srv.Client()))
			} else {
				srv.Start()
			}
			defer srv.Close()

			var sink leakSink
			var jsonLogs, textLogs bytes.Buffer
			logger := slog.New(teeHandler{
				slog.NewJSONHandler(&jsonLogs, &slog.HandlerOptions{Level: slog.LevelDebug}),
				slog.NewTextHandler(&textLogs, &slog.HandlerOptions{Level: slog.LevelDebug})})
			c, err := NewClient(tok, append(opts, WithBaseURL(srv.URL), WithLogger(logger))...)
			require.NoError(t, err)
			defer c.CloseIdleConnections()

			for _, sc := range scenarios {
				h := sc.handler
				handler.Store(&h)
				for name, call := range map[string]func(context.Context) error{
					"query":  func(ctx context.Context) error { _, err := c.Channels.List(ctx, nil); return err },
					"action": func(ctx context.Context) error { return c.Channels.Unmute(ctx, "lobby") },
				} {
					where := sc.name + " / " + name
					err := call(context.Background())
					require.Error(t, err, where)
					sink.addErr(where, err)
					sink.add(where+" %+v", fmt.Sprintf("%+v", err))
					logger.Error("call failed", "err", err)
					var apiErr *APIError
					if errors.As(err, &apiErr) {
						logger.Error("call failed", "apiError", apiErr, "detailFields", apiErr.DetailFields)
						if !strings.HasPrefix(sc.name, "1 MiB") {
							// The value, Body and all (1 MiB bodies are searched by addErr).
							logger.Error("call failed", "value", *apiErr)
						} else {
							assert.True(t, apiErr.Truncated, where)
							assert.Less(t, len(apiErr.Body), int(maxErrorBodyBytes), "%s: the cut token is dropped", where)
							assert.True(t, bytes.HasSuffix(apiErr.Body, []byte("xxxx")), "%s: ends %q", where, apiErr.Body[len(apiErr.Body)-20:])
						}
					}
				}
			}
			sink.raw("JSON log", jsonLogs.String())
			sink.raw("text log", textLogs.String())
			sink.checkFor(t, tok)
			assert.Greater(t, sawToken.Load(), int32(len(scenarios)), "the token was sent, and echoed")
			assert.Equal(t, sawToken.Load(), sawProto.Load(), "every request went over %s", proto)
			assert.Contains(t, jsonLogs.String(), "chatadmin request")
			assert.Contains(t, textLogs.String(), redacted, "echoes were masked, not dropped")
		})
	}
}

// TestSecretsMalformedResponseQuoted: net/http quotes the bytes of a
// malformed status line in its error; a server that puts the token there
// does not get it into the error.
func TestSecretsMalformedResponseQuoted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer ln.Close()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
				fmt.Fprintf(conn, "HTTP/1.1 %s\r\n\r\n", url.QueryEscape(tok))
			}
			conn.Close()
		}
	}()
	c, err := NewClient(hostileToken, WithBaseURL("http://"+ln.Addr().String()), WithMaxAttempts(1))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.Channels.List(context.Background(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "malformed HTTP", "the transport quoted the status line")
	assert.Contains(t, err.Error(), redacted)
	var sink leakSink
	sink.addErr("malformed", err)
	sink.checkFor(t, hostileToken)
}

// TestSecretsClientValueInStruct: a struct that holds a Client value (or a
// pointer) in an unexported field prints no token with any verb: fmt prints
// such fields without calling their methods, and for %s and %q it printed
// the pointed-to credentials in full.
func TestSecretsClientValueInStruct(t *testing.T) {
	c, err := NewClient(leakToken, WithBaseURL("https://api.test"), WithUserAgent("bot/1"))
	require.NoError(t, err)
	type holder struct {
		client  Client
		pointer *Client
		creds   credentials
	}
	type outer struct{ h holder }
	h := holder{client: *c, pointer: c, creds: *c.creds}
	var sink leakSink
	sink.add("holder", h, &h, outer{h}, []holder{h}, map[string]holder{"k": h})
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("h", "holder", h, "outer", outer{h})
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("h", "holder", h, "outer", outer{h})
	sink.raw("slog", logs.String())
	sink.check(t)
	assert.Contains(t, fmt.Sprint(h), "chatadmin-go/0.1.0 bot/1", "the holder was printed")
}

// TestSecretsConstructionRefusals: a token or User-Agent suffix that no
// header can carry is refused by NewClient, with an error that says why and
// does not quote the token.
func TestSecretsConstructionRefusals(t *testing.T) {
	for name, tok := range map[string]string{
		"trailing LF": leakToken + "\n", "trailing CRLF": leakToken + "\r\n", "CR inside": "tok\rLEAKCHECK-9f8e",
		"NUL": leakToken + "\x00", "tab": "tok\tLEAKCHECK", "escape": "\x1b[31m" + leakToken, "DEL": leakToken + "\x7f",
		"leading space": " " + leakToken, "trailing space": leakToken + " ",
	} {
		_, err := NewClient(tok, WithBaseURL("https://api.test"))
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "access token", name)
			assert.Contains(t, err.Error(), "trim it", name)
			assert.NotContains(t, err.Error(), "LEAKCHECK", name)
		}
	}
	t.Setenv(EnvToken, leakToken+"\n")
	t.Setenv(EnvBaseURL, "https://api.test")
	_, err := NewClientFromEnv()
	assert.ErrorContains(t, err, "control character")

	for _, ua := range []string{"bot/1\r\nX-Evil: 1", "bot/1\n", "bot\x00", "bot\x7f"} {
		_, err := NewClient(leakToken, WithBaseURL("https://api.test"), WithUserAgent(ua))
		assert.ErrorContains(t, err, "WithUserAgent", "%q", ua)
	}
	for _, tok := range []string{"k", "tok with spaces", "tök€n", leakToken} {
		_, err := NewClient(tok, WithBaseURL("https://api.test"), WithUserAgent("bot/1 (linux; +https://x.test)"))
		assert.NoError(t, err, tok)
	}
}

// BenchmarkScrubText: what scrubbing costs where it runs on every call
// (a response's header values) and on the largest error body, with no
// token in it, as plain text and as text full of escape-like bytes.
func BenchmarkScrubText(b *testing.B) {
	s := newScrubber(hostileToken)
	cases := map[string][]byte{
		"header":            []byte("application/json; charset=utf-8"),
		"1MiB text":         bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog. "), int(maxErrorBodyBytes)/45),
		"1MiB escape bytes": bytes.Repeat([]byte(`%2F\u0074&#47;tok/`), int(maxErrorBodyBytes)/18),
	}
	for name, in := range cases {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if out := scrubText(s, in, false); len(out) != len(in) {
					b.Fatal("masked text without the token")
				}
			}
		})
	}
}

// teeHandler sends each record to every handler (slog.NewMultiHandler is
// Go 1.26; the module supports 1.25).
type teeHandler []slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t teeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}
