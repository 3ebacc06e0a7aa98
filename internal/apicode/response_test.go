package apicode

import (
	"net/http"
	"testing"
)

func TestJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"": true, "application/json": true, "application/json; charset=utf-8": true,
		"application/json;charset=UTF-8": true, "text/plain": true, "application/problem+json": true,
		"text/html": false, "text/html; charset=utf-8": false, "application/octet-stream": false, "garbage;;": false,
	} {
		if got := JSONContentType(ct); got != want {
			t.Errorf("JSONContentType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestRequestID(t *testing.T) {
	h := http.Header{}
	if got := RequestID(h); got != "" {
		t.Errorf("RequestID of no headers = %q", got)
	}
	h.Set("X-Amzn-Trace-Id", "trace")
	h.Set("X-Amzn-Requestid", "amzn")
	if got := RequestID(h); got != "amzn" {
		t.Errorf("RequestID = %q, want the first header in order, amzn", got)
	}
}
