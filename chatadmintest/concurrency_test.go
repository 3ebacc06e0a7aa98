package chatadmintest

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcurrentUse runs writers and readers in parallel (meaningful under
// -race) and checks that channelSegments stay unique and dense.
func TestConcurrentUse(t *testing.T) {
	c := newTC(t)
	c.mustChannel("a")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				r := c.json(http.MethodPost, "/api/v2/message", textBody("a", "hi"))
				if r.status != 200 {
					t.Errorf("create: %d %s", r.status, r.body)
				}
				if w%2 == 0 {
					c.json(http.MethodPost, "/api/v2/messages", `{"channelId":"a","options":{"last":5}}`)
					c.form(http.MethodPost, "/api/v2/channels", "")
					_ = c.s.Requests()
				}
			}
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	var token any
	for {
		body := map[string]any{"channelId": "a"}
		if token != nil {
			body["options"] = map[string]any{"token": token}
		}
		s, pg := segments(t, c.json(http.MethodPost, "/api/v2/messages", body))
		for _, x := range s {
			require.False(t, seen[x])
			seen[x] = true
		}
		if pg["next"] == nil {
			break
		}
		token = pg["next"]
	}
	require.Len(t, seen, 80)
	for i := 1; i <= 80; i++ {
		require.True(t, seen[i], i)
	}
}
