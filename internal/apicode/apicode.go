// Package apicode holds the Admin API's error codes as the chatadmintest
// emulator answers them, and the HTTP status it pairs with each, and reads
// the API's error bodies for the SDK (ParseBody). The SDK's own typed codes
// are chatadmin.ErrorCode; this package keeps the emulator free of an
// import of the SDK it tests.
package apicode

import "net/http"

// Error codes the emulator answers with: the codes the provider documents
// for its error bodies {"status":"error","code":N,…}.
const (
	BadRequest       = 400000 // malformed request, wrong Content-Type, invalid token…
	InvalidRegex     = 400001 // a blacklist/whitelist regex does not compile
	Unauthorized     = 400100 // missing or wrong bearer token
	Forbidden        = 400300
	PermissionDenied = 400301
	UserMuted        = 400302 // the admin is muted in the channel
	ChannelMuted     = 400303 // message sent to a muted channel
	UserBanned       = 400304 // the admin (or an added user) is banned in the channel
	TooManyMembers   = 400305
	ExemptFromBan    = 400306
	MaxRepetition    = 400307
	BlacklistedWord  = 400308 // message text matches a blacklist rule
	LinkNotAllowed   = 400309 // message text links to a host no whitelist rule allows
	TooManyMember    = 400310
	RateLimited      = 400311
	GloballyBanned   = 400312
	ImageRejected    = 400314 // the image endpoint got something that is not a PNG or JPEG
	Duplicate        = 400315 // e.g. the same reaction twice
	NotBanned        = 400316 // unban of a user who is not banned
	LastModerator    = 400317
	LastMember       = 400318
	NotFound         = 400400 // unknown route, channel (or closed), message, user, rule…
	Conflict         = 400900 // e.g. duplicate channelId
	Business         = 500000 // validation ("Parameters error."), payload too large, internal
)

// codeStatus is the one place that maps a body code to its HTTP status.
// 500000 is absent on purpose: it is 422 for validation, 413 for a payload
// that is too large and 500 for an internal error, so callers say which.
var codeStatus = map[int]int{
	BadRequest:       http.StatusBadRequest,
	InvalidRegex:     http.StatusBadRequest,
	MaxRepetition:    http.StatusBadRequest,
	BlacklistedWord:  http.StatusBadRequest,
	LinkNotAllowed:   http.StatusBadRequest,
	ImageRejected:    http.StatusBadRequest,
	NotBanned:        http.StatusBadRequest,
	TooManyMembers:   http.StatusBadRequest,
	TooManyMember:    http.StatusBadRequest,
	Unauthorized:     http.StatusUnauthorized,
	Forbidden:        http.StatusForbidden,
	PermissionDenied: http.StatusForbidden,
	UserMuted:        http.StatusForbidden,
	ChannelMuted:     http.StatusForbidden,
	UserBanned:       http.StatusForbidden,
	ExemptFromBan:    http.StatusForbidden,
	GloballyBanned:   http.StatusForbidden,
	LastModerator:    http.StatusForbidden,
	LastMember:       http.StatusForbidden,
	RateLimited:      http.StatusTooManyRequests,
	NotFound:         http.StatusNotFound,
	Conflict:         http.StatusConflict,
	Duplicate:        http.StatusConflict,
}

// Status returns the HTTP status the emulator sends with a body code
// (500000 gives 422, the validation case).
func Status(code int) int {
	if s, ok := codeStatus[code]; ok {
		return s
	}
	if code == Business {
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// ForStatus returns the lowest code the emulator pairs with status, or
// Business when none is.
func ForStatus(status int) int {
	code := Business
	for c, s := range codeStatus {
		if s == status && (code == Business || c < code) {
			code = c
		}
	}
	return code
}
