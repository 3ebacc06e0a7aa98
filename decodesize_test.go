package chatadmin

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	us "unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/internal/jsonbound"
)

// held decodes body into out and returns what the decoded response holds:
// the live heap after a collection, with out kept alive.
func held(body []byte, out response) (uint64, error) {
	runtime.GC() // twice: the first only moves sync.Pool contents to the victim cache
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	apiErr, err := decodeResponse(body, out)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(out)
	if apiErr != nil {
		return 0, apiErr
	}
	return max(after.HeapAlloc, before.HeapAlloc) - before.HeapAlloc, err
}

// TestDecodedSizeBounded is issue 16's one bound on decoded size: whatever
// the shape, a response that decodes holds at most 4 times its bytes plus
// decodedSlack, and the shapes that would hold more (a channel whose
// metadata is an array of {} held ~22 times the body) are refused before
// they are decoded. Without the bound, every "refused" row holds more.
func TestDecodedSizeBounded(t *testing.T) {
	const n = 200_000
	list := func(item string, k int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", k), ",") + "]"
	}
	channelWith := func(metadata string) string {
		return `{"results":[{"channel":{"channelId":"a","metadata":` + metadata + `}}]}`
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"%x":0`, i)
	}
	deep := strings.Repeat(`{"a":`, 9000) + "0" + strings.Repeat("}", 9000)
	cases := []struct {
		name, body string
		out        func() response
		refused    bool
	}{
		{"metadata: array of {}", channelWith(`{"x":` + list("{}", n) + `}`), func() response { return new(channelListResponse) }, true},
		{"metadata: array of []", channelWith(`{"x":` + list("[]", n) + `}`), func() response { return new(channelListResponse) }, true},
		{"metadata: array of 0", channelWith(`{"x":` + list("0", n) + `}`), func() response { return new(channelListResponse) }, true},
		{"metadata: array of {\"a\":0}", channelWith(`{"x":` + list(`{"a":0}`, n) + `}`), func() response { return new(channelListResponse) }, true},
		{"metadata: many tiny keys", channelWith("{" + strings.Join(keys, ",") + "}"), func() response { return new(channelListResponse) }, true},
		{"metadata: deep nesting", channelWith(deep), func() response { return new(channelListResponse) }, true},
		{"reactions: many tiny keys", `{"messages":[{"messageId":"m","reactions":{` + strings.Join(keys, ",") + `}}]}`, func() response { return new(messagesResponse) }, true},
		{"senders: array of {}", `{"messages":[{"messageId":"m"}],"users":` + list("{}", n) + `}`, func() response { return new(messagesResponse) }, true},
		{"tags: array of \"\"", `{"messages":[{"messageId":"m","tags":` + list(`""`, n) + `}]}`, func() response { return new(messagesResponse) }, true},
		{"unknown key: array of {}", `{"results":[{"channel":{"channelId":"a"}}],"x":` + list("{}", n) + `}`, func() response { return new(channelListResponse) }, true},
		{"Do into any: array of {}", list("{}", n), func() response { return &rawResponse{out: new(any)} }, true},
		{"Do into a map: many tiny keys", "{" + strings.Join(keys, ",") + "}", func() response { return &rawResponse{out: new(map[string]any)} }, true},
		{"metadata: {} padded with spaces", channelWith(`{"x":` + list("{}"+strings.Repeat(" ", 30), n/10) + `}`), func() response { return new(channelListResponse) }, false},
		{"100 minimal channels", `{"results":` + list(`{"channel":{"channelId":"a"}}`, 100) + `}`, func() response { return new(channelListResponse) }, false},
		{"100 minimal messages and senders", `{"messages":` + list(`{"messageId":"m"}`, 100) + `,"users":` + list(`{"userId":"u"}`, 100) + `}`, func() response { return new(messagesResponse) }, false},
		{"100 reaction groups of one", `{"reactions":` + list(`{"reactors":[{"reactionId":"x"}]}`, 100) + `}`, func() response { return new(reactorListResponse) }, false},
		{"100 channels", string(channelsPage(100)), func() response { return new(channelListResponse) }, false},
		{"100 messages", string(messagesPage(100)), func() response { return new(messagesResponse) }, false},
		{"Do into a map: 100 channels", string(channelsPage(100)), func() response { return &rawResponse{out: new(map[string]any)} }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			got, err := held(body, tc.out())
			bound := maxDecodedFactor*uint64(len(body)) + decodedSlack
			t.Logf("%d bytes hold %d (%.1fx), estimated %d as typed; bound %d", len(body), got, float64(got)/float64(len(body)),
				jsonbound.Estimate(body, jsonbound.Typed, decodedAs), bound)
			if tc.refused {
				assert.ErrorContains(t, err, "once decoded")
			} else {
				require.NoError(t, err)
			}
			assert.LessOrEqual(t, got, bound)
		})
	}
}

// TestResponseStructsFitTheBound: jsonbound charges every typed object as
// a struct of jsonbound.MaxStruct bytes; a response struct that grows past
// it must raise the constant.
func TestResponseStructsFitTheBound(t *testing.T) {
	for _, size := range []uintptr{us.Sizeof(ChannelResult{}), us.Sizeof(Channel{}), us.Sizeof(ChannelUser{}),
		us.Sizeof(Message{}), us.Sizeof(User{}), us.Sizeof(userListItem{}), us.Sizeof(reactionGroup{}),
		us.Sizeof(Reactor{}), us.Sizeof(MostReactedMessage{}), us.Sizeof(Rule{}), us.Sizeof(Role{}),
		us.Sizeof(paging{}), us.Sizeof(MessageResult{})} {
		assert.LessOrEqual(t, size, uintptr(jsonbound.MaxStruct))
	}
}

// TestErrorDetailsBounded: an error body's detail object is free-form
// (APIError.DetailFields) and is decoded only within the same bound; a
// small one still is.
func TestErrorDetailsBounded(t *testing.T) {
	keys := make([]string, 200_000)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"%x":0`, i)
	}
	body := []byte(`{"status":"error","code":400000,"data":{"detail":{` + strings.Join(keys, ",") + `}}}`)
	runtime.GC()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	e := parseErrorBody(body)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(e)
	assert.Equal(t, CodeBadRequest, e.Code)
	assert.True(t, e.DetailFields == nil, "tiny keys hold 6 times their bytes as a map")
	assert.LessOrEqual(t, max(after.HeapAlloc, before.HeapAlloc)-before.HeapAlloc, maxDecodedFactor*uint64(len(body))+decodedSlack)
	small := parseErrorBody([]byte(`{"status":"error","code":400000,"data":{"detail":{"channelId":"lobby"}}}`))
	assert.Equal(t, map[string]any{"channelId": "lobby"}, small.DetailFields)
}

// TestCutBodyBoundedToo: the decoder checks the JSON as it goes, so a body
// cut short (or broken) after a free-form map of many tiny keys would fill
// the map before failing; the bound charges the open map as if closed and
// refuses the body before decoding. Without that charge, the cut body
// passes the bound and decoding it allocates ~17 times its size.
func TestCutBodyBoundedToo(t *testing.T) {
	keys := make([]string, 200_000)
	for i := range keys {
		keys[i] = fmt.Sprintf(`"%x":0`, i)
	}
	for _, body := range []string{
		`{"results":[{"channel":{"channelId":"a","metadata":{` + strings.Join(keys, ","),
		`{"results":[{"channel":{"channelId":"a","metadata":{` + strings.Join(keys, ",") + `,@`,
	} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := decodeResponse([]byte(body), new(channelListResponse))
		runtime.ReadMemStats(&after)
		assert.ErrorContains(t, err, "once decoded")
		allocated := after.TotalAlloc - before.TotalAlloc
		assert.LessOrEqual(t, allocated, maxDecodedFactor*uint64(len(body))+decodedSlack, "bytes allocated")
	}
}
