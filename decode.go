package chatadmin

import (
	"bytes"
	"context"
	"fmt"
	"reflect"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
	"github.com/chatadmin/chatadmin-go/internal/jsonbound"
	"github.com/chatadmin/chatadmin-go/internal/jsonread"
)

// response is implemented by the pointer to each response type, so that
// one generic decode serves every endpoint.
type response interface {
	// check fails when the data the endpoint promises is missing (no id,
	// no list), so that no method returns a zero value with a nil error;
	// call wraps its error in ErrUnexpectedResponse.
	check() error
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

// envelope is the wrapped shape, {"status":…,"data":…}; Data holds the
// response pointer, which jsonread.Unmarshal decodes into.
type envelope struct {
	Status status `json:"status"`
	Data   any    `json:"data"`
}

// decodeResponse decodes a 2xx body into out, whichever shape it has,
// and checks that it holds the data out promises. A nil out (action
// endpoints) accepts any body: nothing, OK, {"success":true}… It returns
// an *APIError when the body's status says "error" or "fail". A body with
// both "status" and "data" at its top level is the envelope; any other is
// the payload itself (a flat one with a "status" is read twice, the first
// time for its status: only odd bodies and flat errors have one).
func decodeResponse(body []byte, out response) (*APIError, error) {
	var env envelope
	var err error
	if out == nil {
		if firstByte(body) != '{' {
			return nil, nil // OK, Success, an empty body, an array: acks
		}
		err = jsonread.Unmarshal(body, &statusOnly{&env.Status}, false)
	} else {
		var target any = out
		callers := false // the caller's own type (Client.Do), decoded by encoding/json's rules
		if r, ok := out.(*rawResponse); ok {
			target, callers = r.out, true
		}
		keys, sizeOK := inspect(body, out)
		switch {
		case !sizeOK:
			return nil, fmt.Errorf("the response would hold more than %d times its %d bytes once decoded", maxDecodedFactor, len(body))
		case keys == hasStatus|hasData:
			env.Data = target
			err = jsonread.Unmarshal(body, &env, callers)
		case keys == hasStatus:
			if err = jsonread.Unmarshal(body, &statusOnly{&env.Status}, false); err == nil && !env.Status {
				err = jsonread.Unmarshal(body, target, callers)
			}
		default:
			err = jsonread.Unmarshal(body, target, callers)
		}
	}
	if env.Status {
		return parseErrorBody(body), nil
	}
	if err != nil || out == nil {
		return nil, err
	}
	return nil, out.check()
}

// callFor sends ep and returns what its body decodes into.
func callFor[T any, P interface {
	*T
	response
}](ctx context.Context, c *Client, ep *endpoint, reqOpts []RequestOption) (*T, error) {
	out := new(T)
	if err := c.call(ctx, ep, P(out), reqOpts...); err != nil {
		return nil, err
	}
	return out, nil
}

// statusOnly reads a body's status alone.
type statusOnly struct {
	Status *status `json:"status"`
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// parseErrorBody decodes any error body (internal/apicode); HTML, empty or
// otherwise unreadable bodies (proxies) give an APIError with Code and
// Message empty. A detail object is decoded within the decoded-size bound.
func parseErrorBody(body []byte) *APIError {
	b := apicode.ParseBody(body, func(d []byte) bool { _, ok := inspect(d, nil); return ok })
	return &APIError{Code: ErrorCode(b.Code), Message: b.Message, Details: b.Details, DetailFields: b.Fields}
}

// need says that a success body lacks what the endpoint promises.
func need(ok bool, what string) error {
	if !ok {
		return fmt.Errorf("the response has no %s", what)
	}
	return nil
}

// pageList checks a page list: present (unless optional), no longer than
// a page, and every element valid ({} and null are not).
func pageList[T any](list []T, what string, optional bool, valid func(*T) bool) error {
	switch {
	case list == nil && optional:
		return nil
	case len(list) > MaxPageLimit:
		return fmt.Errorf("more than %d %s items in one page", MaxPageLimit, what)
	}
	return everyItem(list, what, valid)
}

// everyItem checks a list that must be present and hold valid elements.
func everyItem[T any](list []T, what string, valid func(*T) bool) error {
	if list == nil {
		return fmt.Errorf("the response has no %s list", what)
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

// topKeys says which of the envelope's keys a body has at its top level.
type topKeys uint8

const (
	hasStatus topKeys = 1 << iota
	hasData
)

// inspect reads body's top-level keys and reports whether, decoded into
// out, it holds at most maxDecodedFactor times its size plus decodedSlack,
// in one pass. Client.Do's target is the caller's: a struct is taken as
// typed as the SDK's own, anything else (map[string]any, any, a slice) as
// free-form. A nil out is free-form (error details).
func inspect(body []byte, out response) (keys topKeys, sizeOK bool) {
	top := jsonbound.Typed
	if r, ok := out.(*rawResponse); out == nil || ok && reflect.TypeOf(r.out).Elem().Kind() != reflect.Struct {
		top = jsonbound.Any
	}
	est := jsonbound.Estimate(body, top, func(key []byte, depth int) jsonbound.Mode {
		if depth == 1 {
			switch string(key) {
			case "status":
				keys |= hasStatus
			case "data":
				keys |= hasData
			}
		}
		return decodedAs(key, depth)
	})
	return keys, est <= maxDecodedFactor*int64(len(body))+decodedSlack
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
