package chatadmin

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An http.Client.Timeout given through WithHTTPClient bounds the whole
// exchange, body included: a download that is still arriving, byte by byte,
// is cut off when it runs out. (docs/client.md: "Uploads and downloads".)
func TestHTTPClientTimeoutCutsOffDownload(t *testing.T) {
	const size = 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.WriteHeader(http.StatusOK)
		for range size { // 10 bytes, 200 ms apart: about 2 s in all
			w.Write([]byte{'x'})
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(srv.Close)
	hc := &http.Client{Timeout: 600 * time.Millisecond, Transport: NewTransport()}
	t.Cleanup(hc.CloseIdleConnections)
	c := newServerClient(t, srv, WithHTTPClient(hc))

	dl, err := c.Messages.GetImage(context.Background(), "m1", ImageSizeMedium)
	require.NoError(t, err, "the headers come at once")
	defer dl.Close()
	got, err := io.ReadAll(dl.Body)
	var ne net.Error
	require.ErrorAs(t, err, &ne, "the body is cut off")
	// Which words net/http uses depends on where its timer catches the
	// read ("Client.Timeout exceeded…" or "context deadline exceeded"):
	// a timeout it is, either way.
	assert.True(t, ne.Timeout(), "%v", err)
	assert.Less(t, len(got), size)
}

// The proxy test runs in a child process: net/http reads the proxy
// variables once per process, so t.Setenv cannot change them once any
// other test has made a request.
const (
	proxyChildEnv  = "CHATADMIN_TEST_PROXY_CHILD"  // "proxy" or "direct"
	proxyDirectEnv = "CHATADMIN_TEST_PROXY_DIRECT" // loopback address of "chat.internal.test"
)

// TestProxyEnvChild is the child half of TestNewTransportHonoursProxyEnv.
// It calls http://chat.internal.test through NewTransport, whose dialer is
// pointed at a loopback server for that name, so that no name is resolved:
// the parent sees which of its two servers (proxy or target) got the call.
func TestProxyEnvChild(t *testing.T) {
	if os.Getenv(proxyChildEnv) == "" {
		t.Skip("run by TestNewTransportHonoursProxyEnv in a child process")
	}
	tr := NewTransport()
	direct := os.Getenv(proxyDirectEnv)
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "chat.internal.test:80" {
			addr = direct
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	defer tr.CloseIdleConnections()
	c, err := NewClient(testToken, WithBaseURL("http://chat.internal.test"), WithInsecureHTTP(),
		WithHTTPClient(&http.Client{Transport: tr}), WithMaxAttempts(1))
	require.NoError(t, err)
	require.NoError(t, c.Channels.Unmute(context.Background(), "lobby"))
}

// NewTransport (the default transport) sends through the proxy named by
// HTTP_PROXY, and straight to hosts listed in NO_PROXY.
func TestNewTransportHonoursProxyEnv(t *testing.T) {
	if os.Getenv(proxyChildEnv) != "" {
		t.Skip("in the child")
	}
	type seen struct{ server, target string }
	var mu sync.Mutex
	var log []seen
	recorder := func(name string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			// A proxy gets the absolute URL; the target only the path.
			log = append(log, seen{name, r.Host + r.URL.Path})
			mu.Unlock()
			w.Write([]byte("OK"))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	proxy, target := recorder("proxy"), recorder("target")

	for _, tc := range []struct {
		mode, noProxy, want string
	}{
		{"proxy", "", "proxy"},
		{"direct", "chat.internal.test", "target"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			mu.Lock()
			log = nil
			mu.Unlock()
			cmd := exec.Command(os.Args[0], "-test.run=^TestProxyEnvChild$", "-test.count=1", "-test.v")
			cmd.Env = append(envWithoutProxies(),
				proxyChildEnv+"="+tc.mode,
				proxyDirectEnv+"="+target.Listener.Addr().String(),
				"HTTP_PROXY="+proxy.URL,
				"NO_PROXY="+tc.noProxy)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			require.Contains(t, string(out), "--- PASS: TestProxyEnvChild", "the child ran the call")
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []seen{{tc.want, "chat.internal.test/api/v2/channel/lobby/mute"}}, log)
		})
	}
}

// envWithoutProxies is this process's environment without any proxy
// variable, in either case.
func envWithoutProxies() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD":
			continue
		}
		env = append(env, kv)
	}
	return env
}
