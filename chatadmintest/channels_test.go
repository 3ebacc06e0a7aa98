package chatadmintest

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCreateChannel(t *testing.T) {
	c := newTC(t)
	r := c.form(http.MethodPost, "/api/v2/channel",
		"channelId=lobby&type=standard&displayName=Lobby&metadata[topic]=general&metadata[a][b]=1&tags[]=public&userIds[]=u1&userIds[]=u2")
	require.Equal(t, 200, r.status, "%s", r.body)
	m := r.obj(t)
	_, wrapped := m["status"]
	require.False(t, wrapped, "create channel answers flat")
	ch := m["channel"].(map[string]any)
	require.Equal(t, "lobby", ch["channelId"])
	require.Equal(t, "standard", ch["type"])
	require.Equal(t, "Lobby", ch["displayName"])
	require.Equal(t, map[string]any{"topic": "general", "a": map[string]any{"b": "1"}}, ch["metadata"])
	require.Equal(t, []any{"public"}, ch["tags"])
	require.EqualValues(t, 3, ch["memberCount"]) // admin + u1 + u2
	require.Equal(t, false, ch["isMuted"])
	_, err := time.Parse(time.RFC3339, ch["createdAt"].(string))
	require.NoError(t, err)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, ch["createdAt"])
	cu := m["channelUser"].(map[string]any)
	require.Equal(t, "admin", cu["userId"])
	require.Equal(t, "member", cu["membership"])
	require.Equal(t, false, cu["isBanned"])

	c.form(http.MethodPost, "/api/v2/channel", "channelId=lobby&type=standard").requireError(t, 409, 400900)
}

// TestBareTagsRejected: a bare "tags=a" parses as a string on a qs server
// and the strict validator rejects it; "tags[]=a" is an array.
func TestBareTagsRejected(t *testing.T) {
	c := newTC(t)
	r := c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard&tags=a")
	m := r.requireError(t, 422, 500000)
	require.Equal(t, []any{"The 'tags' field must be an array."}, m["data"].(map[string]any)["detail"])
	r = c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard&tags[]=a")
	require.Equal(t, 200, r.status, "%s", r.body)
	// Repeated keys and indexed keys are arrays too.
	c.mustChannel("b", "tags=x&tags=y")
	c.mustChannel("c", "tags[0]=x&tags[1]=y")
}

func TestChannelValidationLimits(t *testing.T) {
	c := newTC(t)
	tags := strings.Repeat("tags[]=t&", 11)
	m := c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard&"+tags).requireError(t, 422, 500000)
	require.Contains(t, m["data"].(map[string]any)["detail"], "The 'tags' field must contain less than or equal to 10 items.")
	c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=private").requireError(t, 422, 500000)
	c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard&metadata=x").requireError(t, 422, 500000)
	c.mustChannel("a")
	var ids []string
	for i := range 101 {
		ids = append(ids, "userIds[]=u"+strings.Repeat("x", i%3)+string(rune('a'+i%26)))
	}
	c.form(http.MethodPost, "/api/v2/channel/a/users/ban", strings.Join(ids, "&")).requireError(t, 422, 500000)
	c.form(http.MethodPost, "/api/v2/channel/a/users/ban", strings.Join(ids[:100], "&")).requireOK(t)
	c.form(http.MethodPost, "/api/v2/channel/a/users/ban", "").requireError(t, 422, 500000)
	c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds[]=u1").requireError(t, 422, 500000) // mutePeriod required
	c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds=u1&mutePeriod=0").requireError(t, 422, 500000)
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":"soon"}`).requireError(t, 422, 500000)
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":1.5}`).requireError(t, 422, 500000)
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":-2}`).requireError(t, 422, 500000)
}

func results(t *testing.T, r result) ([]string, map[string]any) {
	t.Helper()
	require.Equal(t, 200, r.status, "%s", r.body)
	m := r.obj(t)
	var ids []string
	for _, x := range m["results"].([]any) {
		ids = append(ids, x.(map[string]any)["channel"].(map[string]any)["channelId"].(string))
	}
	pg, _ := m["paging"].(map[string]any)
	return ids, pg
}

