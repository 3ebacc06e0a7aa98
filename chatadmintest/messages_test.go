package chatadmintest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// segments returns the channelSegment of each message of a query answer and
// its paging (nil when absent).
func segments(t *testing.T, r result) ([]int, map[string]any) {
	t.Helper()
	require.Equal(t, 200, r.status, "%s", r.body)
	d := r.data(t)
	var segs []int
	for _, m := range d["messages"].([]any) {
		segs = append(segs, int(m.(map[string]any)["channelSegment"].(float64)))
	}
	pg, _ := d["paging"].(map[string]any)
	return segs, pg
}

func TestCreateAndGetMessage(t *testing.T) {
	c := newTC(t, WithAdminUserID("boss"))
	c.mustChannel("a")
	m := c.mustText("a", "hello", map[string]any{"tags": []string{"t1"}})
	require.Equal(t, "boss", m["userId"])
	require.Equal(t, "text", m["type"])
	require.Equal(t, map[string]any{"text": "hello"}, m["data"])
	require.EqualValues(t, 1, m["channelSegment"])
	require.Equal(t, map[string]any{}, m["reactions"])
	id := m["messageId"].(string)

	comment := c.mustText("a", "reply", map[string]any{"parentId": id})
	require.EqualValues(t, 2, comment["channelSegment"], "comments take a segment too")
	require.Equal(t, id, comment["parentId"])

	r := c.get("/api/v2/message/" + id)
	require.Equal(t, 200, r.status, "%s", r.body)
	g := r.obj(t)
	require.Equal(t, "a", g["channel"].(map[string]any)["channelId"])
	require.EqualValues(t, 1, g["message"].(map[string]any)["childrenNumber"])
	require.Equal(t, "boss", g["user"].(map[string]any)["userId"])

	custom := c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"custom","data":{"poll":{"q":"?"}}}`)
	require.Equal(t, 200, custom.status, "%s", custom.body)
	d := custom.data(t)
	require.Equal(t, "boss", d["users"].([]any)[0].(map[string]any)["userId"])

	c.json(http.MethodDelete, "/api/v2/message/"+id, nil) // a body is refused; nothing happens
	c.do(c.req(http.MethodDelete, "/api/v2/message/"+id, "", nil)).requireOK(t)
	c.get("/api/v2/message/"+id).requireError(t, 404, 400400)
	c.do(c.req(http.MethodDelete, "/api/v2/message/"+id, "", nil)).requireError(t, 404, 400400)
	c.get("/api/v2/message/nope").requireError(t, 404, 400400)
}

func TestMessageValidation(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	detail := func(r result) []any {
		return r.requireError(t, 422, 500000)["data"].(map[string]any)["detail"].([]any)
	}
	long := strings.Repeat("é", 20001)
	require.Equal(t, []any{"The 'data.text' field length must be less than or equal to 20000 characters long."},
		detail(c.json(http.MethodPost, "/api/v2/message", map[string]any{"channelId": "a", "type": "text", "data": map[string]any{"text": long}})))
	require.Equal(t, 200, c.json(http.MethodPost, "/api/v2/message", map[string]any{"channelId": "a", "type": "text", "data": map[string]any{"text": long[:40000]}}).status)
	require.Equal(t, []any{"The 'data.text' field is required."},
		detail(c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"text","data":{}}`)))
	require.Equal(t, []any{"The 'type' field does not match any of the allowed values."},
		detail(c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"image","data":{}}`)))
	require.Equal(t, []any{"The 'tags' field must be an array."},
		detail(c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"text","data":{"text":"x"},"tags":"a"}`)))
	require.Contains(t, detail(c.json(http.MethodPost, "/api/v2/message", map[string]any{"channelId": "a", "type": "text",
		"data": map[string]any{"text": "x"}, "tags": strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")})),
		"The 'tags' field must contain less than or equal to 10 items.")
	big := map[string]any{"blob": strings.Repeat("x", 100000)}
	require.Equal(t, []any{"The 'data' field must be less than or equal to 100000 bytes."},
		detail(c.json(http.MethodPost, "/api/v2/message", map[string]any{"channelId": "a", "type": "custom", "data": big})))
	c.json(http.MethodPost, "/api/v2/message", `{"channelId":"a","type":"text","data":{"text":"x"},"parentId":"nope"}`).requireError(t, 404, 400400)
	c.json(http.MethodPost, "/api/v2/message", `{"channelId":"zz","type":"text","data":{"text":"x"}}`).requireError(t, 404, 400400)
}

func TestQueryMessagesWindows(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	for range 30 {
		c.mustText("a", "m")
	}
	q := func(opts string) []int {
		s, pg := segments(t, c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{`+opts+`}}`))
		require.Nil(t, pg, "segment windows carry no paging")
		return s
	}
	require.Equal(t, []int{11, 12, 13}, q(`"after":10,"first":3`))
	require.Equal(t, []int{7, 8, 9}, q(`"before":10,"last":3`))
	require.Equal(t, []int{1, 2}, q(`"first":2`))
	require.Equal(t, []int{29, 30}, q(`"last":2`))
	require.Len(t, q(`"after":0`), 20) // first defaults to 20
	require.Equal(t, []int{28, 29, 30}, q(`"after":27`))
	require.Equal(t, []int{6, 7}, q(`"after":5,"before":8`))
	require.Empty(t, q(`"after":30,"first":5`))
	c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{"first":101}}`).requireError(t, 422, 500000)
	c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{"first":0}}`).requireError(t, 422, 500000)
	c.json(http.MethodPost, "/api/v2/messages", `{"options":{}}`).requireError(t, 422, 500000)
}

func TestQueryMessagesTokens(t *testing.T) {
	c := newTC(t, WithMessagePageSize(4))
	c.mustChannel("a")
	for range 10 {
		c.mustText("a", "m")
	}
	s, pg := segments(t, c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a"}`))
	require.Equal(t, []int{1, 2, 3, 4}, s)
	require.NotContains(t, pg, "prev")
	s, pg = segments(t, c.json(http.MethodPost, "/api/v2/messages", map[string]any{"channelId": "a", "options": map[string]any{"token": pg["next"]}}))
	require.Equal(t, []int{5, 6, 7, 8}, s)
	prev := pg["prev"]
	s, pg = segments(t, c.json(http.MethodPost, "/api/v2/messages", map[string]any{"options": map[string]any{"token": pg["next"]}})) // token alone
	require.Equal(t, []int{9, 10}, s)
	require.NotContains(t, pg, "next")
	s, _ = segments(t, c.json(http.MethodPost, "/api/v2/messages", map[string]any{"options": map[string]any{"token": prev}}))
	require.Equal(t, []int{1, 2, 3, 4}, s)
	c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{"token":"bm9wZQ=="}}`).requireError(t, 400, 400000)

	// Without tokens the client walks segment windows.
	nt := newTC(t, WithoutMessageTokens(), WithMessagePageSize(4))
	nt.mustChannel("a")
	for range 6 {
		nt.mustText("a", "m")
	}
	s, pg = segments(t, nt.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a"}`))
	require.Equal(t, []int{1, 2, 3, 4}, s)
	require.Nil(t, pg)
	s, _ = segments(t, nt.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{"after":4,"first":4}}`))
	require.Equal(t, []int{5, 6}, s)
}

func TestQueryMessagesFilters(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	p := c.mustText("a", "parent", map[string]any{"tags": []string{"x"}})
	c.mustText("a", "child", map[string]any{"parentId": p["messageId"], "tags": []string{"y"}})
	c.mustText("a", "other", map[string]any{"tags": []string{"x", "y"}})
	del := c.mustText("a", "deleted")
	c.do(c.req(http.MethodDelete, "/api/v2/message/"+del["messageId"].(string), "", nil)).requireOK(t)

	q := func(body map[string]any) []int {
		body["channelId"] = "a"
		s, _ := segments(t, c.json(http.MethodPost, "/api/v2/messages", body))
		return s
	}
	require.Equal(t, []int{1, 2, 3}, q(map[string]any{}))
	require.Equal(t, []int{2}, q(map[string]any{"parentId": p["messageId"]}))
	require.Equal(t, []int{1, 3}, q(map[string]any{"filterByParentId": true}))
	require.Equal(t, []int{1, 2, 3}, q(map[string]any{"filterByParentId": false}))
	require.Equal(t, []int{1, 3}, q(map[string]any{"tags": []string{"x"}}))
	require.Equal(t, []int{1}, q(map[string]any{"tags": []string{"x"}, "excludeTags": []string{"y"}}))
}
