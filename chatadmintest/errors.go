package chatadmintest

import (
	"fmt"
	"net/http"
)

// Error codes the emulator answers with (DESIGN §4, provider-api §6.3).
const (
	CodeBadRequest       = 400000 // malformed request, wrong Content-Type, invalid token…
	CodeInvalidRegex     = 400001 // a blacklist/whitelist regex does not compile
	CodeUnauthorized     = 400100 // missing or wrong bearer token
	CodeForbidden        = 400300
	CodePermissionDenied = 400301
	CodeUserMuted        = 400302 // the admin is muted in the channel
	CodeChannelMuted     = 400303 // message sent to a muted channel
	CodeUserBanned       = 400304 // the admin (or an added user) is banned in the channel
	CodeTooManyMembers   = 400305
	CodeExemptFromBan    = 400306
	CodeMaxRepetition    = 400307
	CodeBlacklistedWord  = 400308 // message text matches a blacklist rule
	CodeLinkNotAllowed   = 400309 // message text links to a host no whitelist rule allows
	CodeTooManyMember    = 400310
	CodeRateLimited      = 400311
	CodeGloballyBanned   = 400312
	CodeImageRejected    = 400314 // the image endpoint got something that is not a PNG or JPEG
	CodeDuplicate        = 400315 // e.g. the same reaction twice
	CodeNotBanned        = 400316 // unban of a user who is not banned
	CodeLastModerator    = 400317
	CodeLastMember       = 400318
	CodeNotFound         = 400400 // unknown route, channel (or closed), message, user, rule…
	CodeConflict         = 400900 // e.g. duplicate channelId
	CodeBusiness         = 500000 // validation ("Parameters error."), payload too large, internal
)

// codeStatus is the one place that maps a body code to its HTTP status.
// 500000 is absent on purpose: it is 422 for validation, 413 for a payload
// that is too large and 500 for an internal error, so callers say which.
var codeStatus = map[int]int{
	CodeBadRequest:       http.StatusBadRequest,
	CodeInvalidRegex:     http.StatusBadRequest,
	CodeMaxRepetition:    http.StatusBadRequest,
	CodeBlacklistedWord:  http.StatusBadRequest,
	CodeLinkNotAllowed:   http.StatusBadRequest,
	CodeImageRejected:    http.StatusBadRequest,
	CodeNotBanned:        http.StatusBadRequest,
	CodeTooManyMembers:   http.StatusBadRequest,
	CodeTooManyMember:    http.StatusBadRequest,
	CodeUnauthorized:     http.StatusUnauthorized,
	CodeForbidden:        http.StatusForbidden,
	CodePermissionDenied: http.StatusForbidden,
	CodeUserMuted:        http.StatusForbidden,
	CodeChannelMuted:     http.StatusForbidden,
	CodeUserBanned:       http.StatusForbidden,
	CodeExemptFromBan:    http.StatusForbidden,
	CodeGloballyBanned:   http.StatusForbidden,
	CodeLastModerator:    http.StatusForbidden,
	CodeLastMember:       http.StatusForbidden,
	CodeRateLimited:      http.StatusTooManyRequests,
	CodeNotFound:         http.StatusNotFound,
	CodeConflict:         http.StatusConflict,
	CodeDuplicate:        http.StatusConflict,
}

// StatusForCode returns the HTTP status the emulator sends with a body code
// (500000 gives 422, the validation case).
func StatusForCode(code int) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	if code == CodeBusiness {
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// apiError is an error answer; handlers return it and the pipeline writes it.
type apiError struct {
	status  int
	code    int
	message string
	detail  any // nil, []string or an object
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d %s", e.status, e.code, e.message) }

// errCode builds an error whose HTTP status comes from codeStatus.
func errCode(code int, msg string) *apiError {
	return &apiError{status: StatusForCode(code), code: code, message: msg}
}

func errBadRequest(msg string) *apiError { return errCode(CodeBadRequest, msg) }
func errNotFound(what string) *apiError  { return errCode(CodeNotFound, what+" Not Found.") }

// errValidation is the fastest-validator style answer: 422, 500000,
// "Parameters error." with the list of messages in data.detail.
func errValidation(details []string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: CodeBusiness, message: "Parameters error.", detail: details}
}

// errTooLarge mirrors body-parser's 413 for bodies over the limit.
func errTooLarge() *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: CodeBusiness, message: "Payload too large."}
}

var errUnauthorized = &apiError{status: http.StatusUnauthorized, code: CodeUnauthorized, message: "Unauthorized."}

// errorBody is the error JSON, fields in the wire's order.
type errorBody struct {
	Status  string         `json:"status"`
	Code    int            `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data,omitempty"`
}

// body renders the error JSON.
func (e *apiError) body() errorBody {
	b := errorBody{Status: "error", Code: e.code, Message: e.message}
	if e.detail != nil {
		b.Data = map[string]any{"detail": e.detail}
	}
	return b
}

// errorForStatus is the JSON error a fault with only a status sends, picking
// the code that status usually carries.
func errorForStatus(status int) *apiError {
	code := CodeBusiness
	msg := http.StatusText(status) + "."
	for c, s := range codeStatus {
		if s == status && (code == CodeBusiness || c < code) {
			code = c
		}
	}
	switch status {
	case http.StatusTooManyRequests:
		code, msg = CodeRateLimited, "RateLimit Exceed."
	case http.StatusUnprocessableEntity:
		msg = "Parameters error."
	}
	return &apiError{status: status, code: code, message: msg}
}