func TestQueryChannels(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a", "tags[]=red")
	c.mustChannel("b", "tags[]=blue&tags[]=red")
	c.mustChannel("c", "tags[]=green")
	// A channel the admin left.
	c.mustChannel("d")
	c.json(http.MethodDelete, "/api/v2/channel/d/users", `{"userIds":["admin"]}`).requireOK(t)
	c.form(http.MethodPost, "/api/v2/channel/c/users", "userIds[]=u1").requireOK(t)

	ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.Equal(t, []string{"a", "b", "c", "d"}, ids)
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "filter=member"))
	require.Equal(t, []string{"a", "b", "c"}, ids)
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "filter=notMember"))
	require.Equal(t, []string{"d"}, ids)
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "filter=member&userId=u1"))
	require.Equal(t, []string{"c"}, ids)
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "tags[]=red&tags[]=green&excludeTags[]=blue"))
	require.Equal(t, []string{"a", "c"}, ids)
	c.form(http.MethodPost, "/api/v2/channels", "filter=some").requireError(t, 422, 500000)
	c.form(http.MethodPost, "/api/v2/channels", "tags=red").requireError(t, 422, 500000)

	// channelUser is the admin's membership.
	m := c.form(http.MethodPost, "/api/v2/channels", "filter=notMember").obj(t)
	cu := m["results"].([]any)[0].(map[string]any)["channelUser"].(map[string]any)
	require.Equal(t, "none", cu["membership"])
	require.Equal(t, "admin", cu["userId"])
}

func TestQueryChannelsPaging(t *testing.T) {
	c := newTC(t)
	for _, id := range []string{"c1", "c2", "c3", "c4", "c5"} {
		c.mustChannel(id, "tags[]=x")
	}
	c.mustChannel("other")
	ids, pg := results(t, c.form(http.MethodPost, "/api/v2/channels", "tags[]=x&options[limit]=2"))
	require.Equal(t, []string{"c1", "c2"}, ids)
	require.NotContains(t, pg, "prev")
	next := pg["next"].(string)
	require.Contains(t, next, "=")
	require.True(t, strings.ContainsAny(next, "+/"), "tokens exercise escaping: %s", next)

	// The token alone continues the same query (tags travel in the token).
	ids, pg = results(t, c.form(http.MethodPost, "/api/v2/channels", "options[token]="+url.QueryEscape(next)))
	require.Equal(t, []string{"c3", "c4"}, ids)
	require.NotEmpty(t, pg["prev"])
	ids, pg = results(t, c.form(http.MethodPost, "/api/v2/channels", "options%5Btoken%5D="+url.QueryEscape(pg["next"].(string))))
	require.Equal(t, []string{"c5"}, ids)
	require.NotContains(t, pg, "next")
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "options[token]="+url.QueryEscape(pg["prev"].(string))))
	require.Equal(t, []string{"c3", "c4"}, ids)

	// skip/limit without a token.
	ids, _ = results(t, c.form(http.MethodPost, "/api/v2/channels", "options[skip]=4&options[limit]=10"))
	require.Equal(t, []string{"c5", "other"}, ids)

	// A token sent unescaped ('+' becomes a space) or edited is invalid.
	r := c.form(http.MethodPost, "/api/v2/channels", "options[token]="+next)
	if strings.Contains(next, "+") {
		require.Equal(t, "Query Token is invalid", r.requireError(t, 400, 400000)["message"])
	}
	c.form(http.MethodPost, "/api/v2/channels", "options[token]="+url.QueryEscape(strings.TrimRight(next, "="))).requireError(t, 400, 400000)
	c.form(http.MethodPost, "/api/v2/channels", "options[token]=eyJza2lwIjoyMCwibGltaXQiOjEwfQ%3D%3D").requireError(t, 400, 400000)
	c.form(http.MethodPost, "/api/v2/channels", "options[limit]=101").requireError(t, 422, 500000)
	// A token of another list is refused.
	c.s.AddUser("u1", "x")
	c.s.AddUser("u2", "y")
	upg := c.get("/api/v2/users?limit=1").obj(t)["paging"].(map[string]any)
	c.form(http.MethodPost, "/api/v2/channels", "options[token]="+url.QueryEscape(upg["next"].(string))).requireError(t, 400, 400000)
}

func TestDisplayName(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	r := c.form(http.MethodPost, "/api/v2/channel/displayName", "channelId=a&displayName=New+name")
	require.Equal(t, 200, r.status, "%s", r.body)
	require.Equal(t, "New name", r.obj(t)["displayName"])
	require.Equal(t, "a", r.obj(t)["channelId"])
	c.form(http.MethodPost, "/api/v2/channel/displayName", "channelId=zz&displayName=x").requireError(t, 404, 400400)
}

