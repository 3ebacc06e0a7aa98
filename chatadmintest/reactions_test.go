package chatadmintest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReactions(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	m1 := c.mustText("a", "one")["messageId"].(string)
	m2 := c.mustText("a", "two")["messageId"].(string)
	add := func(id, name string) result {
		return c.form(http.MethodPost, "/api/v2/reactions", "referenceId="+id+"&referenceType=message&reactionName="+name)
	}
	r := add(m1, "like")
	require.Equal(t, 200, r.status, "%s", r.body)
	added := r.obj(t)["addedId"].(string)
	require.NotEmpty(t, added)
	add(m1, "like").requireError(t, 409, 400315)
	require.Equal(t, 200, add(m1, "love").status)
	require.Equal(t, 200, add(m2, "like").status)
	add("nope", "like").requireError(t, 404, 400400)
	c.form(http.MethodPost, "/api/v2/reactions", "referenceId="+m1+"&referenceType=post&reactionName=x").requireError(t, 422, 500000)

	msg := c.get("/api/v2/message/" + m1).obj(t)["message"].(map[string]any)
	require.Equal(t, map[string]any{"like": 1.0, "love": 1.0}, msg["reactions"])
	require.EqualValues(t, 2, msg["reactionsCount"])

	// Query reactors with options in the query string.
	r = c.get("/api/v2/reactions?referenceId=" + m1 + "&referenceType=message&options[limit]=1")
	d := r.data(t)
	reactions := d["reactions"].([]any)
	require.Len(t, reactions, 1)
	rc := reactions[0].(map[string]any)
	require.Equal(t, m1, rc["referenceId"])
	require.Equal(t, "message", rc["referenceType"])
	reactors := rc["reactors"].([]any)
	require.Len(t, reactors, 1)
	first := reactors[0].(map[string]any)
	require.Equal(t, "like", first["reactionName"])
	require.Equal(t, "admin", first["userId"])
	require.Equal(t, added, first["reactionId"])
	require.Equal(t, "admin", d["users"].([]any)[0].(map[string]any)["userId"])
	next := d["paging"].(map[string]any)["next"].(string)
	d = c.get("/api/v2/reactions?options%5Btoken%5D=" + url.QueryEscape(next)).data(t)
	reactors = d["reactions"].([]any)[0].(map[string]any)["reactors"].([]any)
	require.Equal(t, "love", reactors[0].(map[string]any)["reactionName"])
	require.NotContains(t, d["paging"], "next")
	d = c.get("/api/v2/reactions?referenceId=" + m1 + "&referenceType=message&options[reactionName]=love").data(t)
	require.Len(t, d["reactions"].([]any)[0].(map[string]any)["reactors"], 1)
	c.get("/api/v2/reactions?referenceId="+m1+"&referenceType=message&options[token]=abc").requireError(t, 400, 400000)

	// Most reacted.
	require.Equal(t, 200, add(m2, "love").status)
	r = c.get("/api/v2/reactions/messages/most?reactionName=like&limit=0")
	require.Equal(t, 200, r.status, "%s", r.body)
	require.JSONEq(t, `[{"messageId":"`+m1+`","reactionsCount":1},{"messageId":"`+m2+`","reactionsCount":1}]`, string(r.body))

	// Remove.
	r = c.form(http.MethodDelete, "/api/v2/reactions", "referenceId="+m1+"&referenceType=message&reactionName=like")
	require.Equal(t, 200, r.status, "%s", r.body)
	require.Equal(t, added, r.obj(t)["removedId"])
	c.form(http.MethodDelete, "/api/v2/reactions", "referenceId="+m1+"&referenceType=message&reactionName=like").requireError(t, 404, 400400)
	msg = c.get("/api/v2/message/" + m1).obj(t)["message"].(map[string]any)
	require.Equal(t, map[string]any{"love": 1.0}, msg["reactions"])
	r = c.get("/api/v2/reactions/messages/most?reactionName=love&limit=1")
	require.JSONEq(t, `[{"messageId":"`+m1+`","reactionsCount":1}]`, string(r.body))
	r = c.get("/api/v2/reactions/messages/most?reactionName=like")
	require.JSONEq(t, `[{"messageId":"`+m2+`","reactionsCount":1}]`, string(r.body))
}
