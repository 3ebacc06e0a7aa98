package chatadmin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/chatadmin/chatadmin-go/internal/jsonbound"
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
	case out != nil && !decodedSizeOK(body, out):
		return nil, fmt.Errorf("the response would hold more than %d times its %d bytes once decoded", maxDecodedFactor, len(body))
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
		case decodedSizeOK(d, nil) && json.Unmarshal(d, &fields) == nil:
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

// pageList checks a page list: present (unless optional), no longer than
// a page, and every element valid ({} and null are not).
func pageList[T any](list []T, what string, optional bool, valid func(*T) bool) error {
	switch {
	case list == nil && optional:
		return nil
	case list == nil:
		return fmt.Errorf("the response has no %s list", what)
	case len(list) > MaxPageLimit:
		return fmt.Errorf("more than %d %s items in one page", MaxPageLimit, what)
	}
	for i := range list {
		if !valid(&list[i]) {
			return fmt.Errorf("%s #%d has no id", what, i)
		}
	}
	return nil
}

// What a response holds once decoded is bounded by the bytes received:
// at most maxDecodedFactor times them, plus decodedSlack. The slack is a
// page of typed items: internal/jsonbound charges every typed object as
// the largest struct (jsonbound.MaxStruct, twice over as a slice element),
// so a full page of minimal items ({"messageId":"m"}) is charged far more
// than 4 times its bytes; 2 KiB per item covers a page of the largest
// item with its pointer structs and a nested list (reaction groups).
// Free-form data (metadata, error details), which holds 5 to 45 times its
// size as map[string]any when its keys and values are tiny, and any list
// longer than a few pages, are refused before they are decoded.
const (
	maxDecodedFactor = 4
	decodedSlack     = MaxPageLimit * 2 << 10
)

// decodedSizeOK reports whether body, decoded into out, holds at most
// maxDecodedFactor times its size plus decodedSlack. Client.Do's target is
// the caller's: a struct is taken as typed as the SDK's own, anything else
// (map[string]any, any, a slice) as free-form. A nil out is free-form
// (error details).
func decodedSizeOK(body []byte, out response) bool {
	top := jsonbound.Typed
	if r, ok := out.(*rawResponse); out == nil || ok && reflect.TypeOf(r.out).Elem().Kind() != reflect.Struct {
		top = jsonbound.Any
	}
	return jsonbound.Estimate(body, top, decodedAs) <= maxDecodedFactor*int64(len(body))+decodedSlack
}

// decodedAs says what the value of a response's key decodes into: the
// free-form maps (Metadata, APIError.DetailFields, Message.Reactions) are
// interface values and a message's data is kept raw; the envelope's "data"
// (depth 1) is the typed payload.
func decodedAs(key []byte, depth int) jsonbound.Mode {
	switch string(key) {
	case "metadata", "detail", "reactions":
		return jsonbound.Any
	case "data":
		if depth > 1 {
			return jsonbound.Raw
		}
	}
	return jsonbound.Typed
}
