package form

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode is Bytes(vals) then l.Check(vals): the bytes of a form body or
// query string, or the *Error of what the server could not read back.
func (l Limits) Encode(vals url.Values) ([]byte, error) {
	b, err := Bytes(vals)
	if err != nil {
		return nil, err
	}
	if err := l.Check(vals); err != nil {
		return nil, err
	}
	return b, nil
}

// CheckUTF8 refuses a key or value that is not valid UTF-8 (the server
// would store the bytes as they are, or replace them) with an *Error.
func CheckUTF8(vals url.Values) error {
	for k, vs := range vals {
		if !utf8.ValidString(k) {
			return &Error{Key: strings.ToValidUTF8(k, "\uFFFD"), Msg: "is not valid UTF-8"}
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return &Error{Key: k, Msg: "is not valid UTF-8"}
			}
		}
	}
	return nil
}

// goFields are the Go names of the wire fields whose nested values the
// encoder checks.
var goFields = map[string]string{
	"metadata": "Metadata", "tags": "Tags", "excludeTags": "ExcludeTags", "userIds": "UserIDs",
	"regexs": "Regexs", "roles": "Roles", "options": "options",
}

// GoPath turns a wire key such as "metadata[a][0]" into the Go expression
// a caller wrote, `Metadata["a"][0]`. An unknown field keeps its wire name.
func GoPath(key string) string {
	head, rest, _ := strings.Cut(key, "[")
	if name, ok := goFields[head]; ok {
		head = name
	}
	if rest == "" {
		return head
	}
	var b strings.Builder
	b.WriteString(head)
	for seg := range strings.SplitSeq(strings.TrimSuffix(rest, "]"), "][") {
		switch _, err := strconv.Atoi(seg); {
		case seg == "":
		case err == nil:
			b.WriteString("[" + seg + "]")
		default:
			b.WriteString("[" + strconv.Quote(seg) + "]")
		}
	}
	return b.String()
}
