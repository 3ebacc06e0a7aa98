package chatadmin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, out := range s.outs {
		if strings.Contains(out, leakToken) || strings.Contains(out, fmt.Sprintf("%x", leakToken)) {
			t.Errorf("the token leaked: %.400s", out)
		}
	}
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
	defer c.http.HTTPClient.CloseIdleConnections()

	calls := []struct {
		name string
		do   func(ctx context.Context, info *ResponseInfo) error
	}{
		{"query", func(ctx context.Context, info *ResponseInfo) error {
			_, err := c.Channels.List(ctx, nil, WithResponseInfo(info))
			return err
		}},
		{"create", func(ctx context.Context, info *ResponseInfo) error {
			_, err := c.Channels.Create(ctx, &ChannelCreateRequest{ChannelID: "x"}, WithResponseInfo(info))
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
	_, err = c.Channels.Create(context.Background(), &ChannelCreateRequest{})
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

	// A token too short to be a real one is not scrubbed: masking it would
	// mangle ordinary data.
	short, err := NewClient("abc", WithBaseURL(srv.URL))
	require.NoError(t, err)
	assert.Empty(t, short.secret())
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
	defer c.http.HTTPClient.CloseIdleConnections()
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
	defer sc.http.HTTPClient.CloseIdleConnections()
	d, err := sc.Messages.GetFile(context.Background(), "m1")
	if d != nil {
		d.Close()
	}
	assert.ErrorIs(t, err, errRedirectDowngrade)
	assert.ErrorIs(t, sc.Channels.Unmute(context.Background(), "lobby"), errRedirectDowngrade)
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
