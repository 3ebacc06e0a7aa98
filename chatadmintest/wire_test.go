package chatadmintest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoutes(t *testing.T) {
	r := Routes()
	require.Len(t, r, 37) // 39 operations, mute/unmute pairs share a route
	require.Equal(t, "POST /api/v2/channels", r[0])
	require.Equal(t, "GET /api/v2/reactions/messages/most", r[36])
	seen := map[string]bool{}
	for _, x := range r {
		require.False(t, seen[x], x)
		seen[x] = true
	}
}

func TestAuth(t *testing.T) {
	c := newTC(t)
	req := c.req(http.MethodGet, "/api/v2/roles", "", nil)
	req.Header.Del("Authorization")
	r := c.do(req)
	require.Equal(t, 401, r.status)
	require.JSONEq(t, `{"status":"error","code":400100,"message":"Unauthorized."}`, string(r.body))

	req = c.req(http.MethodGet, "/api/v2/roles", "", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	c.do(req).requireError(t, 401, 400100)

	req = c.req(http.MethodGet, "/api/v2/roles", "", nil)
	req.Header.Set("Authorization", c.s.Token()) // no scheme
	c.do(req).requireError(t, 401, 400100)

	require.Equal(t, 200, c.get("/api/v2/roles").status)
	custom := newTC(t, WithToken("secret"))
	require.Equal(t, "secret", custom.s.Token())
	require.Equal(t, 200, custom.get("/api/v2/roles").status)
}

func TestUnknownRoute(t *testing.T) {
	c := newTC(t)
	c.get("/api/v2/nope").requireError(t, 404, 400400)
	c.form(http.MethodPatch, "/api/v2/channel", "").requireError(t, 404, 400400)
	c.get("/api/v2/message/").requireError(t, 404, 400400) // empty parameter
	c.get("/api/v2/users/").requireError(t, 404, 400400)   // trailing slash is another path
}

// TestPathParamEscapedSlash: "%2F" stays inside its parameter, so a value
// cannot change which route is hit.
func TestPathParamEscapedSlash(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a%2F..%2F..%2Fusers%2Fban") // form-decoded: a/../../users/ban
	r := c.form(http.MethodPost, "/api/v2/channel/a%2F..%2F..%2Fusers%2Fban/users", "userIds[]=u1")
	r.requireOK(t)
	req := c.s.Requests()
	last := req[len(req)-1]
	require.Equal(t, "POST /api/v2/channel/:channelId/users", last.Route)
	require.Equal(t, "/api/v2/channel/a%2F..%2F..%2Fusers%2Fban/users", last.Path)

	// Unescaped, the same text is other segments: no route.
	c.form(http.MethodPost, "/api/v2/channel/a/b/users", "userIds[]=u1").requireError(t, 404, 400400)
	// A message id with a slash is one segment too.
	c.get("/api/v2/message/x%2Fy").requireError(t, 404, 400400)
	require.Equal(t, "GET /api/v2/message/:messageId", c.s.Requests()[len(c.s.Requests())-1].Route)
}

func TestContentTypes(t *testing.T) {
	c := newTC(t)
	// JSON body on a form endpoint.
	c.json(http.MethodPost, "/api/v2/channel", `{"channelId":"x","type":"standard"}`).requireError(t, 400, 400000)
	// Form body on a JSON endpoint.
	c.form(http.MethodPost, "/api/v2/message", "channelId=x&type=text").requireError(t, 400, 400000)
	// No Content-Type with a body.
	c.do(c.req(http.MethodPost, "/api/v2/channel", "", strings.NewReader("channelId=x&type=standard"))).requireError(t, 400, 400000)
	// Multipart endpoint with a form body.
	c.form(http.MethodPost, "/api/v2/messages/files", "channelId=x").requireError(t, 400, 400000)
	// JSON with a charset is fine.
	c.mustChannel("x")
	r := c.do(c.req(http.MethodPut, "/api/v2/channel/x/mute", "application/json; charset=utf-8", strings.NewReader(`{"mutePeriod":0}`)))
	require.Equal(t, 200, r.status, "%s", r.body)
	// Malformed JSON and a non-object.
	c.json(http.MethodPost, "/api/v2/message", `{"channelId":`).requireError(t, 400, 400000)
	c.json(http.MethodPost, "/api/v2/message", `["x"]`).requireError(t, 400, 400000)
	// An empty body without Content-Type is empty parameters (close channel, clear flags).
	c.do(c.req(http.MethodPost, "/api/v2/channel/x/close", "", nil)).requireOK(t)
	c.s.AddUser("u1", "U One")
	r = c.form(http.MethodDelete, "/api/v2/users/u1/flags", "")
	require.Equal(t, 200, r.status, "%s", r.body)
	// DELETE message takes no body.
	c.mustChannel("y")
	m := c.mustText("y", "hi")
	c.json(http.MethodDelete, "/api/v2/message/"+m["messageId"].(string), `{}`).requireError(t, 400, 400000)
	c.do(c.req(http.MethodDelete, "/api/v2/message/"+m["messageId"].(string), "", nil)).requireOK(t)
}

func TestBodyLimits(t *testing.T) {
	c := newTC(t)
	big := "channelId=x&type=standard&displayName=" + strings.Repeat("a", 100<<10)
	r := c.form(http.MethodPost, "/api/v2/channel", big)
	r.requireError(t, 413, 500000)
	require.Equal(t, "Payload too large.", r.obj(t)["message"])
	c.json(http.MethodPost, "/api/v2/message", `{"x":"`+strings.Repeat("a", 100<<10)+`"}`).requireError(t, 413, 500000)
	// 1001 parameters.
	c.form(http.MethodPost, "/api/v2/channel", strings.Repeat("a=1&", 1000)+"b=2").requireError(t, 413, 500000)
	// Depth 33.
	c.form(http.MethodPost, "/api/v2/channel", "a"+strings.Repeat("[x]", 33)+"=1").requireError(t, 400, 400000)
}

func TestRequestLog(t *testing.T) {
	c := newTC(t)
	c.mustChannel("logged", "tags[]=t")
	c.get("/api/v2/users?limit=5")
	log := c.s.Requests()
	require.Len(t, log, 2)
	first := log[0]
	require.Equal(t, "POST", first.Method)
	require.Equal(t, "/api/v2/channel", first.Path)
	require.Equal(t, "POST /api/v2/channel", first.Route)
	require.Equal(t, "application/x-www-form-urlencoded", first.ContentType)
	require.Equal(t, "channelId=logged&type=standard&tags[]=t", string(first.Body))
	require.Equal(t, "Bearer <redacted>", first.Header.Get("Authorization"))
	require.Equal(t, 200, first.Status)
	require.Empty(t, first.Fault)
	require.Equal(t, "limit=5", log[1].RawQuery)
	require.Equal(t, "GET /api/v2/users", log[1].Route)
	for _, l := range log {
		require.NotContains(t, l.Header.Get("Authorization"), c.s.Token())
	}
	c.s.ResetRequests()
	require.Empty(t, c.s.Requests())
}

func TestRequestIDAndErrorShape(t *testing.T) {
	c := newTC(t)
	r := c.form(http.MethodPost, "/api/v2/channel", "type=nope")
	m := r.requireError(t, 422, 500000)
	require.Equal(t, "Parameters error.", m["message"])
	require.ElementsMatch(t, []any{
		"The 'channelId' field is required.",
		"The 'type' field does not match any of the allowed values.",
	}, m["data"].(map[string]any)["detail"])
	require.NotEmpty(t, r.header.Get("X-Request-Id"))
	require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
}
