package retrypolicy

import "testing"

// TestDecideTable is the retry policy's table: every combination of the
// inputs Decide reads, with its Verdict. Change a Verdict here and in
// Decide together. The protocol is not an input: both HTTP/1.1 and HTTP/2
// reach decide through the same signals (the send trace, the transport
// guard's typed "unprocessed", the answer), and the end-to-end tests run
// each row's situation over both (sendonce_test.go, reliability_test.go,
// h2reset_test.go). "unprocessed" only arises over HTTP/2 (REFUSED_STREAM,
// GOAWAY above the last stream) and from a connection that could not be
// used; HTTP/1.1 failures before the request is written are "not sent".
func TestDecideTable(t *testing.T) {
	const (
		R = Retry
		G = GiveBack
		U = Unknown
	)
	// Transport failures: no answer came.
	//                     safe: plain canceled permanent | unsafe: plain canceled permanent
	failures := []struct {
		reach  Reach
		safe   [3]Verdict
		unsafe [3]Verdict
	}{
		{NotSent, [3]Verdict{R, G, G}, [3]Verdict{R, G, G}},
		{Unprocessed, [3]Verdict{R, G, G}, [3]Verdict{R, G, G}},
		{HeadersSent, [3]Verdict{R, G, G}, [3]Verdict{U, G, G}},
		{WholeSent, [3]Verdict{R, G, G}, [3]Verdict{U, U, G}},
	}
	// Answers, by status and whether the body is the API's own error
	// envelope.   safe: envelope, other body | unsafe: envelope, other body
	answers := []struct {
		status      int
		rateLimited bool
		safe        [2]Verdict
		unsafe      [2]Verdict
	}{
		{200, false, [2]Verdict{G, G}, [2]Verdict{G, G}},
		{400, false, [2]Verdict{G, G}, [2]Verdict{G, G}},
		{400, true, [2]Verdict{R, R}, [2]Verdict{R, R}},
		{404, false, [2]Verdict{G, G}, [2]Verdict{G, G}},
		{429, false, [2]Verdict{R, R}, [2]Verdict{R, R}},
		{500, false, [2]Verdict{R, R}, [2]Verdict{G, U}},
		{501, false, [2]Verdict{G, G}, [2]Verdict{G, U}},
		{502, false, [2]Verdict{R, R}, [2]Verdict{U, U}},
		{503, false, [2]Verdict{R, R}, [2]Verdict{G, U}},
		{504, false, [2]Verdict{R, R}, [2]Verdict{U, U}},
	}
	seen := map[End]bool{}
	check := func(a End, want Verdict) {
		t.Helper()
		if seen[a] {
			t.Fatalf("row %+v twice", a)
		}
		seen[a] = true
		if got := Decide(a); got != want {
			t.Errorf("Decide(%+v) = %v, want %v", a, got, want)
		}
	}
	for _, f := range failures {
		for i, kind := range []struct{ canceled, permanent bool }{{false, false}, {true, false}, {false, true}} {
			check(End{Safe: true, Reach: f.reach, Canceled: kind.canceled, Permanent: kind.permanent}, f.safe[i])
			check(End{Safe: false, Reach: f.reach, Canceled: kind.canceled, Permanent: kind.permanent}, f.unsafe[i])
		}
	}
	for _, a := range answers {
		for i, envelope := range []bool{true, false} {
			check(End{Safe: true, Reach: Answered, Status: a.status, RateLimited: a.rateLimited, Envelope: envelope}, a.safe[i])
			check(End{Safe: false, Reach: Answered, Status: a.status, RateLimited: a.rateLimited, Envelope: envelope}, a.unsafe[i])
		}
	}
	// Every combination of the failure inputs is a row.
	for _, safe := range []bool{true, false} {
		for r := NotSent; r < Answered; r++ {
			for _, c := range []bool{false, true} {
				for _, p := range []bool{false, true} {
					if c && p {
						continue // a canceled call reports its context's error, not a permanent one
					}
					if a := (End{Safe: safe, Reach: r, Canceled: c, Permanent: p}); !seen[a] {
						t.Errorf("no row for %+v", a)
					}
				}
			}
		}
	}
}
