package apicode

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Body is what an error body says, read tolerantly: code as number or
// string, detail as list, object or string. A field of an unexpected type
// is left empty.
type Body struct {
	Code    int
	Message string
	Details []string       // a detail list, or a detail string
	Fields  map[string]any // a detail object
}

// ParseBody reads any error body; HTML, empty or otherwise unreadable bodies
// (proxies) give a zero Body. A detail object is decoded only when
// decodable(its bytes) says so (a bound on what it may hold).
func ParseBody(body []byte, decodable func([]byte) bool) Body {
	var raw struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
		Data    struct {
			Detail json.RawMessage `json:"detail"`
		} `json:"data"`
	}
	var b Body
	if json.Unmarshal(body, &raw) != nil && len(raw.Code) == 0 && len(raw.Message) == 0 {
		return b
	}
	b.Code, _ = strconv.Atoi(string(bytes.Trim(raw.Code, `"`)))
	if len(raw.Message) > 0 {
		_ = json.Unmarshal(raw.Message, &b.Message)
	}
	if d := raw.Data.Detail; len(d) > 0 {
		var list []string
		var fields map[string]any
		var one string
		switch {
		case json.Unmarshal(d, &list) == nil:
			b.Details = list
		case decodable(d) && json.Unmarshal(d, &fields) == nil:
			b.Fields = fields
		case json.Unmarshal(d, &one) == nil:
			b.Details = []string{one}
		}
	}
	return b
}
