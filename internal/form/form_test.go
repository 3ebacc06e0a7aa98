package form

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
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
		b, err := Bytes(v)
		if got, want := string(b), v.Encode(); got != want || err != nil {
			t.Errorf("Bytes(%v) = %q, %v, want %q", v, got, err, want)
		}
	}
	// Every byte alone and beside others, and every valid rune class: the
	// escaping is url.QueryEscape's.
	for c := range 256 {
		s := string([]byte{byte(c)})
		for _, v := range []string{s, "a" + s + "b", s + s, s + "é"} {
			if !utf8.ValidString(v) {
				continue
			}
			b, err := Bytes(url.Values{v: {v}})
			if want := url.QueryEscape(v) + "=" + url.QueryEscape(v); string(b) != want || err != nil {
				t.Errorf("Bytes of %q = %q, %v, want %q", v, b, err, want)
			}
		}
	}
	for _, v := range []string{"\u00e9", "\u20ac", "\U0001F600", "\uFFFD", "a\u00a0b"} {
		b, err := Bytes(url.Values{"k": {v}})
		if want := "k=" + url.QueryEscape(v); string(b) != want || err != nil {
			t.Errorf("Bytes of %q = %q, %v, want %q", v, b, err, want)
		}
	}
}

// TestBytesRefusesBadUTF8 checks that a key or value that is not valid
// UTF-8 (a lone byte, a surrogate half, a truncated rune) is refused with
// the key named, as utf8.ValidString would refuse it.
func TestBytesRefusesBadUTF8(t *testing.T) {
	for _, bad := range []string{"\xff", "a\xffb", "\xed\xa0\x80", "\xe2\x82", "ok\xc0\xaf", "\xf4\x90\x80\x80"} {
		var fe *Error
		if _, err := Bytes(url.Values{"a": {"x"}, "k[]": {"fine", bad}}); !errors.As(err, &fe) || fe.Key != "k[]" {
			t.Errorf("value %q: got %v", bad, err)
		}
		if _, err := Bytes(url.Values{"k" + bad: {"x"}}); !errors.As(err, &fe) || fe.Key != strings.ToValidUTF8("k"+bad, "\uFFFD") {
			t.Errorf("key %q: got %v", bad, err)
		}
	}
}

// banForm is the body of a 100-id ban, the form the benchmarks encode.
func banForm() url.Values {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("user-%04d", i)
	}
	return url.Values{"userIds[]": ids}
}

// BenchmarkBytes keeps Bytes measured against what it replaces, the
// standard library's url.Values.Encode (as bytes, after checking every key
// and value for UTF-8, which Bytes does as it writes): the rule for a
// hand-written replacement is that it pays 3 % or goes.
func BenchmarkBytes(b *testing.B) {
	forms := map[string]url.Values{
		"ban-100":  banForm(),
		"metadata": {"channelId": {"lobby"}, "metadata[topic]": {"general news"}, "metadata[owner]": {"ops@example.com"}, "tags[]": {"a", "b", "ü"}},
	}
	for _, name := range []string{"ban-100", "metadata"} {
		vals := forms[name]
		b.Run("form="+name+"/enc=Bytes", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Bytes(vals); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("form="+name+"/enc=url.Values.Encode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for k, vs := range vals {
					if !utf8.ValidString(k) {
						b.Fatal(k)
					}
					for _, v := range vs {
						if !utf8.ValidString(v) {
							b.Fatal(v)
						}
					}
				}
				_ = []byte(vals.Encode())
			}
		})
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
