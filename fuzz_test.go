package chatadmin

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chatadmin/chatadmin-go/internal/qs"
)

// FuzzRoutePathParams checks that no id changes which route is hit: the
// built URL has the template's segments, and the id's segment decodes back
// to the id.
func FuzzRoutePathParams(f *testing.F) {
	for _, seed := range []string{"lobby", "a/../../users/ban", "..", ".", "%2F", "a?b=c#d", "sp ace", "ü/ñ", "a;b=c"} {
		f.Add(seed)
	}
	const route = "/api/v2/channel/:channelId/users/ban"
	f.Fuzz(func(t *testing.T, id string) {
		path, err := expandRoute(route, []string{id})
		if id == "" {
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.WireField != "channelId" || verr.Field != "channelID" {
				t.Fatalf("empty id: got %v, want a channelId ValidationError", err)
			}
			return
		}
		if !utf8.ValidString(id) {
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.WireField != "channelId" {
				t.Fatalf("invalid UTF-8 id: got %v, want a channelId ValidationError", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse("https://api.test" + path)
		if err != nil {
			t.Fatalf("built URL %q does not parse: %v", path, err)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("id %q leaked into the query or fragment: %q", id, path)
		}
		segs := strings.Split(u.EscapedPath(), "/")
		want := []string{"", "api", "v2", "channel", "", "users", "ban"}
		if len(segs) != len(want) {
			t.Fatalf("id %q gives %d segments: %q", id, len(segs), u.EscapedPath())
		}
		for i, s := range want {
			if i != 4 && segs[i] != s {
				t.Fatalf("id %q changed segment %d: %q", id, i, u.EscapedPath())
			}
		}
		if segs[4] == "." || segs[4] == ".." {
			t.Fatalf("id %q is a dot segment on the wire", id)
		}
		got, err := url.PathUnescape(segs[4])
		if err != nil || got != id {
			t.Fatalf("segment %q decodes to %q (%v), want %q", segs[4], got, err, id)
		}
	})
}

// FuzzFormEncoding checks that a qs-style parser (the emulator's, written
// independently and checked against Node's qs) reads our form bodies back
// as the values we meant: arrays stay arrays even with one element,
// metadata nests, arrays of objects and of arrays keep their elements
// apart. shape grows a nested metadata value (see metadataFromShape); what
// a form body cannot carry must be refused with a *ValidationError, never
// sent mangled.
func FuzzFormEncoding(f *testing.F) {
	f.Add("lobby", "a,b", "topic", "general", "level", "3", []byte{})
	f.Add("x", "one", "k", "", "nested", "v=1&w=2", []byte{})
	f.Add("é ü", "%zz,a+b", "a b", "c&d", "x", "y", []byte{})
	f.Add("x", "a", "7", "v", "k", "v", []byte{}) // digit keys read as array indexes: refused
	// testdata/fuzz/FuzzFormEncoding/seed-* hold the nested shapes: arrays
	// of objects, of arrays and of string lists, mixed arrays, nil, empty
	// objects and arrays, nesting at and past the body parser's depth.

	f.Fuzz(func(t *testing.T, channelID, tagList, k1, v1, k2, v2 string, shape []byte) {
		for _, s := range []string{channelID, tagList, k1, v1, k2, v2} {
			if !utf8.ValidString(s) {
				return // a Node server cannot hold invalid UTF-8 either
			}
		}
		if k1 == "n" || k1 == "s" {
			return // k1 would collide with the "n" or "s" key of the input below
		}
		var tags []string
		if tagList != "" {
			tags = strings.Split(tagList, ",")
		}
		meta := Metadata{k1: v1, "n": map[string]any{k2: v2}}
		if len(shape) > 0 {
			meta["s"] = metadataFromShape(shape, []string{k1, v1, k2, v2, "sku", "a1"})
		}
		req := &channelCreateForm{
			ChannelID: channelID,
			Type:      "standard",
			Tags:      tags,
			UserIDs:   []string{"u1"},
			Metadata:  meta,
		}
		if checkRequired("channelID", "channelId", channelID) != nil || checkTags("Tags", "tags", tags) != nil {
			return
		}
		// channelId, type, userIds[] and the tags besides the metadata.
		carries := formCarries(map[string]any(meta), 3+len(tags))
		shaped, shapeErr := formShape("metadata", meta)
		pl, err := formBody{req}.encode()
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatal(err)
			}
			if carries {
				t.Fatalf("refused %#v, which a form carries: %v", meta, err)
			}
			return // refused, not mangled
		}
		if !carries {
			t.Fatalf("sent %#v, which a form cannot carry, as %q", meta, pl.data)
		}
		parsed, err := qs.Parse(string(pl.data))
		if err != nil {
			t.Fatalf("qs parse of %q: %v", pl.data, err)
		}
		want := map[string]any{
			"channelId": channelID,
			"type":      "standard",
			"userIds":   []any{"u1"},
			"metadata":  qsShape(map[string]any(meta)),
		}
		if len(tags) > 0 {
			want["tags"] = qsShape(tags)
		}
		if !reflect.DeepEqual(parsed, want) {
			gotJSON, _ := json.Marshal(parsed)
			wantJSON, _ := json.Marshal(want)
			t.Fatalf("form %q\nparsed %s\nwant   %s", pl.data, gotJSON, wantJSON)
		}
		// Users.Update measures the stored metadata on formShape.
		if shapeErr != nil || !reflect.DeepEqual(qsShape(shaped), want["metadata"]) {
			t.Fatalf("formShape = %#v, %v; the server holds %#v", shaped, shapeErr, want["metadata"])
		}
	})
}

// FuzzDecodeResponse checks that no body makes decoding panic or returns
// data that breaks the promises of the response types: every input gives
// checked data, an error or an *APIError (never two of them), and no list
// holds more than a page.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		`{"status":"success","data":{"results":[]}}`,
		`{"results":[{"channel":{"channelId":"a"}}],"paging":{"prev":"x"}}`,
		`{"status":"error","code":"400400","message":"x","data":{"detail":["a"]}}`,
		`{"status":"error","code":400000,"data":{"detail":{"k":1}}}`,
		`[{"messageId":"m","reactionsCount":3}]`,
		`{"status":"success","data":{"messages":[{"messageId":"m"}],"users":[{"userId":"u"}]}}`,
		`{"reactions":[{"reactors":[{"reactionId":"r"}]}]}`,
		`OK`, ``, `<html>502</html>`, `{"status":`, `{"a":[{"b":"\"}"}]}`, `"str"`, `{}`, `null`,
		`{"data":null}`, `{"status":"success"}`, `{"results":[{},{},{}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		outs := []response{new(channelListResponse), new(messagesResponse), new(messageCreateResponse),
			new(reactorListResponse), new(mostReactedResponse), new(MessageResult), new(ChannelResult), nil}
		for _, out := range outs {
			apiErr, err := decodeResponse(body, out)
			if apiErr != nil && err != nil {
				t.Fatal("both an APIError and an error")
			}
			if apiErr != nil || err != nil || out == nil {
				continue
			}
			if err := out.check(); err != nil {
				t.Fatalf("%T decoded without error but fails its check: %v", out, err)
			}
			switch r := out.(type) {
			case *channelListResponse:
				if len(r.Results) > MaxPageLimit {
					t.Fatalf("%d channels", len(r.Results))
				}
			case *messagesResponse:
				if len(r.Messages) > MaxPageLimit || len(r.Users) > MaxPageLimit {
					t.Fatalf("%d messages, %d users", len(r.Messages), len(r.Users))
				}
			case *reactorListResponse:
				if len(r.items) > MaxPageLimit {
					t.Fatalf("%d reactors", len(r.items))
				}
			case *mostReactedResponse:
				if len(*r) > MaxPageLimit {
					t.Fatalf("%d messages", len(*r))
				}
			}
		}
		e := parseErrorBody(body)
		if e == nil {
			t.Fatal("parseErrorBody returned nil")
		}
		_ = e.Error()
	})
}
