package form

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"testing"
)

func TestGoPath(t *testing.T) {
	for key, want := range map[string]string{
		"metadata":            "Metadata",
		"metadata[a][0][sku]": `Metadata["a"][0]["sku"]`,
		"userIds[]":           "UserIDs",
		"unknown[x]":          `unknown["x"]`,
		"tags[3]":             "Tags[3]",
	} {
		if got := GoPath(key); got != want {
			t.Errorf("GoPath(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestCheckUTF8(t *testing.T) {
	for _, tc := range []struct {
		vals url.Values
		key  string
	}{
		{url.Values{"name": {"ok", "a\xffb"}}, "name"},
		{url.Values{"k\xff": {"v"}}, "k\uFFFD"},
	} {
		var fe *Error
		if err := CheckUTF8(tc.vals); !errors.As(err, &fe) || fe.Key != tc.key {
			t.Errorf("CheckUTF8(%q) = %v, want an *Error for %q", tc.vals, err, tc.key)
		}
	}
	if err := CheckUTF8(url.Values{"name": {"é"}}); err != nil {
		t.Errorf("valid UTF-8 refused: %v", err)
	}
}

func TestLimitsEncode(t *testing.T) {
	b, err := Query.Encode(url.Values{"b": {"2"}, "a": {"1 2"}})
	if err != nil || string(b) != "a=1+2&b=2" {
		t.Errorf("Encode = %q, %v", b, err)
	}
	if _, err := Query.Encode(url.Values{"a[20][x]": {"1"}}); err == nil {
		t.Error("a query past the array limit was encoded")
	}
	if _, err := Body.Encode(url.Values{"a": {"\xff"}}); err == nil {
		t.Error("invalid UTF-8 was encoded")
	}
}

// TestEncodeListIsEncode: EncodeList gives the bytes and errors of Encode
// with a one-key map.
func TestEncodeListIsEncode(t *testing.T) {
	many := make([]string, qsParameterLimit+1)
	for i := range many {
		many[i] = "u" + strconv.Itoa(i)
	}
	for _, l := range []Limits{Body, Query} {
		for _, c := range []struct {
			key string
			vs  []string
		}{
			{"userIds[]", []string{"a", "b c", "é/&=?", "user-0001"}},
			{"userIds[]", nil},
			{"userIds[]", []string{"ok", "\xff"}},
			{"a[1][2][3][4][5][6]", []string{"x"}},
			{"a[30]", []string{"x"}},
			{"userIds[]", many[:MaxQueryArray+1]},
			{"userIds[]", many},
		} {
			want, wantErr := l.Encode(url.Values{c.key: c.vs})
			got, err := l.EncodeList(c.key, c.vs)
			if string(got) != string(want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s %q (%d values): EncodeList %q, %v; Encode %q, %v", l.What, c.key, len(c.vs), got, err, want, wantErr)
			}
		}
	}
}
