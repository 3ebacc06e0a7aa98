package scrub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const tok = "tok_0123456789abcdefghijklmnopqrstuvwxyz"

func TestJSONHeaderError(t *testing.T) {
	s := New(tok)
	v := JSON(s, map[string]any{tok: []any{"a " + tok, 1.0}})
	if out := fmt.Sprint(v); strings.Contains(out, tok) {
		t.Errorf("JSON left the token: %s", out)
	}
	h := http.Header{"X-" + tok: {tok}}
	Header(s, h)
	if out := fmt.Sprint(h); strings.Contains(out, tok) {
		t.Errorf("Header left the token: %s", out)
	}
	ue := Error(s, &url.Error{Op: "Get", URL: "http://x/?t=" + tok, Err: context.DeadlineExceeded})
	var kept *url.Error
	if !errors.As(ue, &kept) || strings.Contains(ue.Error(), tok) || !errors.Is(ue, context.DeadlineExceeded) {
		t.Errorf("url.Error: %T %v", ue, ue)
	}
	generic := Error(s, fmt.Errorf("wrapped %s: %w", tok, io.ErrUnexpectedEOF))
	if strings.Contains(generic.Error(), tok) || !errors.Is(generic, io.ErrUnexpectedEOF) || errors.Unwrap(generic) != nil {
		t.Errorf("generic: %v", generic)
	}
	plain := errors.New("no secret")
	if Error(s, plain) != plain || Error(s, nil) != nil {
		t.Error("an error without the token must be returned as is")
	}
}
