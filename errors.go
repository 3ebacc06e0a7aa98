package chatadmin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorCode is the "code" field of an error body. Its String method (used
// by %v) gives the constant's name without the Code prefix, e.g.
// "NotFound", and the number for codes the SDK does not know; %d prints the
// number.
type ErrorCode int

// Codes the Admin API puts in the "code" field of an error body. The server
// returns these; branch on them with APIError.Code or, for families, with
// errors.Is and the Err… sentinels.
const (
	CodeBadRequest              ErrorCode = 400000 // malformed or invalid request
	CodeInvalidRegex            ErrorCode = 400001 // a blacklist/whitelist regex does not compile
	CodeUnauthorized            ErrorCode = 400100 // missing, wrong or expired token
	CodeForbidden               ErrorCode = 400300 // action not allowed
	CodePermissionDenied        ErrorCode = 400301 // the acting user lacks a permission
	CodeUserMuted               ErrorCode = 400302 // the user is muted
	CodeChannelMuted            ErrorCode = 400303 // the channel is muted
	CodeUserBanned              ErrorCode = 400304 // the user is banned from the channel
	CodeTooManyMembers          ErrorCode = 400305 // the channel's member limit is reached (NUMBER_OF_MEMBER_EXCEED)
	CodeExemptFromBan           ErrorCode = 400306 // some users cannot be banned
	CodeMaxRepetition           ErrorCode = 400307 // the same message was repeated too often
	CodeBlacklistedWord         ErrorCode = 400308 // the content contains a blacklisted word
	CodeLinkNotWhitelisted      ErrorCode = 400309 // the content links to a host not on the whitelist
	CodeTooManyMembersInChannel ErrorCode = 400310 // the provider's second member-limit code (TOO_MANY_MEMBER_ERROR)
	CodeRateLimited             ErrorCode = 400311 // the caller's rate limit is exceeded
	CodeGloballyBanned          ErrorCode = 400312 // the user is banned from the whole network
	CodeImageRejected           ErrorCode = 400314 // image moderation rejected the upload
	CodeDuplicate               ErrorCode = 400315 // the entry already exists
	CodeNotBanned               ErrorCode = 400316 // unban of a user who is not banned
	CodeLastModerator           ErrorCode = 400317 // the user is the channel's last moderator
	CodeLastMember              ErrorCode = 400318 // the user is the channel's last member
	CodeNotFound                ErrorCode = 400400 // the channel, message, user or rule does not exist
	CodeConflict                ErrorCode = 400900 // the request conflicts with the current state
	CodeBusinessError           ErrorCode = 500000 // validation ("Parameters error.") or business rule failure
)

// maxErrorBodyBytes caps the error body an APIError keeps.
const maxErrorBodyBytes int64 = 1 << 20

// codeNames are the names String gives the known codes.
var codeNames = map[ErrorCode]string{
	CodeBadRequest: "BadRequest", CodeInvalidRegex: "InvalidRegex", CodeUnauthorized: "Unauthorized",
	CodeForbidden: "Forbidden", CodePermissionDenied: "PermissionDenied", CodeUserMuted: "UserMuted",
	CodeChannelMuted: "ChannelMuted", CodeUserBanned: "UserBanned", CodeTooManyMembers: "TooManyMembers",
	CodeExemptFromBan: "ExemptFromBan", CodeMaxRepetition: "MaxRepetition", CodeBlacklistedWord: "BlacklistedWord",
	CodeLinkNotWhitelisted: "LinkNotWhitelisted", CodeTooManyMembersInChannel: "TooManyMembersInChannel",
	CodeRateLimited: "RateLimited", CodeGloballyBanned: "GloballyBanned", CodeImageRejected: "ImageRejected",
	CodeDuplicate: "Duplicate", CodeNotBanned: "NotBanned", CodeLastModerator: "LastModerator",
	CodeLastMember: "LastMember", CodeNotFound: "NotFound", CodeConflict: "Conflict", CodeBusinessError: "BusinessError",
}

// String names a known code ("NotFound") and gives any other as its number,
// so that logs stay readable without losing codes the SDK does not know.
func (c ErrorCode) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return strconv.Itoa(int(c))
}

// sentinel is the type of the Err… values: distinct comparable values that
// *APIError matches through its Is method.
type sentinel struct{ msg string }

func (s *sentinel) Error() string { return s.msg }

// Sentinel errors for errors.Is. An *APIError matches one by its body code
// and, when the body carries no code (a proxy page, an empty body), by its
// HTTP status.
var (
	ErrBadRequest      error = &sentinel{"chatadmin: bad request"}
	ErrUnauthorized    error = &sentinel{"chatadmin: unauthorized"}
	ErrForbidden       error = &sentinel{"chatadmin: forbidden"}
	ErrMuted           error = &sentinel{"chatadmin: muted"}
	ErrBanned          error = &sentinel{"chatadmin: banned"}
	ErrContentRejected error = &sentinel{"chatadmin: content rejected"}
	ErrNotFound        error = &sentinel{"chatadmin: not found"}
	ErrConflict        error = &sentinel{"chatadmin: conflict"}
	ErrRateLimited     error = &sentinel{"chatadmin: rate limited"}
	ErrServer          error = &sentinel{"chatadmin: server error"}

	// ErrInvalidInput matches every *ValidationError: input the SDK refused
	// before sending anything.
	ErrInvalidInput error = &sentinel{"chatadmin: invalid input"}

	// ErrOutcomeUnknown is wrapped by the error of a call that is not safe to
	// repeat (creating a channel or message, uploading, closing…) when the
	// connection failed after the request was sent, or a gateway answered
	// for the API (502, 504, or a 5xx without the API's error body; the
	// *APIError is wrapped too): the server may or may not have acted on it,
	// so the SDK did not retry. Check the server's state before trying again.
	ErrOutcomeUnknown error = &sentinel{"chatadmin: outcome unknown: the request may have taken effect"}

	// ErrUnexpectedResponse is wrapped when a success response cannot be
	// decoded: truncated or non-JSON bodies, an empty body where data was
	// expected, a body over the configured size limit.
	ErrUnexpectedResponse error = &sentinel{"chatadmin: unexpected response"}
)

