package chatadmin

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// envelope is what the top level of a response body says about itself.
type envelope struct {
	status  string // the "status" string, "" when absent or not a string
	data    []byte // the raw "data" value, nil when absent
	code    []byte // the raw "code" value, nil when absent
	message []byte // the raw "message" value, nil when absent
}

var errNotObject = errors.New("not a JSON object")

// scanEnvelope reads the top-level keys of a JSON object without decoding the
// values, so that a flat payload is decoded once (by the caller, straight
// into its type) instead of twice (once to look for a wrapper, once for real).
// It returns errNotObject for arrays and scalars, and an error for malformed
// input.
func scanEnvelope(body []byte) (envelope, error) {
	var env envelope
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return env, errNotObject
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return env, nil
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return env, errors.New("expected an object key")
		}
		keyEnd, err := skipString(body, i)
		if err != nil {
			return env, err
		}
		key := body[i+1 : keyEnd-1]
		i = skipSpace(body, keyEnd)
		if i >= len(body) || body[i] != ':' {
			return env, errors.New("expected ':' after an object key")
		}
		i = skipSpace(body, i+1)
		valEnd, err := skipValue(body, i)
		if err != nil {
			return env, err
		}
		val := body[i:valEnd]
		switch string(key) {
		case "status":
			if len(val) > 0 && val[0] == '"' {
				if s, err := strconv.Unquote(string(val)); err == nil {
					env.status = s
				}
			}
		case "data":
			env.data = val
		case "code":
			env.code = val
		case "message":
			env.message = val
		}
		i = skipSpace(body, valEnd)
		if i >= len(body) {
			return env, errors.New("unexpected end of JSON object")
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			if j := skipSpace(body, i+1); j != len(body) {
				return env, errors.New("data after the top-level object")
			}
			return env, nil
		default:
			return env, errors.New("expected ',' or '}'")
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errors.New("unterminated string")
}

// skipValue returns the index just past the JSON value starting at b[i]. It
// checks nesting and strings, not the spelling of literals: encoding/json
// checks those when the value is decoded.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("missing value")
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated object or array")
	default:
		j := i
		for j < len(b) && !isValueEnd(b[j]) {
			j++
		}
		if j == i {
			return 0, errors.New("missing value")
		}
		return j, nil
	}
}

func isValueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', '}', ']':
		return true
	}
	return false
}

// isActionAck reports whether body is one of the bodies action endpoints send
// instead of data: nothing, OK, Success, {"success":true} and the like.
func isActionAck(body []byte) bool {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return true
	}
	switch string(bytes.Trim(t, `"`)) {
	case "OK", "ok", "Ok", "Success", "success":
		return true
	}
	return false
}

// decodeSuccess decodes a 2xx body into out, unwrapping {"status","data"}
// when present. A nil out accepts any body (action endpoints). It returns an
// *APIError when the body's status says "error" or "fail".
func decodeSuccess(body []byte, out any) (*APIError, error) {
	env, err := scanEnvelope(body)
	switch {
	case err == nil:
		if env.status == "error" || env.status == "fail" {
			return errorFromBody(body, env), nil
		}
		if env.status != "" && env.data != nil {
			body = env.data
		}
	case errors.Is(err, errNotObject):
		// Arrays and scalars are payloads (or acks) as they are.
	default:
		if out == nil && isActionAck(body) {
			return nil, nil
		}
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	if len(bytes.TrimSpace(body)) == 0 || isActionAck(body) {
		return nil, errors.New("the response has no data")
	}
	return nil, json.Unmarshal(body, out)
}

// errorFromBody builds an APIError from an error body, tolerating every form
// seen in the wild: code as number or string, detail as list or object, HTML
// or empty bodies from proxies (which leave Code and Message empty).
func errorFromBody(body []byte, env envelope) *APIError {
	e := &APIError{}
	if env.code != nil {
		raw := bytes.Trim(env.code, `"`)
		if n, err := strconv.Atoi(string(raw)); err == nil {
			e.Code = n
		}
	}
	if env.message != nil {
		_ = json.Unmarshal(env.message, &e.Message)
	}
	if env.data != nil {
		var d struct {
			Detail json.RawMessage `json:"detail"`
		}
		if json.Unmarshal(env.data, &d) == nil && len(d.Detail) > 0 {
			var list []string
			if json.Unmarshal(d.Detail, &list) == nil {
				e.Details = list
			} else {
				var fields map[string]any
				if json.Unmarshal(d.Detail, &fields) == nil {
					e.DetailFields = fields
				} else {
					var one string
					if json.Unmarshal(d.Detail, &one) == nil {
						e.Details = []string{one}
					}
				}
			}
		}
	}
	return e
}

// parseErrorBody decodes any error body; non-JSON bodies give an APIError
// with only the raw body set.
func parseErrorBody(body []byte) *APIError {
	env, err := scanEnvelope(body)
	if err != nil {
		return &APIError{}
	}
	return errorFromBody(body, env)
}
