package chatadmintest

import (
	"fmt"
	"net/http"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
)

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
	return &apiError{status: apicode.Status(code), code: code, message: msg}
}

func errBadRequest(msg string) *apiError { return errCode(apicode.BadRequest, msg) }
func errNotFound(what string) *apiError  { return errCode(apicode.NotFound, what+" Not Found.") }

// errValidation is the fastest-validator style answer: 422, 500000,
// "Parameters error." with the list of messages in data.detail.
func errValidation(details []string) *apiError {
	return &apiError{status: http.StatusUnprocessableEntity, code: apicode.Business, message: "Parameters error.", detail: details}
}

// errTooLarge mirrors body-parser's 413 for bodies over the limit.
func errTooLarge() *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: apicode.Business, message: "Payload too large."}
}

var errUnauthorized = &apiError{status: http.StatusUnauthorized, code: apicode.Unauthorized, message: "Unauthorized."}

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
	code := apicode.ForStatus(status)
	msg := http.StatusText(status) + "."
	switch status {
	case http.StatusTooManyRequests:
		code, msg = apicode.RateLimited, "RateLimit Exceed."
	case http.StatusUnprocessableEntity:
		msg = "Parameters error."
	}
	return &apiError{status: status, code: code, message: msg}
}
