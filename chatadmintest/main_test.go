package chatadmintest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine (server, handler, client
// connection) outlives the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// tc is a raw HTTP client for one test server: no SDK, only net/http.
type tc struct {
	t  *testing.T
	s  *Server
	hc *http.Client
}

func newTC(t *testing.T, opts ...Option) *tc {
	t.Helper()
	s := NewServer(opts...)
	tr := &http.Transport{}
	if cfg := s.TLSClientConfig(); cfg != nil {
		tr = &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}
	}
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() { tr.CloseIdleConnections(); s.Close() })
	return &tc{t: t, s: s, hc: hc}
}

// forProtocols runs test over HTTP/1.1 and over HTTPS with HTTP/2, and
// checks that each request the server logged came over the protocol meant.
func forProtocols(t *testing.T, test func(t *testing.T, opts ...Option) *tc) {
	for _, p := range []struct {
		name, proto string
		opts        []Option
	}{{"HTTP1", "HTTP/1.1", nil}, {"HTTP2", "HTTP/2.0", []Option{WithTLS()}}} {
		t.Run(p.name, func(t *testing.T) {
			c := test(t, p.opts...)
			for _, r := range c.s.Requests() {
				require.Equal(t, p.proto, r.Proto, "%s %s", r.Method, r.Path)
			}
		})
	}
}

type result struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// obj decodes a JSON object body.
func (r result) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body %q", r.body)
	return m
}

// data decodes a wrapped body's data object.
func (r result) data(t *testing.T) map[string]any {
	t.Helper()
	m := r.obj(t)
	require.Equal(t, "success", m["status"], "body %s", r.body)
	return m["data"].(map[string]any)
}

// requireError checks an error answer's HTTP status and body code.
func (r result) requireError(t *testing.T, status, code int) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "body %s", r.body)
	m := r.obj(t)
	require.Equal(t, "error", m["status"])
	require.EqualValues(t, code, m["code"], "body %s", r.body)
	return m
}

func (r result) requireOK(t *testing.T) {
	t.Helper()
	require.Equal(t, 200, r.status, "body %s", r.body)
	require.Equal(t, "OK", string(r.body))
}

func (c *tc) do(req *http.Request) result {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

func (c *tc) req(method, path, ct string, body io.Reader) *http.Request {
	c.t.Helper()
	req, err := http.NewRequest(method, c.s.URL+path, body)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.s.Token())
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return req
}

// form sends an application/x-www-form-urlencoded body as written.
func (c *tc) form(method, path, body string) result {
	c.t.Helper()
	return c.do(c.req(method, path, "application/x-www-form-urlencoded", strings.NewReader(body)))
}

// json sends a JSON body (a string, or a value to marshal).
func (c *tc) json(method, path string, body any) result {
	c.t.Helper()
	s, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		s = string(b)
	}
	return c.do(c.req(method, path, "application/json", strings.NewReader(s)))
}

func (c *tc) get(pathAndQuery string) result {
	c.t.Helper()
	return c.do(c.req(http.MethodGet, pathAndQuery, "", nil))
}

// mustChannel creates a channel with extra form fields.
func (c *tc) mustChannel(id string, extra ...string) {
	c.t.Helper()
	body := "channelId=" + id + "&type=standard"
	for _, e := range extra {
		body += "&" + e
	}
	r := c.form(http.MethodPost, "/api/v2/channel", body)
	require.Equal(c.t, 200, r.status, "body %s", r.body)
}

// mustText posts a text message and returns its id.
func (c *tc) mustText(channelID, text string, extra ...map[string]any) map[string]any {
	c.t.Helper()
	body := map[string]any{"channelId": channelID, "type": "text", "data": map[string]any{"text": text}}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	r := c.json(http.MethodPost, "/api/v2/message", body)
	require.Equal(c.t, 200, r.status, "body %s", r.body)
	return r.data(c.t)["messages"].([]any)[0].(map[string]any)
}

// multipartBody builds a multipart upload; file may be nil.
func multipartBody(t *testing.T, fields [][2]string, fileName, fileType string, file []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	boundary := "chatadmintest-boundary"
	for _, f := range fields {
		buf.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1] + "\r\n")
	}
	if file != nil {
		buf.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n")
		if fileType != "" {
			buf.WriteString("Content-Type: " + fileType + "\r\n")
		}
		buf.WriteString("\r\n")
		buf.Write(file)
		buf.WriteString("\r\n")
	}
	buf.WriteString("--" + boundary + "--\r\n")
	return "multipart/form-data; boundary=" + boundary, &buf
}

func (c *tc) upload(path string, fields [][2]string, fileName, fileType string, file []byte) result {
	c.t.Helper()
	ct, body := multipartBody(c.t, fields, fileName, fileType, file)
	return c.do(c.req(http.MethodPost, path, ct, body))
}
