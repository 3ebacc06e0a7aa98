// Package retrypolicy is the SDK's retry policy: one decision per attempt,
// Decide, from what the attempt's end says. The limits that apply to any
// retry (attempts, the retry budget, the waits) are the caller's. A change
// to what is retried is made in Decide and in its table
// (TestDecideTable), and nowhere else.
package retrypolicy

// Reach is how far an attempt got.
type Reach int

const (
	// NotSent: nothing reached the server (dial, TLS, a refused
	// connection), or the SDK refused a value before writing.
	NotSent Reach = iota
	// Unprocessed: the request reached the server, which said it did not
	// process it: HTTP/2 REFUSED_STREAM, a GOAWAY whose last processed
	// stream is below this one, a connection unusable before the request
	// went out. Reported by the transport's own typed decision
	// (internal/sendonce).
	Unprocessed
	// HeadersSent: the headers were written, not yet the whole body.
	HeadersSent
	// WholeSent: the server may have the whole request.
	WholeSent
	// Answered: a response's headers arrived.
	Answered
)

func (r Reach) String() string {
	return [...]string{"not sent", "unprocessed", "headers sent", "whole request sent", "answered"}[r]
}

// Verdict is what the policy makes of an attempt.
type Verdict int

const (
	GiveBack Verdict = iota // return the answer or the error as it is
	Retry                   // try again (within the call's limits)
	Unknown                 // return ErrOutcomeUnknown: the server may have acted
)

func (v Verdict) String() string {
	return [...]string{"return", "retry", "outcome unknown"}[v]
}

// End is what the policy decides from.
type End struct {
	Safe        bool // the call may be repeated once sent (its class, or WithRetrySafe)
	Reach       Reach
	Status      int  // the answer's HTTP status, when answered
	Envelope    bool // the error answer is the API's own error body, not a gateway's page
	RateLimited bool // the error body's code says throttled (400311)
	// For a transport failure:
	Canceled  bool // the caller's context ended
	Permanent bool // a failure no retry can mend: a certificate, a refused redirect
}

// Decide is the retry policy.
func Decide(a End) Verdict {
	if a.Reach == Answered {
		switch {
		case a.Status == 429 || a.RateLimited:
			return Retry // refused, not processed: even an unsafe call may repeat
		case a.Status < 500:
			return GiveBack
		case !a.Safe && (a.Status == 502 || a.Status == 504 || !a.Envelope):
			// A gateway answered: the backend may have acted before it
			// gave up.
			return Unknown
		case a.Safe && (a.Status == 500 || a.Status == 502 || a.Status == 503 || a.Status == 504):
			return Retry
		}
		return GiveBack // an unsafe call the API itself failed, or a 5xx no retry mends
	}
	switch {
	case a.Canceled:
		if !a.Safe && a.Reach == WholeSent {
			return Unknown // cut while waiting for the answer
		}
		return GiveBack // a request cut short cannot have been acted on
	case a.Permanent:
		return GiveBack // refused by the SDK (a redirect) or before sending (a certificate)
	case a.Reach == Unprocessed:
		return Retry
	case a.Reach == NotSent || a.Safe:
		return Retry
	}
	return Unknown // an unsafe request was sent and its answer lost
}
