package callpairs

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"reflect"
	"testing"
)

// request is what the server sees of a request: every byte that the two
// clients could send differently, bar the connection's.
type request struct {
	method, uri string
	header      http.Header
	body        []byte
}

// TestPairsSendTheSameRequest checks that each pair's raw call does the
// same work as the SDK call: the same method, path, query, headers and
// body bytes.
func TestPairsSendTheSameRequest(t *testing.T) {
	for _, where := range Wheres[:2] { // the child process's server is the same handler (TestServerProcess)
		for _, call := range Calls {
			var got []request
			record := func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body, err := io.ReadAll(r.Body)
					if err != nil {
						t.Error(err)
					}
					hdr := r.Header.Clone()
					hdr.Del("Accept-Encoding") // the transport's, on loopback
					got = append(got, request{r.Method, r.URL.RequestURI(), hdr, body})
					r.Body = io.NopCloser(bytes.NewReader(body))
					h.ServeHTTP(w, r)
				})
			}
			p, err := newPair(call, where, record)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := p.SDK(ctx); err != nil {
				t.Fatalf("%s, %s: sdk: %v", call, where, err)
			}
			if err := p.Raw(ctx); err != nil {
				t.Fatalf("%s, %s: raw: %v", call, where, err)
			}
			p.Close()
			if len(got) != 2 {
				t.Fatalf("%s, %s: %d requests", call, where, len(got))
			}
			sdk, raw := got[0], got[1]
			if sdk.method != raw.method || sdk.uri != raw.uri || !bytes.Equal(sdk.body, raw.body) || len(sdk.body) == 0 {
				t.Errorf("%s, %s:\nsdk %s %s %q\nraw %s %s %q", call, where, sdk.method, sdk.uri, sdk.body, raw.method, raw.uri, raw.body)
			}
			if !reflect.DeepEqual(sdk.header, raw.header) {
				t.Errorf("%s, %s: headers differ:\nsdk %v\nraw %v", call, where, sdk.header, raw.header)
			}
		}
	}
}

// TestMain serves as the child of the "server process" pairs when started
// as one.
func TestMain(m *testing.M) {
	ServeChild()
	os.Exit(m.Run())
}

// TestServerProcess: the "server process" pairs start this test binary as
// their server, and both clients get their answers from it.
func TestServerProcess(t *testing.T) {
	for _, call := range Calls {
		p, err := New(call, Wheres[2])
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := p.SDK(ctx); err != nil {
			t.Error(call, "sdk:", err)
		}
		if err := p.Raw(ctx); err != nil {
			t.Error(call, "raw:", err)
		}
		p.Close()
	}
}
