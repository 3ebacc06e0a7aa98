package scrub

import (
	"strings"
	"testing"
)

const token = "tok/LEAK+CHECK=9f8e&7d6c~5b4a.3210_=="

func TestCleanSpellings(t *testing.T) {
	s := New(token)
	for name, sp := range map[string]string{
		"plain":   token,
		"percent": strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D", "&", "%26").Replace(token),
		"double":  strings.NewReplacer("/", "%252F").Replace(token),
		"json":    strings.NewReplacer("/", `\/`, "&", `\u0026`).Replace(token),
		"html":    strings.NewReplacer("&", "&amp;", "/", "&#47;").Replace(token),
	} {
		in := "before " + sp + " after"
		if got := Clean(s, in, false); got != "before "+Redacted+" after" {
			t.Errorf("%s: %q", name, got)
		}
		if got := Clean(s, []byte(in[:len(in)-len(" after")-2]), true); string(got) != "before " {
			t.Errorf("%s cut: %q", name, got)
		}
	}
	for _, in := range []string{"", "%", "plain text", token[:len(token)-1] + "#"} {
		if got := Clean(s, in, false); got != in {
			t.Errorf("%q changed to %q", in, got)
		}
	}
}

func TestCleanQuotedPrefix(t *testing.T) {
	s := New(token)
	for _, n := range []int{minQuotedPrefix, 20} {
		if got := Clean(s, `token "`+token[:n]+`" rejected`, false); strings.Contains(got, token[:minQuotedPrefix]) {
			t.Errorf("%d characters: %q", n, got)
		}
	}
	for _, in := range []string{`token "` + token[:minQuotedPrefix-1] + `"`, "token " + token[:20]} {
		if got := Clean(s, in, false); got != in {
			t.Errorf("%q changed to %q", in, got)
		}
	}
}
