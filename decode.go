package chatadmin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/chatadmin/chatadmin-go/internal/slots"
)

// response is implemented by the pointer to each response type, so that
// one generic decode serves every endpoint.
type response interface {
	// wire returns the value a body of either success shape decodes into
	// in a single encoding/json pass: a struct that embeds the response
	// (the flat shape: the payload itself) beside the envelope's status
	// and a data field that points at the same response (the wrapped
	// shape). The struct cannot be generic: Go does not embed type
	// parameters, so each type writes its one line (responses.go).
	wire(*status) any
	// check fails when the data the endpoint promises is missing (no id,
	// no list), so that no method returns a zero value with a nil error;
	// call wraps its error in ErrUnexpectedResponse.
	check() error
}

// shell is the envelope half of a wire struct: {"status":…,"data":…}.
type shell[T any] struct {
	Status *status `json:"status"`
	Data   *T      `json:"data"`
}

// status is what an envelope's "status" says: true for "error" or
// "fail". Success words and values of other types say nothing.
type status bool

// UnmarshalJSON reads the word without keeping it: only the two error
// words matter, and comparing needs no allocation.
func (s *status) UnmarshalJSON(b []byte) error {
	*s = status(string(b) == `"error"` || string(b) == `"fail"`)
	return nil
}

// decodeResponse decodes a 2xx body into out, whichever shape it has,
// and checks that it holds the data out promises. A nil out (action
// endpoints) accepts any body: nothing, OK, {"success":true}… It returns
// an *APIError when the body's status says "error" or "fail".
func decodeResponse(body []byte, out response) (*APIError, error) {
	var st status
	var err error
	switch first := firstByte(body); {
	case out == nil:
		if first != '{' {
			return nil, nil // OK, Success, an empty body, an array: acks
		}
		err = json.Unmarshal(body, &shell[struct{}]{Status: &st})
	case first == '[':
		// A bare array (Reactions.MostReacted): only a response type
		// that is a list accepts it; the others fail with a type error.
		err = json.Unmarshal(body, out)
	default:
		err = json.Unmarshal(body, out.wire(&st))
	}
	if st {
		return parseErrorBody(body), nil
	}
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	return nil, out.check()
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// errorBody is an error body, tolerantly: code as number or string,
// detail as list, object or string. A field of an unexpected type is left
// empty (encoding/json keeps decoding the others).
type errorBody struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Data    struct {
		Detail json.RawMessage `json:"detail"`
	} `json:"data"`
}

// parseErrorBody decodes any error body; HTML, empty or otherwise
// unreadable bodies (proxies) give an APIError with Code and Message empty.
func parseErrorBody(body []byte) *APIError {
	var b errorBody
	e := &APIError{}
	if json.Unmarshal(body, &b) != nil && len(b.Code) == 0 && len(b.Message) == 0 {
		return e
	}
	if n, err := strconv.Atoi(string(bytes.Trim(b.Code, `"`))); err == nil {
		e.Code = ErrorCode(n)
	}
	if len(b.Message) > 0 {
		_ = json.Unmarshal(b.Message, &e.Message)
	}
	if d := b.Data.Detail; len(d) > 0 {
		var list []string
		var fields map[string]any
		var one string
		switch {
		case json.Unmarshal(d, &list) == nil:
			e.Details = list
		case json.Unmarshal(d, &fields) == nil:
			e.DetailFields = fields
		case json.Unmarshal(d, &one) == nil:
			e.Details = []string{one}
		}
	}
	return e
}

// errNoData says that a success body lacks what the endpoint promises.
func errNoData(what string) error {
	return fmt.Errorf("the response has no %s", what)
}

// maxListItems is the length of a page list's slot array (internal/slots).
const maxListItems = slots.N

// A page holds at most MaxPageLimit items: the slots hold one more.
var _ = [1]int{}[maxListItems-MaxPageLimit-1]

type marker = slots.Marker
