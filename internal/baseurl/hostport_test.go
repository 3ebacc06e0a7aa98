package baseurl

import (
	"net/url"
	"testing"
)

func TestHostPort(t *testing.T) {
	for raw, want := range map[string]struct {
		host string
		port int
	}{
		"https://api.example.com": {"api.example.com", 443},
		"http://127.0.0.1":        {"127.0.0.1", 80},
		"http://[::1]:9/v":        {"::1", 9},
	} {
		u, _ := url.Parse(raw)
		if h, p := HostPort(u); h != want.host || p != want.port {
			t.Errorf("HostPort(%s) = %s, %d; want %s, %d", raw, h, p, want.host, want.port)
		}
	}
}
