package jsonbound

import (
	"encoding/json"
	"fmt"
	"testing"
)

// channelsPage is a page of 100 channels as the API sends it (about 79 KB,
// the body of callpairs' query).
func channelsPage(n int) []byte {
	const ts = "2024-05-01T10:00:00Z"
	results := make([]any, n)
	for i := range results {
		id := fmt.Sprintf("channel-%03d", i)
		results[i] = map[string]any{
			"channel": map[string]any{
				"channelId": id, "type": "standard", "displayName": fmt.Sprintf("Channel %d", i),
				"metadata": map[string]any{"topic": "general", "owner": "ops"}, "tags": []string{"public", "en"},
				"isDistinct": false, "isMuted": false, "muteTimeout": ts, "isRateLimited": false, "rateLimit": 0,
				"rateLimitWindow": 0, "memberCount": 12, "messageCount": 340, "messageAutoDeleteEnabled": false,
				"autoDeleteMessageByFlagLimit": 0, "lastActivity": ts, "createdAt": ts, "updatedAt": ts,
			},
			"channelUser": map[string]any{
				"userId": "admin", "channelId": id, "membership": "member", "isBanned": false,
				"roles": []string{"moderator"}, "readToSegment": 40, "isMuted": false, "muteTimeout": ts,
				"lastActivity": ts, "createdAt": ts, "updatedAt": ts,
			},
		}
	}
	body, _ := json.Marshal(map[string]any{"results": results, "paging": map[string]any{"next": "eyJza2lwIjoxMDB9"}})
	return body
}

func metadataKey(key []byte, _ int) Mode {
	if string(key) == "metadata" {
		return Any
	}
	return Typed
}

// BenchmarkEstimate is the pass over a page of 100 channels, against the
// scanner it replaced (refEstimate) and the scan json.Valid makes of the
// same bytes (the least any decode does):
//
//	go test -run '^$' -bench Estimate -count 6 ./internal/jsonbound
func BenchmarkEstimate(b *testing.B) {
	body := channelsPage(100)
	b.Run("estimate", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			Estimate(body, Typed, metadataKey)
		}
	})
	b.Run("reference", func(b *testing.B) { // the scanner before (ref_test.go)
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			refEstimate(body, Typed, metadataKey)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			json.Valid(body)
		}
	})
}
