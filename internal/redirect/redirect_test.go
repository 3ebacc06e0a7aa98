package redirect

import (
	"errors"
	"net/http"
	"testing"
)

func req(t *testing.T, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer x")
	return r
}

func TestPolicy(t *testing.T) {
	p := Policy(nil)
	first := req(t, "https://api.example.com/a")
	same := req(t, "https://api.example.com/b")
	if err := p(same, []*http.Request{first}); err != nil || same.Header.Get("Authorization") == "" {
		t.Errorf("same host: %v, token kept: %q", err, same.Header.Get("Authorization"))
	}
	other := req(t, "https://api.example.com:8443/b")
	if err := p(other, []*http.Request{first}); err != nil || other.Header.Get("Authorization") != "" {
		t.Errorf("another port: %v, token %q", err, other.Header.Get("Authorization"))
	}
	if err := p(req(t, "http://api.example.com/b"), []*http.Request{first}); !errors.Is(err, ErrDowngrade) || !Refused(err) {
		t.Errorf("downgrade: %v", err)
	}
	if err := p(same, make([]*http.Request, 10)); !errors.Is(err, ErrTooMany) {
		t.Errorf("11th: %v", err)
	}
	boom := errors.New("user")
	if err := Policy(func(*http.Request, []*http.Request) error { return boom })(same, []*http.Request{first}); err != boom {
		t.Errorf("user policy: %v", err)
	}
}
