// Package route fills an endpoint's path template (/api/v2/channel/:channelId)
// with escaped values.
package route

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ParamError refuses the value of one :param (named without its colon, as
// the wire names it).
type ParamError struct {
	Param, Msg string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// GoName is the Go name of a path parameter: "channelId" → "channelID".
func GoName(param string) string {
	if base, ok := strings.CutSuffix(param, "Id"); ok {
		return base + "ID"
	}
	return param
}

// Expand fills the template's :params with escaped values. Escaping with
// url.PathEscape keeps every value inside its own path segment, so no id
// can change which route is hit. An empty or invalid UTF-8 value gives a
// *ParamError.
func Expand(route string, params []string) (string, error) {
	if len(params) == 0 {
		return route, nil
	}
	var b strings.Builder
	b.Grow(len(route) + 32)
	n := 0
	for seg := range strings.SplitSeq(route[1:], "/") {
		b.WriteByte('/')
		if !strings.HasPrefix(seg, ":") {
			b.WriteString(seg)
			continue
		}
		if n >= len(params) {
			return "", fmt.Errorf("route %s: missing value for %s", route, seg)
		}
		switch p := params[n]; {
		case p == "":
			return "", &ParamError{seg[1:], "is required"}
		case !utf8.ValidString(p):
			return "", &ParamError{seg[1:], "is not valid UTF-8"}
		}
		b.WriteString(escapeSegment(params[n]))
		n++
	}
	return b.String(), nil
}

// escapeSegment escapes one path segment. "." and ".." are escaped too:
// url.PathEscape leaves them alone, and a server or proxy that resolves dot
// segments would then route the request elsewhere.
func escapeSegment(v string) string {
	if v == "." || v == ".." {
		return strings.Repeat("%2E", len(v))
	}
	return url.PathEscape(v)
}
