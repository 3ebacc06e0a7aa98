package sendonce

import (
	"net/http"
	"testing"
)

// TestTrustedTransport: only a transport NewTransport registered is
// trusted to resend only unprocessed requests, with Go 1.26 (h2.go) and Go
// 1.27 (h2_go127.go) alike.
func TestTrustedTransport(t *testing.T) {
	fresh := &http.Transport{}
	Register(fresh)
	for _, c := range []struct {
		name string
		rt   http.RoundTripper
		want bool
	}{
		{"registered", fresh, true},
		{"not registered", &http.Transport{}, false},
		{"not an *http.Transport", http.NewFileTransport(http.Dir(".")), false},
		{"nil (http.DefaultTransport)", nil, false},
	} {
		if got := Wrap(c.rt).Trusted(); got != c.want {
			t.Errorf("%s: trusted %v, want %v", c.name, got, c.want)
		}
	}
}
