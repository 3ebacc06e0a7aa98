package jsonbound

import (
	"encoding/json"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/jsonread"
)

func anyKey(key []byte, _ int) Mode {
	switch string(key) {
	case "free":
		return Any
	case "raw":
		return Raw
	}
	return Typed
}

// TestStringsHideStructure: brackets, quotes and commas inside strings are
// text, escaped quotes included.
func TestStringsHideStructure(t *testing.T) {
	plain := Estimate([]byte(`{"free":["xxxxxxxxxxxx"]}`), Typed, anyKey)
	tricky := Estimate([]byte(`{"free":["{[\"},]{{xxx"]}`), Typed, anyKey)
	if plain != tricky {
		t.Fatalf("a string of brackets is charged %d, a plain one %d", tricky, plain)
	}
}

// TestRawIsItsBytes: a Raw value is charged its length once, whatever it
// holds; the same value as Any is charged for each container.
func TestRawIsItsBytes(t *testing.T) {
	inner := "[" + strings.Repeat("{},", 999) + "{}]"
	base := Estimate([]byte(`{"x":0}`), Typed, anyKey)
	raw := Estimate([]byte(`{"raw":`+inner+`}`), Typed, anyKey)
	if got := raw - base; got != int64(len(inner)) {
		t.Fatalf("raw value of %d bytes charged %d", len(inner), got)
	}
	free := Estimate([]byte(`{"free":`+inner+`}`), Typed, anyKey)
	if free < 1000*(anyElem+anyObject) {
		t.Fatalf("1000 {} as Any charged %d", free)
	}
}

// decoders are the decoders the SDK uses: encoding/json/v2's engine for its
// own types and its v1 package for Client.Do's targets (internal/jsonread),
// and encoding/json for error details.
var decoders = []struct {
	name      string
	unmarshal func([]byte, any) error
}{
	{"v2", func(b []byte, v any) error { return jsonread.Unmarshal(b, v, false) }},
	{"v1 on v2", func(b []byte, v any) error { return jsonread.Unmarshal(b, v, true) }},
	{"encoding/json", json.Unmarshal},
}

// TestAnyEstimateCoversDecoding: decoded into any by each of the decoders,
// shapes hold no more than their estimate.
func TestAnyEstimateCoversDecoding(t *testing.T) {
	list := func(item string) string { return "[" + strings.TrimSuffix(strings.Repeat(item+",", 50_000), ",") + "]" }
	some := func(item string) string { // about 512 KiB of item
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", 1<<19/len(item)), ",") + "]"
	}
	mapOf := func(k int) string {
		m := make(map[string]int, k)
		for i := range k {
			m[strconv.Itoa(i)] = i
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, body := range []string{list("{}"), list("[]"), list("0"), list(`"ab"`), list(`{"a":1,"b":"c"}`), list("true"),
		some(mapOf(8)), some(mapOf(9)), some(mapOf(15)), some(mapOf(29)), some(mapOf(57)),
		mapOf(449), mapOf(897), mapOf(100_000),
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000)} {
		for _, d := range decoders {
			// Once unmeasured: what a decoder caches on its first use of a
			// shape (type tables, pooled state) is not the decoded value's.
			if err := d.unmarshal([]byte(body), new(any)); err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var v any
			if err := d.unmarshal([]byte(body), &v); err != nil {
				t.Fatal(err)
			}
			// Twice: a decoder the engine keeps in a sync.Pool for the
			// next call is not what the decoded value holds.
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(v)
			held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			est := Estimate([]byte(body), Any, nil)
			t.Logf("%s, %.12s: %d bytes hold %d, estimated %d", d.name, body, len(body), held, est)
			if raceEnabled {
				est += est / 4 // the estimate is for the production allocator
			}
			if held > est {
				t.Errorf("%s, %.12s: holds %d, estimated %d", d.name, body, held, est)
			}
		}
	}
}

// TestCutAfterKeyQuote: a body that ends at the opening quote of a key (a
// server's truncated answer) is estimated, not a panic.
func TestCutAfterKeyQuote(t *testing.T) {
	for _, body := range []string{`{"`, `{"a":1,"`, `[{"`} {
		Estimate([]byte(body), Typed, anyKey)
	}
}
