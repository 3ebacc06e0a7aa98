package chatadmin

import (
	"fmt"
	"testing"
)

// TestDecideTable is the retry policy's table: every combination of the
// inputs decide reads, with its verdict. Change a verdict here and in
// decide together. The protocol is not an input: both HTTP/1.1 and HTTP/2
// reach decide through the same signals (the send trace, the transport
// guard's typed "unprocessed", the answer), and the end-to-end tests run
// each row's situation over both (sendonce_test.go, reliability_test.go,
// h2reset_test.go). "unprocessed" only arises over HTTP/2 (REFUSED_STREAM,
// GOAWAY above the last stream) and from a connection that could not be
// used; HTTP/1.1 failures before the request is written are "not sent".
func TestDecideTable(t *testing.T) {
	const (
		R = retry
		G = giveBack
		U = unknown
	)
	// Transport failures: no answer came.
	//                     safe: plain canceled permanent | unsafe: plain canceled permanent
	failures := []struct {
		reach  reach
		safe   [3]verdict
		unsafe [3]verdict
	}{
		{notSent, [3]verdict{R, G, G}, [3]verdict{R, G, G}},
		{unprocessed, [3]verdict{R, G, G}, [3]verdict{R, G, G}},
		{headersSent, [3]verdict{R, G, G}, [3]verdict{U, G, G}},
		{wholeSent, [3]verdict{R, G, G}, [3]verdict{U, U, G}},
	}
	// Answers, by status and whether the body is the API's own error
	// envelope.   safe: envelope, other body | unsafe: envelope, other body
	answers := []struct {
		status int
		code   ErrorCode
		safe   [2]verdict
		unsafe [2]verdict
	}{
		{200, 0, [2]verdict{G, G}, [2]verdict{G, G}},
		{400, 0, [2]verdict{G, G}, [2]verdict{G, G}},
		{400, CodeRateLimited, [2]verdict{R, R}, [2]verdict{R, R}},
		{404, 0, [2]verdict{G, G}, [2]verdict{G, G}},
		{429, 0, [2]verdict{R, R}, [2]verdict{R, R}},
		{500, 0, [2]verdict{R, R}, [2]verdict{G, U}},
		{501, 0, [2]verdict{G, G}, [2]verdict{G, U}},
		{502, 0, [2]verdict{R, R}, [2]verdict{U, U}},
		{503, 0, [2]verdict{R, R}, [2]verdict{G, U}},
		{504, 0, [2]verdict{R, R}, [2]verdict{U, U}},
	}
	seen := map[attemptEnd]bool{}
	check := func(a attemptEnd, want verdict) {
		t.Helper()
		if seen[a] {
			t.Fatalf("row %+v twice", a)
		}
		seen[a] = true
		if got := decide(a); got != want {
			t.Errorf("decide(%+v) = %v, want %v", a, got, want)
		}
	}
	for _, f := range failures {
		for i, kind := range []struct{ canceled, permanent bool }{{false, false}, {true, false}, {false, true}} {
			check(attemptEnd{safe: true, reach: f.reach, canceled: kind.canceled, permanent: kind.permanent}, f.safe[i])
			check(attemptEnd{safe: false, reach: f.reach, canceled: kind.canceled, permanent: kind.permanent}, f.unsafe[i])
		}
	}
	for _, a := range answers {
		for i, envelope := range []bool{true, false} {
			check(attemptEnd{safe: true, reach: answered, status: a.status, code: a.code, envelope: envelope}, a.safe[i])
			check(attemptEnd{safe: false, reach: answered, status: a.status, code: a.code, envelope: envelope}, a.unsafe[i])
		}
	}
	// Every combination of the failure inputs is a row.
	for _, safe := range []bool{true, false} {
		for r := notSent; r < answered; r++ {
			for _, c := range []bool{false, true} {
				for _, p := range []bool{false, true} {
					if c && p {
						continue // a canceled call reports its context's error, not a permanent one
					}
					if a := (attemptEnd{safe: safe, reach: r, canceled: c, permanent: p}); !seen[a] {
						t.Errorf("no row for %+v", a)
					}
				}
			}
		}
	}
}

func (v verdict) String() string {
	switch v {
	case retry:
		return "retry"
	case unknown:
		return "outcome unknown"
	}
	return "return"
}

func (r reach) String() string {
	return [...]string{"not sent", "unprocessed", "headers sent", "whole request sent", "answered"}[r]
}

var _ fmt.Stringer = reach(0)
