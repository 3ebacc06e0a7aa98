package form

import (
	"errors"
	"net/url"
	"testing"
)

type named map[string]any

func TestEncode(t *testing.T) {
	v := url.Values{}
	err := Encode("metadata", named{"a": named{"b": 1}, "items": []any{map[string]any{"sku": "a1"}}, "tags": []string{"x"}}, &v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Encode(), "metadata%5Ba%5D%5Bb%5D=1&metadata%5Bitems%5D%5B0%5D%5Bsku%5D=a1&metadata%5Btags%5D%5B%5D=x"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"a": nil}, map[string]any{"1": "x"}, map[string]any{"a[b]": "x"}, []any{}} {
		var fe *Error
		if err := Encode("metadata", bad, &url.Values{}); !errors.As(err, &fe) {
			t.Errorf("%v: got %v", bad, err)
		}
	}
}

func TestLimits(t *testing.T) {
	if err := Query.Check(url.Values{"a[]": make([]string, MaxQueryArray+1)}); err == nil {
		t.Error("a query array past the limit passed")
	}
	if err := Body.Check(url.Values{"a[]": make([]string, MaxQueryArray+1)}); err != nil {
		t.Error(err)
	}
	if err := Query.Check(url.Values{"a[b][c][d][e][f][g]": {"1"}}); err == nil {
		t.Error("a query past 5 levels passed")
	}
}

func TestShape(t *testing.T) {
	got, err := Shape("metadata", named{"n": 5, "l": []any{true}})
	if err != nil {
		t.Fatal(err)
	}
	m := got.(map[string]any)
	if m["n"] != "5" || m["l"].([]any)[0] != "true" {
		t.Errorf("%#v", got)
	}
}

func TestBytesIsEncode(t *testing.T) {
	for _, v := range []url.Values{nil, {}, {"a": {""}}, {"z": {"1"}, "a": {"2", "3"}, "b": nil},
		{"userIds[]": {"u1", "u 2", "ü", "a+b&c=d", "%41", "~-._"}}, {"\x00/?#[]": {"\t\r\n \"<>\\^`{|}"}}} {
		if got, want := string(Bytes(v)), v.Encode(); got != want {
			t.Errorf("Bytes(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestBadUTF8(t *testing.T) {
	type inner struct {
		Text string `json:"text"`
	}
	type body struct {
		ID    string            `json:"channelId"`
		Data  inner             `json:"data"`
		Tags  []string          `json:"tags"`
		Meta  map[string]any    `json:"metadata"`
		Raw   []byte            `json:"raw"`
		Skip  string            `json:"-"`
		Extra map[string]string `json:"extra"`
	}
	ok := body{ID: "a", Tags: []string{"x"}, Meta: map[string]any{"k": []any{"v"}}, Raw: []byte{0xff}, Skip: "\xff"}
	if p, bad := BadUTF8(ok); bad {
		t.Errorf("valid body refused at %q", p)
	}
	for want, b := range map[string]body{
		".data.text":        {Data: inner{Text: "\xff"}},
		".tags[1]":          {Tags: []string{"ok", "a\xffb"}},
		`.metadata["k"][0]`: {Meta: map[string]any{"k": []any{"\xfe"}}},
		`.extra["\xff"]`:    {Extra: map[string]string{"\xff": "v"}},
	} {
		if p, bad := BadUTF8(&b); !bad || p != want {
			t.Errorf("got %q %v, want %q", p, bad, want)
		}
	}
}
