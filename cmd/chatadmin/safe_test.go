package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTermSafe: every rune a terminal acts on is shown escaped, lines stay
// one line, and printable text (accents, CJK, emoji) passes untouched.
func TestTermSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain café 漢字 🙂":          "plain café 漢字 🙂",
		"a\tb\nc\rd":               "a b c d",
		"\x1bc":                    `\x1bc`,
		"\x1b]52;c;aGk=\x07":       `\x1b]52;c;aGk=\x07`,
		"\u009b31m":                `\u009b31m`,
		"\u0085":                   `\u0085`,
		"x\x7fy":                   `x\x7fy`,
		"\u202eevil\u2066":         `\u202eevil\u2066`,
		"\u2028":                   `\u2028`,
		"bad \xff\xc2 utf8":        `bad \xff\xc2 utf8`,
		"a real \ufffd stays":      "a real \ufffd stays",
		"zero\x00width\ufeffbreak": `zero\x00width\ufeffbreak`,
	} {
		if got := termSafe(in); got != want {
			t.Errorf("termSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEscapeRaw: JSON keeps its meaning (decodes to the same string) and
// carries no raw C1, DEL or bidi rune.
func TestEscapeRaw(t *testing.T) {
	in := "k\u009b\x7f\u202e\u0085 é"
	b, _ := json.Marshal(map[string]string{in: in})
	out := escapeRaw(b)
	if strings.ContainsFunc(string(out), func(r rune) bool { return r >= 0x7f && unsafeRune(r) }) {
		t.Errorf("raw unsafe rune left in %q", out)
	}
	var m map[string]string
	if err := json.Unmarshal(out, &m); err != nil || m[in] != in {
		t.Errorf("%s decodes to %q, %v", out, m, err)
	}
}
