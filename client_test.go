package chatadmin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/redirect"
)

func TestNewClientRejectsBadConfiguration(t *testing.T) {
	cases := []struct {
		name  string
		token string
		opts  []Option
		want  string
	}{
		{"no token", "", []Option{WithBaseURL("https://api.test")}, "token is required"},
		{"no base URL", "tok", nil, "base URL is required"},
		{"malformed", "tok", []Option{WithBaseURL("https://api.test/%zz")}, "malformed base URL"},
		{"relative", "tok", []Option{WithBaseURL("/api")}, "absolute"},
		{"ftp", "tok", []Option{WithBaseURL("ftp://api.test")}, "absolute http(s)"},
		{"plain http remote", "tok", []Option{WithBaseURL("http://api.example.com")}, "plain http"},
		{"credentials in URL", "tok", []Option{WithBaseURL("https://u:p@api.test")}, "credentials"},
		{"unknown region", "tok", []Option{WithRegion("mars")}, "unknown region"},
		{"zero attempts", "tok", []Option{WithBaseURL("https://api.test"), WithMaxAttempts(0)}, "at least 1"},
		{"nil http client", "tok", []Option{WithBaseURL("https://api.test"), WithHTTPClient(nil)}, "nil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.token, tc.opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestNewClientAccepts(t *testing.T) {
	for _, tc := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithRegion("eu")}, "https://apix.eu.amity.co"},
		{[]Option{WithRegion("us")}, "https://apix.us.amity.co"},
		{[]Option{WithRegion("sg")}, "https://apix.sg.amity.co"},
		{[]Option{WithBaseURL("http://127.0.0.1:8086/")}, "http://127.0.0.1:8086"},
		{[]Option{WithBaseURL("http://localhost:8086")}, "http://localhost:8086"},
		{[]Option{WithBaseURL("http://[::1]:8086")}, "http://[::1]:8086"},
		{[]Option{WithBaseURL("http://chat.internal"), WithInsecureHTTP()}, "http://chat.internal"},
		{[]Option{WithBaseURL("https://proxy.test/chat/")}, "https://proxy.test/chat"},
	} {
		c, err := NewClient("tok", tc.opts...)
		require.NoError(t, err)
		assert.Equal(t, tc.want, c.BaseURL())
	}
}

func TestNewClientFromEnv(t *testing.T) {
	t.Setenv(EnvToken, "env-token")
	t.Setenv(EnvBaseURL, "https://env.test")
	c, err := NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "https://env.test", c.BaseURL())

	c, err = NewClientFromEnv(WithBaseURL("https://override.test"))
	require.NoError(t, err)
	assert.Equal(t, "https://override.test", c.BaseURL(), "explicit options win over the environment")

	t.Setenv(EnvToken, "")
	_, err = NewClientFromEnv()
	assert.ErrorContains(t, err, EnvToken)
}

func TestClientNeverPrintsToken(t *testing.T) {
	const token = "tok-SHOULD-NOT-LEAK"
	var logs bytes.Buffer
	c, err := NewClient(token, WithBaseURL("https://api.test"), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assert.NotContains(t, fmt.Sprintf(format, c), token, format)
		assert.NotContains(t, fmt.Sprintf(format, *c), token, format+" of the struct value")
	}
	slog.New(slog.NewTextHandler(&logs, nil)).Info("client", "client", c, "value", *c)
	assert.NotContains(t, logs.String(), token)
	assert.Contains(t, fmt.Sprint(c), "api.test")
}

func TestLoggerRecordsAttemptsWithoutSecrets(t *testing.T) {
	srv, _ := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("OK"))
	})
	var logs bytes.Buffer
	c := newServerClient(t, srv, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, c.Channels.Unmute(context.Background(), "lobby"))
	out := logs.String()
	assert.Equal(t, 2, strings.Count(out, "chatadmin request"), out)
	assert.Contains(t, out, "route=/api/v2/channel/:channelId/mute")
	assert.Contains(t, out, "status=503")
	assert.Contains(t, out, "retrying=true")
	assert.NotContains(t, out, testToken)
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte("OK"))
	}))
	defer srv.Close()
	c := newServerClient(t, srv, WithUserAgent("modbot/2"))
	require.NoError(t, c.Channels.Unmute(context.Background(), "lobby", WithHeader("X-Trace", "t-1"),
		WithHeader("Authorization", "Bearer other"), WithHeader("Content-Type", "text/plain")))
	assert.Equal(t, []string{"Bearer " + testToken}, got.Values("Authorization"), "WithHeader cannot replace the token")
	assert.Equal(t, []string{"application/json"}, got.Values("Content-Type"))
	assert.Equal(t, "chatadmin-go/"+Version+" modbot/2", got.Get("User-Agent"))
	assert.Equal(t, "t-1", got.Get("X-Trace"))
	assert.Equal(t, "application/json", got.Get("Content-Type"))
}

func TestRedirectToOtherHostDropsToken(t *testing.T) {
	var cdnAuth, apiAuth string
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cdnAuth = r.Header.Get("Authorization")
		w.Write([]byte(`{"results":[]}`))
	}))
	defer cdn.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiAuth = r.Header.Get("Authorization")
		http.Redirect(w, r, cdn.URL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	c := newServerClient(t, api)
	_, err := c.Channels.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "Bearer "+testToken, apiAuth)
	assert.Empty(t, cdnAuth, "a different host:port must not receive the token")
}

func TestRedirectHTTPSToHTTPRefused(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("the plain-http target must not be contacted")
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	}))
	defer secure.Close()
	c, err := NewClient(testToken, WithBaseURL(secure.URL), WithHTTPClient(secure.Client()), WithMaxAttempts(1))
	require.NoError(t, err)
	err = c.Channels.Unmute(context.Background(), "lobby")
	assert.ErrorIs(t, err, redirect.ErrDowngrade)
}
