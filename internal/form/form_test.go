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
