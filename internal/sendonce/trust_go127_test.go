//go:build go1.27

package sendonce

import (
	"crypto/tls"
	"net/http"
	"testing"
)

// TestReplacedHTTP2IsNotTrusted: from Go 1.27 a registered transport is
// trusted as it is, for its HTTP/2 layer is net/http's; one whose "h2"
// entry was replaced before its first use could resend anything. (With Go
// 1.26, x/net's ConfigureTransports overwrites that entry with its own.)
func TestReplacedHTTP2IsNotTrusted(t *testing.T) {
	replaced := &http.Transport{TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{
		"h2": func(string, *tls.Conn) http.RoundTripper { return nil },
	}}
	Register(replaced)
	if Wrap(replaced).Trusted() {
		t.Error("a transport whose HTTP/2 layer was replaced is trusted")
	}
}
