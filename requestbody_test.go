package chatadmin

import (
	"errors"
	"testing"

	"github.com/google/go-querystring/query"

	"github.com/chatadmin/chatadmin-go/internal/form"
)

// verbatimJSON is a Marshaler that writes its text as it is, invalid bytes and
// all: encoding/json does not check a Marshaler's output for UTF-8.
type verbatimJSON struct{ S string }

func (r verbatimJSON) MarshalJSON() ([]byte, error) { return []byte(`"` + r.S + `"`), nil }

// TestJSONBodyUTF8 checks that a JSON body refuses every string that is not
// valid UTF-8, naming it, wherever it hides (encode checks the encoded
// bytes first and walks the value only when they show a replacement), and
// sends U+FFFD and the text \ufffd when the caller wrote them.
func TestJSONBodyUTF8(t *testing.T) {
	type inner struct {
		Text string `json:"text"`
		N    string `json:"n,string"`
	}
	type body struct {
		Data inner             `json:"data"`
		Tags []string          `json:"tags"`
		Meta map[string]string `json:"metadata"`
		Raw  verbatimJSON      `json:"raw"`
	}
	for want, v := range map[string]body{
		"data.text":        {Data: inner{Text: "a\xffb"}},
		"data.n":           {Data: inner{N: "\xed\xa0\x80"}},
		"tags[1]":          {Tags: []string{"ok", "\xe2\x82"}},
		`metadata["\xff"]`: {Meta: map[string]string{"\xff": "v"}},
		`metadata["k"]`:    {Meta: map[string]string{"k": "\xc0\xaf"}},
		"raw.S":            {Raw: verbatimJSON{"\xfe"}},
	} {
		_, err := jsonBody{&v}.encode()
		var verr *ValidationError
		if !errors.As(err, &verr) || verr.Field != want {
			t.Errorf("%s: got %v", want, err)
		}
	}
	for _, ok := range []body{
		{Data: inner{Text: "\uFFFD and \\ufffd and \\\\ufffd", N: "\uFFFD"}},
		{Meta: map[string]string{"\uFFFD": "\\ufffd"}, Raw: verbatimJSON{`\ufffd`}},
	} {
		if _, err := (jsonBody{ok}).encode(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
}

// TestUserIDsFormAsQueryValues checks that formBody's shortcut for the id
// lists sends what go-querystring and the form encoder send for the same
// struct: a field added to userIDsForm without the shortcut fails here.
func TestUserIDsFormAsQueryValues(t *testing.T) {
	for _, ids := range [][]string{nil, {"u1"}, {"a b", "ü", "x&y=z"}} {
		f := &userIDsForm{ids}
		vals, err := query.Values(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := form.Body.Encode(vals)
		if err != nil {
			t.Fatal(err)
		}
		got, err := formBody{f}.encode()
		if err != nil || string(got.data) != string(want) || got.contentType != contentTypeForm {
			t.Errorf("%q: got %q (%s), %v, want %q", ids, got.data, got.contentType, err, want)
		}
	}
}
