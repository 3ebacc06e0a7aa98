package readmecheck

import (
	"strings"
	"testing"
)

var fixtureImports = []string{"context", "net/http",
	"github.com/chatadmin/chatadmin-go", "github.com/chatadmin/chatadmin-go/chatadmintest"}

const fixturePrelude = `
var (
	ctx    context.Context
	client *chatadmin.Client
)
`

// TestInlineReferences checks spans that match the code and spans that
// went stale, among them the README's old `Blacklist.Add(ctx,
// []string{…}, MatchExactWord)`, which the snippet check alone missed.
func TestInlineReferences(t *testing.T) {
	fresh := []string{
		"`Blacklist.Add(ctx, &chatadmin.BlacklistAddRequest{Regexs: []string{\"spoiler\"}, Match: chatadmin.MatchExactWord})`",
		"`client.Blacklist.Add`", "`chatadmin.ErrNotFound`", "`APIError.RetryAfter`", "`*chatadmin.APIError`",
		"`WithRetryBudget`", "`Channels.BanUsers`", "`http.Client.Timeout`", "`*Page[T]`", "`Limiter.Wait`",
		"`NewClient(token, opts...)`", "`Stats()`", "`ErrorOutcome`", "`chatadmin.Ptr`", "`TestInlineReferences`",
		"`chatadmintest.WithRateLimit(rps, burst)`",
		// Not references: left alone.
		"`HTTP_PROXY`", "`tags[]=a`", "`go test -race ./...`", "`Authorization`", "`%v`", "`options[limit]=100`",
		"`r.Method`", "`chatadmin.client.call.duration`",
	}
	stale := []string{
		"`Blacklist.Add(ctx, []string{\"spoiler\"}, MatchExactWord)`",
		"`Blacklist.Add(ctx,\n[]string{\"spoiler\"}, chatadmin.MatchExactWord)`", // across a line break
		"`chatadmin.NoSuchName`", "`APIError.NoSuchField`", "`WithNoSuchOption`", "`TestNoSuchTest`",
		"`Channels.BanUser`", "`Limiter.Reserve`", "`chatadmintest.WithRateLimit(1.5)`",
	}
	md := strings.Join(fresh, "\n\n") + "\n\n```sh\n`chatadmin.InsideAFence`\n```\n"
	if err := check(".", "fixture.md", nil, Spans(md), fixtureImports, fixturePrelude); err != nil {
		t.Errorf("fresh references refused:\n%v", err)
	}
	for _, s := range stale {
		err := check(".", "fixture.md", nil, Spans("text "+s+" text\n"), fixtureImports, fixturePrelude)
		if err == nil {
			t.Errorf("stale reference %s passed", s)
		} else if !strings.Contains(err.Error(), "fixture.md line 1") {
			t.Errorf("%s: error does not name the line: %v", s, err)
		}
	}
}

// TestSpans checks which text counts as an inline code span.
func TestSpans(t *testing.T) {
	md := "a `one` b ``two ` x`` c\n`three\nfour` d\n\n`not\n\nclosed` e\n```go\n`fenced`\n```\nlast `five`\n"
	var got []string
	for _, s := range Spans(md) {
		got = append(got, s.Code)
	}
	want := []string{"one", "two ` x", "three four", "five"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Spans = %q, want %q", got, want)
	}
	if s := Spans(md); s[2].Line != 2 || s[3].Line != 11 {
		t.Errorf("lines: %+v", s)
	}
}