func TestMembershipBanUnban(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	c.form(http.MethodPost, "/api/v2/channel/a/users", "userIds[]=u1&userIds[]=u2").requireOK(t)
	c.form(http.MethodPost, "/api/v2/channel/a/users", "userIds[]=u1").requireOK(t) // already a member: fine
	count := func(filterUser, filter string) []string {
		ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", "filter="+filter+"&userId="+filterUser))
		return ids
	}
	require.Equal(t, []string{"a"}, count("u1", "member"))
	c.json(http.MethodDelete, "/api/v2/channel/a/users", `{"userIds":["u2"]}`).requireOK(t)
	require.Empty(t, count("u2", "member"))
	c.form(http.MethodDelete, "/api/v2/channel/a/users", "userIds[]=u1").requireError(t, 400, 400000) // JSON only

	c.form(http.MethodPost, "/api/v2/channel/a/users/ban", "userIds[]=u1").requireOK(t)
	require.Empty(t, count("u1", "member"), "a banned user is not a member")
	c.form(http.MethodPost, "/api/v2/channel/a/users", "userIds[]=u1").requireError(t, 403, 400304)
	c.form(http.MethodPost, "/api/v2/channel/a/users/unban", "userIds[]=u2").requireError(t, 400, 400316)
	c.form(http.MethodPost, "/api/v2/channel/a/users/unban", "userIds[]=u1").requireOK(t)
	c.form(http.MethodPost, "/api/v2/channel/a/users/unban", "userIds[]=u1").requireError(t, 400, 400316)
	c.form(http.MethodPost, "/api/v2/channel/zz/users/ban", "userIds[]=u1").requireError(t, 404, 400400)
}

func TestCloseChannel(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a", "userIds[]=u1")
	m := c.mustText("a", "hello")
	id := m["messageId"].(string)
	c.form(http.MethodPost, "/api/v2/channel/a/close", "").requireOK(t)

	c.get("/api/v2/message/"+id).requireError(t, 404, 400400)
	c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a"}`).requireError(t, 404, 400400)
	c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"text","data":{"text":"x"}}`).requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/channel/a/users", "userIds[]=u2").requireError(t, 404, 400400)
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":1000}`).requireError(t, 404, 400400)
	c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds[]=u1&mutePeriod=1").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/channel/a/users/ban", "userIds[]=u1").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/channel/displayName", "channelId=a&displayName=x").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/channel/a/close", "").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/reactions", "referenceId="+id+"&referenceType=message&reactionName=like").requireError(t, 404, 400400)
	ids, _ := results(t, c.form(http.MethodPost, "/api/v2/channels", ""))
	require.Empty(t, ids)
	c.form(http.MethodPost, "/api/v2/channel", "channelId=a&type=standard").requireError(t, 409, 400900)
}

// fakeClock is a settable clock for mute expiry.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func TestMuteExpiry(t *testing.T) {
	clk := &fakeClock{now: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}
	c := newTC(t, WithClock(clk.Now))
	c.mustChannel("a")
	channelOf := func() map[string]any {
		r := c.form(http.MethodPost, "/api/v2/channels", "")
		return r.obj(t)["results"].([]any)[0].(map[string]any)
	}
	r := c.json(http.MethodPut, "/api/v2/channel/a/mute", map[string]any{"mutePeriod": 60000})
	require.Equal(t, 200, r.status, "%s", r.body)
	require.JSONEq(t, `{"success":true}`, string(r.body))
	ch := channelOf()["channel"].(map[string]any)
	require.Equal(t, true, ch["isMuted"])
	require.Equal(t, "2024-05-01T10:01:00.000Z", ch["muteTimeout"])
	body := map[string]any{"channelId": "a", "type": "text", "data": map[string]any{"text": "x"}}
	c.json(http.MethodPost, "/api/v2/message", body).requireError(t, 403, 400303)

	clk.Add(59 * time.Second)
	c.json(http.MethodPost, "/api/v2/message", body).requireError(t, 403, 400303)
	clk.Add(time.Second)
	require.Equal(t, false, channelOf()["channel"].(map[string]any)["isMuted"])
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", body).status)

	// Forever, then unmute with 0.
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":-1}`)
	clk.Add(1000 * time.Hour)
	require.Equal(t, true, channelOf()["channel"].(map[string]any)["isMuted"])
	c.json(http.MethodPut, "/api/v2/channel/a/mute", `{"mutePeriod":0}`)
	require.Equal(t, false, channelOf()["channel"].(map[string]any)["isMuted"])

	// Users: the admin muted in the channel cannot post (400302) until expiry.
	r = c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds[]=admin&mutePeriod=1000")
	require.JSONEq(t, `{"success":true}`, string(r.body))
	cu := channelOf()["channelUser"].(map[string]any)
	require.Equal(t, true, cu["isMuted"])
	c.json(http.MethodPost, "/api/v2/message", body).requireError(t, 403, 400302)
	clk.Add(time.Second)
	require.Equal(t, false, channelOf()["channelUser"].(map[string]any)["isMuted"])
	c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds[]=admin&mutePeriod=-1")
	clk.Add(24 * time.Hour)
	require.Equal(t, true, channelOf()["channelUser"].(map[string]any)["isMuted"])
	c.form(http.MethodPut, "/api/v2/channel/a/users/mute", "userIds[]=admin&mutePeriod=0")
	require.Equal(t, false, channelOf()["channelUser"].(map[string]any)["isMuted"])
}
