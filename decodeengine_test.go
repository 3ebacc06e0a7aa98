package chatadmin

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/jsonread"
)

// decodeTargets makes one of each type a response body is decoded into.
var decodeTargets = []func() any{
	func() any { return new(channelListResponse) }, func() any { return new(ChannelResult) },
	func() any { return new(Channel) }, func() any { return new(messagesResponse) },
	func() any { return new(messageCreateResponse) }, func() any { return new(MessageResult) },
	func() any { return new(userListResponse) }, func() any { return new(User) },
	func() any { return new(roleListResponse) }, func() any { return new(ruleListResponse) },
	func() any { return new(Rule) }, func() any { return new(reactorListResponse) },
	func() any { return new(addedResponse) }, func() any { return new(removedResponse) },
	func() any { return new(mostReactedResponse) }, func() any { return new(statusOnly) },
	func() any { return &envelope{Data: new(messagesResponse)} },
}

// sameAsEncodingJSON fails t when jsonread.Unmarshal reads body into any of the
// response types differently from encoding/json: another value, or an
// error where the other has none. (encoding/json goes on after a type
// error and keeps a partial value; the SDK uses neither value then.)
func sameAsEncodingJSON(t *testing.T, body []byte) {
	t.Helper()
	for _, target := range decodeTargets {
		want, got := target(), target()
		wantErr := json.Unmarshal(body, want)
		gotErr := jsonread.Unmarshal(body, got, false)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%T from %q: encoding/json says %v, jsonread says %v", want, body, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("%T from %q:\nencoding/json %+v\njsonread      %+v", want, body, want, got)
		}
	}
}

// decodeSeeds are real pages and the inputs where encoding/json/v2 reads
// differently from encoding/json unless told (internal/jsonread.V1Reading).
var decodeSeeds = []string{
	string(channelsPage(3)), string(messagesPage(3)),
	`{"status":"success","data":{"messages":[{"messageId":"m","data":{"text":"hi"}}],"users":[{"userId":"u"}]}}`,
	`{"results":[{"channel":{"channelId":"a","CHANNELID":"b","channelid":"c"}}]}`,                                                     // names in other cases
	`{"results":[{"channel":{"channelId":"a","displayName":"x","displayName":"y"}}],"results":[]}`,                                    // repeated names
	"{\"results\":[{\"channel\":{\"channelId\":\"a\xff\xfeb\",\"displayName\":\"\\ud800x\",\"metadata\":{\"k\xc3\":\"\xe2\x82\"}}}]}", // invalid UTF-8, a lone surrogate
	`{"messages":[{"messageId":"m","createdAt":null,"updatedAt":"","editedAt":0,"reactions":null,"tags":null}]}`,
	`{"messages":[{"messageId":"m","createdAt":1714557600000,"channelSegment":1e2}]}`,
	`{"messages":[{"messageId":"m","reactionsCount":1.5}]}`, `{"messages":[{"messageId":"m","reactionsCount":"1"}]}`,
	`{"users":[{"userId":"u","roles":["a",null,"b"],"metadata":{"n":1e400}}]}`,
	`{"users":[{"userId":"u","metadata":{"a":{"b":[1,"2",true,null,{"c":{}}]}}}]}`,
	`{"reactions":[{"type":"like","reactors":[{"reactionId":"r","userId":"u"}]}]}`,
	`{"results":[{"channel":{"channelId":"a\u0000\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}}]}`,
	`{"ruleId":"r","ruleId":null}`, `{"addedId":"a"} `, `{"removedId":"r"}x`, `[{"messageId":"m"}]`, `null`, `{}`,
	`{"status":"error","data":{"messages":[]}}`, `{"status":1,"data":null}`, ` {"results" : [ ] } `,
	`{"results":[{"channel":{"channelId":"a","ChannelId":"b"}}]}`, `{"ſtatus":"error"}`, `{"K":1}`,
}

// TestDecodeMatchesEncodingJSON: the SDK decodes responses with
// encoding/json/v2's engine and reads every body as encoding/json did.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, body := range decodeSeeds {
		sameAsEncodingJSON(t, []byte(body))
	}
	// A body cut at every byte is an error for both, or the same value.
	page := messagesPage(2)
	for i := range page {
		sameAsEncodingJSON(t, page[:i])
	}
	sameAsEncodingJSON(t, []byte(strings.Repeat(`{"a":`, 2000)+"0"+strings.Repeat("}", 2000)))
}

// FuzzDecodeMatchesEncodingJSON looks for a body the two read differently.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameAsEncodingJSON(t, body) })
}

// BenchmarkDecodeEngines decodes a page of 100 channels into the SDK's
// type with encoding/json, with jsonread.Unmarshal (the engine with V1Reading) and
// with the engine's v1 package (Client.Do's caller types), in turns:
//
//	go test -run '^$' -bench DecodeEngines -count 6 . | benchstat -col /decoder -
func BenchmarkDecodeEngines(b *testing.B) {
	body := channelsPage(100)
	for _, d := range []struct {
		name string
		fn   func([]byte, any) error
	}{
		{"encoding-json", json.Unmarshal},
		{"engine", func(b []byte, v any) error { return jsonread.Unmarshal(b, v, false) }},
		{"engine-v1", func(b []byte, v any) error { return jsonread.Unmarshal(b, v, true) }},
	} {
		b.Run("decoder="+d.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var out channelListResponse
				if err := d.fn(body, &out); err != nil || len(out.Results) != 100 {
					b.Fatal(err)
				}
			}
		})
	}
}