// codeFamilies maps each body code to the sentinel it belongs to.
var codeFamilies = map[ErrorCode]error{
	CodeBadRequest:         ErrBadRequest,
	CodeInvalidRegex:       ErrBadRequest,
	CodeBusinessError:      ErrBadRequest,
	CodeUnauthorized:       ErrUnauthorized,
	CodeForbidden:          ErrForbidden,
	CodePermissionDenied:   ErrForbidden,
	CodeUserMuted:          ErrMuted,
	CodeChannelMuted:       ErrMuted,
	CodeUserBanned:         ErrBanned,
	CodeGloballyBanned:     ErrBanned,
	CodeMaxRepetition:      ErrContentRejected,
	CodeBlacklistedWord:    ErrContentRejected,
	CodeLinkNotWhitelisted: ErrContentRejected,
	CodeImageRejected:      ErrContentRejected,
	CodeNotFound:           ErrNotFound,
	CodeConflict:           ErrConflict,
	CodeDuplicate:          ErrConflict,
	CodeRateLimited:        ErrRateLimited,
}

// statusFamily is the sentinel for an HTTP status when the body has no code.
func statusFamily(status int) error {
	switch {
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	}
	return nil
}

// APIError is an error answer from the server: a non-2xx status, or a 2xx
// body whose status says "error". It never holds the access token: where
// the server echoed it (plain, JSON-escaped, percent-encoded or as HTML
// references), Message, Details, DetailFields, RequestID and Body show
// [REDACTED] instead, and a Body cut at 1 MiB through the token ends before
// it.
type APIError struct {
	StatusCode int       // HTTP status of the last attempt
	Code       ErrorCode // body "code", 0 when the body had none
	Message    string    // body "message"
	// Details holds data.detail when the server sent a list of strings
	// (validation messages); DetailFields holds it when it was an object.
	Details      []string
	DetailFields map[string]any
	Method       string // HTTP method of the call
	Route        string // route template, e.g. "/api/v2/channel/:channelId/users/ban"
	RequestID    string // from X-Request-Id or a similar header, when present
	// RetryAfter is the wait the last answer carrying a Retry-After header
	// advised, whether the SDK gave up at once (the wait would outlast the
	// context deadline or WithMaxRetryAfter) or ran out of attempts. A
	// value too large for a Duration is the largest Duration.
	RetryAfter time.Duration
	Attempts   int    // how many attempts were made
	Body       []byte // the raw body, at most 1 MiB, the token masked
	Truncated  bool   // Body was cut at 1 MiB
}

// Error formats the status, code and message, e.g.
// "chatadmin: POST /api/v2/channel: 409 400900: Channel already exists".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("chatadmin: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.Route)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 {
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(int(e.Code)))
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if len(e.Details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(e.Details, "; "))
		b.WriteByte(')')
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Is reports whether target is the sentinel of this error's family: by body
// code first, then by HTTP status. A 5xx always matches ErrServer too. Codes
// that belong to no family (CodeNotBanned, CodeExemptFromBan,
// CodeTooManyMembers, CodeLastModerator, CodeLastMember…) match by their
// HTTP status; compare Code to tell them apart.
func (e *APIError) Is(target error) bool {
	if _, ok := target.(*sentinel); !ok {
		return false
	}
	if e.StatusCode >= 500 && target == ErrServer {
		return true
	}
	if fam, ok := codeFamilies[e.Code]; ok {
		return fam == target
	}
	return statusFamily(e.StatusCode) == target
}

// ValidationError reports input the SDK rejected before sending a request.
// It names the offending value twice: as the caller wrote it in Go (a
// struct field such as "Limit" or `Metadata["a"]`, or a parameter such as
// "channelID") and as the server would have received it ("options.limit",
// "metadata[a]", "channelId"), so that both a Go reader and a reader of the
// API documentation find it.
type ValidationError struct {
	Field     string // the Go field or parameter, e.g. "Limit", "userIDs"
	WireField string // the wire name of the same value, e.g. "options.limit", "userIds"
	Message   string // what is wrong with it
}

// Error names the field and the problem, e.g. "chatadmin: invalid Limit
// (options.limit): must be at most 100, got 101".
func (e *ValidationError) Error() string {
	name := e.Field
	if e.WireField != "" && e.WireField != e.Field {
		if name == "" {
			name = e.WireField
		} else {
			name += " (" + e.WireField + ")"
		}
	}
	return "chatadmin: invalid " + name + ": " + e.Message
}

// Is makes every ValidationError match ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// invalid builds a *ValidationError for the Go name field, sent as wire.
func invalid(field, wire, format string, args ...any) error {
	return &ValidationError{Field: field, WireField: wire, Message: fmt.Sprintf(format, args...)}
}

// firstErr is the first of the checks that failed, in order.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
