package chatadmintest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func textBody(ch, text string) map[string]any {
	return map[string]any{"channelId": ch, "type": "text", "data": map[string]any{"text": text}}
}

func TestBlacklist(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	c.form(http.MethodPost, "/api/v2/blacklist/records", "regexs[]=bad&isMatchExactWord=false").requireOK(t)
	c.form(http.MethodPost, "/api/v2/blacklist/records", "regexs[]=spoil(er)?&isMatchExactWord=true").requireOK(t)

	// Substring rule: anywhere, case-insensitive.
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "this is BAD")).requireError(t, 400, 400308)
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "badminton")).requireError(t, 400, 400308)
	// Exact-word rule: whole words only.
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "no Spoiler!")).requireError(t, 400, 400308)
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "spoil")).requireError(t, 400, 400308)
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "spoilers ahead")).status)
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "unspoil")).status)
	// Custom messages are not checked.
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"custom","data":{"text":"bad"}}`).status)

	// Query, filter, update, delete.
	r := c.get("/api/v2/blacklist/records")
	rules := r.data(t)["results"].([]any)
	require.Len(t, rules, 2)
	first := rules[0].(map[string]any)
	require.Equal(t, "bad", first["regex"])
	require.Equal(t, false, first["isMatchExactWord"])
	require.Equal(t, true, first["isEnabled"])
	require.Equal(t, false, first["isDeleted"])
	require.NotEmpty(t, first["ruleId"])
	rules = c.get("/api/v2/blacklist/records?regexs[]=bad").data(t)["results"].([]any)
	require.Len(t, rules, 1)
	c.get("/api/v2/blacklist/records?regexs=bad").requireError(t, 422, 500000) // bare value is not an array
	// The query parser keeps 20 values in an array; 21 make an object.
	require.Len(t, c.get("/api/v2/blacklist/records?regexs[]=bad" + strings.Repeat("&regexs[]=x", 19)).data(t)["results"], 1)
	c.get("/api/v2/blacklist/records?regexs[]=bad"+strings.Repeat("&regexs[]=x", 20)).requireError(t, 422, 500000)

	id := first["ruleId"].(string)
	r = c.form(http.MethodPut, "/api/v2/blacklist/records/"+id, "ruleId=worse&isMatchExactWord=true")
	require.Equal(t, 200, r.status, "%s", r.body)
	upd := r.data(t)
	require.Equal(t, "worse", upd["regex"])
	require.Equal(t, true, upd["isMatchExactWord"])
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "badminton")).status)
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "even worse")).requireError(t, 400, 400308)
	// The path may name the rule by its regex text too.
	// The new word (the body's ruleId) is required, as the spec lists it.
	c.form(http.MethodPut, "/api/v2/blacklist/records/worse", "isMatchExactWord=false").requireError(t, 422, 500000)
	r = c.form(http.MethodPut, "/api/v2/blacklist/records/worse", "ruleId=worse&isEnabled=false")
	require.Equal(t, false, r.data(t)["isEnabled"])
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "even worse")).status)
	c.form(http.MethodPut, "/api/v2/blacklist/records/nope", "ruleId=x").requireError(t, 404, 400400)

	c.form(http.MethodDelete, "/api/v2/blacklist/records", "ruleIds[]="+id+"&ruleIds[]=unknown").requireOK(t)
	require.Len(t, c.get("/api/v2/blacklist/records").data(t)["results"], 1)
	c.form(http.MethodDelete, "/api/v2/blacklist/records", "ruleIds="+id).requireError(t, 422, 500000)
}

func TestInvalidRegex(t *testing.T) {
	c := newTC(t)
	r := c.form(http.MethodPost, "/api/v2/blacklist/records", "regexs[]=ok&regexs[]=(unclosed")
	m := r.requireError(t, 400, 400001)
	require.Equal(t, []any{"(unclosed"}, m["data"].(map[string]any)["detail"])
	require.Empty(t, c.get("/api/v2/blacklist/records").data(t)["results"], "nothing added")
	c.form(http.MethodPost, "/api/v2/whitelist/records", "regexs[]=[").requireError(t, 400, 400001)
	c.form(http.MethodPost, "/api/v2/blacklist/records", "regexs=bad").requireError(t, 422, 500000)
	c.form(http.MethodPost, "/api/v2/blacklist/records", "").requireError(t, 422, 500000)
}

func TestWhitelist(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	// No whitelist rule: every link is fine.
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "see http://evil.test/x")).status)
	c.form(http.MethodPost, "/api/v2/whitelist/records", `regexs[]=(^|\.)example\.com$`).requireOK(t)

	c.json(http.MethodPost, "/api/v2/message", textBody("a", "see http://evil.test/x")).requireError(t, 400, 400309)
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "see www.evil.test")).requireError(t, 400, 400309)
	c.json(http.MethodPost, "/api/v2/message", textBody("a", "ok https://docs.example.com/a but https://x.test")).requireError(t, 400, 400309)
	for _, ok := range []string{"https://example.com/path?q=1", "HTTPS://Docs.Example.COM:8443/x", "www.example.com.", "no links here"} {
		require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", ok)).status, ok)
	}
	rules := c.get("/api/v2/whitelist/records").data(t)["results"].([]any)
	require.Len(t, rules, 1)
	rule := rules[0].(map[string]any)
	require.NotContains(t, rule, "isMatchExactWord")
	id := rule["ruleId"].(string)
	r := c.form(http.MethodPut, "/api/v2/whitelist/records/"+id, `ruleId=evil\.test`)
	require.Equal(t, `evil\.test`, r.data(t)["regex"])
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", textBody("a", "see http://evil.test/x")).status)
	c.form(http.MethodDelete, "/api/v2/whitelist/records", "ruleIds[]="+id).requireOK(t)
	require.Empty(t, c.get("/api/v2/whitelist/records").data(t)["results"])
}
