package chatadmin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
)

// Metadata is free-form data attached to a channel or a user. In form bodies
// it is sent in bracket notation (metadata[k]=v, metadata[a][b]=1), which a
// qs-style server parses back into a nested object; in JSON bodies it is an
// ordinary object.
//
// Values may be strings, bools, numbers (they arrive as strings), nested
// maps (map[string]any, Metadata, map[string]string) and arrays ([]any,
// []string). An array of scalars is sent as key[]=a&key[]=b; an array
// holding objects or arrays is sent with indexes (key[0][sku]=a1), since
// with key[] the server would merge the objects into one and flatten the
// arrays. What a form cannot carry is refused with a *ValidationError naming
// its path (metadata[items][0]): nil, an empty map or an empty array inside
// the metadata, keys the bracket notation would misread, and nesting past
// the server's parser depth.
type Metadata map[string]any

// EncodeValues writes m in bracket notation under key. It implements
// go-querystring's Encoder, which cannot encode maps by itself.
func (m Metadata) EncodeValues(key string, v *url.Values) error {
	return encodeNested(key, map[string]any(m), v)
}

func encodeNested(key string, val any, v *url.Values) error {
	switch x := val.(type) {
	case nil:
		return errNullInForm(key)
	case Metadata:
		return encodeNested(key, map[string]any(x), v)
	case map[string]any:
		if len(x) == 0 {
			return errEmptyInForm(key, "object")
		}
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return err
			}
			if err := encodeNested(key+"["+k+"]", inner, v); err != nil {
				return err
			}
		}
	case map[string]string:
		if len(x) == 0 {
			return errEmptyInForm(key, "object")
		}
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return err
			}
			v.Add(key+"["+k+"]", inner)
		}
	case []any:
		if len(x) == 0 {
			return errEmptyInForm(key, "array")
		}
		indexed := slices.ContainsFunc(x, isFormContainer)
		for i, inner := range x {
			elem := key + "[" + strconv.Itoa(i) + "]"
			if indexed {
				if err := encodeNested(elem, inner, v); err != nil {
					return err
				}
				continue
			}
			if inner == nil {
				return errNullInForm(elem)
			}
			s, ok := formScalar(inner)
			if !ok {
				return invalidAt(elem, "cannot form-encode a value of type %T", inner)
			}
			v.Add(key+"[]", s)
		}
	case []string:
		if len(x) == 0 {
			return errEmptyInForm(key, "array")
		}
		for _, inner := range x {
			v.Add(key+"[]", inner)
		}
	default:
		s, ok := formScalar(val)
		if !ok {
			return invalidAt(key, "cannot form-encode a value of type %T", val)
		}
		v.Add(key, s)
	}
	return nil
}

// errNullInForm refuses nil: a form has no null, and the server would read
// an empty string.
func errNullInForm(key string) error {
	return invalidAt(key, "null cannot be sent in a form body (it would arrive as \"\")")
}

// errEmptyInForm refuses an empty object or array: it gives no parameter,
// so the server would not see it at all.
func errEmptyInForm(key, what string) error {
	return invalidAt(key, "an empty %s cannot be sent in a form body (the server would not see it)", what)
}

// isFormContainer reports the metadata values that nest: an array holding
// one is sent with indexes.
func isFormContainer(val any) bool {
	switch val.(type) {
	case Metadata, map[string]any, map[string]string, []any, []string:
		return true
	}
	return false
}

// formScalar is how a scalar travels in a form body: as its text.
func formScalar(val any) (string, bool) {
	switch x := val.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, json.Number:
		return fmt.Sprint(x), true
	}
	return "", false
}

// formShape is val (sent under key) as a qs-style server holds it after
// parsing our form body: every scalar a string. Limits the server measures
// on the stored object must be measured on this shape: {"n":5} arrives as
// {"n":"5"}. It refuses what encodeNested refuses, with the same
// *ValidationError.
func formShape(key string, val any) (any, error) {
	switch x := val.(type) {
	case Metadata:
		return formShape(key, map[string]any(x))
	case map[string]any:
		if len(x) == 0 {
			return nil, errEmptyInForm(key, "object")
		}
		out := make(map[string]any, len(x))
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return nil, err
			}
			shaped, err := formShape(key+"["+k+"]", inner)
			if err != nil {
				return nil, err
			}
			out[k] = shaped
		}
		return out, nil
	case map[string]string:
		if len(x) == 0 {
			return nil, errEmptyInForm(key, "object")
		}
		for k := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return nil, err
			}
		}
		return x, nil
	case []string:
		if len(x) == 0 {
			return nil, errEmptyInForm(key, "array")
		}
		return x, nil
	case []any:
		if len(x) == 0 {
			return nil, errEmptyInForm(key, "array")
		}
		out := make([]any, len(x))
		for i, inner := range x {
			shaped, err := formShape(key+"["+strconv.Itoa(i)+"]", inner)
			if err != nil {
				return nil, err
			}
			out[i] = shaped
		}
		return out, nil
	}
	if val == nil {
		return nil, errNullInForm(key)
	}
	s, ok := formScalar(val)
	if !ok {
		return nil, invalidAt(key, "cannot form-encode a value of type %T", val)
	}
	return s, nil
}

// bracketList is a string list sent as key[]=a&key[]=b, so that a qs parser
// reads it as an array even with one element. As a go-querystring Encoder it
// also skips the library's per-element reflection and fmt.Sprint, which
// dominated the allocations of a 100-id ban.
type bracketList []string

// EncodeValues implements go-querystring's Encoder.
func (l bracketList) EncodeValues(key string, v *url.Values) error {
	if len(l) == 0 {
		return nil
	}
	k := key + "[]"
	(*v)[k] = append((*v)[k], l...)
	return nil
}

// checkMetadataKey refuses keys that bracket notation cannot carry: an empty
// key reads back as an array, and a bracket inside a key changes the nesting
// the server sees.
// A key of digits only would be read as an array index, turning the object
// into an array.
func checkMetadataKey(parent, k string) error {
	if k == "" || strings.ContainsAny(k, "[]") {
		return invalidAt(parent, "key %q cannot be sent in a form body (empty or contains [ or ])", k)
	}
	if k == "__proto__" {
		// JavaScript objects treat this key as their prototype: the value
		// would be dropped without an error.
		return invalidAt(parent, "key %q cannot be sent in a form body: a qs parser drops it", k)
	}
	if strings.Trim(k, "0123456789") == "" {
		return invalidAt(parent, "key %q cannot be sent in a form body: a qs parser reads it as an array index", k)
	}
	return nil
}

// The server parses form bodies and query strings with qs, each with its
// own options (DESIGN §2): body-parser's for bodies, qs's defaults for
// queries. Past a limit qs does not fail but changes the data (an array
// becomes an object, a deep key stays literal text, parameters are
// dropped), so the SDK refuses such requests before sending.
type wireLimits struct {
	what  string // "form body" or "query string", for errors
	depth int    // bracket groups a key may have
	// arrayLimit is the most elements one array may have (0: no limit,
	// as in a body, where body-parser raises it to the parameter count).
	arrayLimit int
}

const qsParameterLimit = 1000 // parameters qs reads; body-parser answers 413 past it

// maxQueryArray is the most values one array may hold in a query string:
// the server's query parser turns a longer array into an object. Filter
// lists that may be longer are split into several requests.
const maxQueryArray = 20

var (
	bodyLimits  = wireLimits{what: "form body", depth: 32}                              // body-parser: depth 32, strictDepth
	queryLimits = wireLimits{what: "query string", depth: 5, arrayLimit: maxQueryArray} // Express "extended": qs defaults
)

// check refuses vals when the server's parser would not read them back as
// they are.
func (l wireLimits) check(vals url.Values) error {
	n := 0
	for k, vs := range vals {
		n += len(vs)
		groups := strings.Count(k, "[")
		if groups > l.depth {
			return invalidAt(k, "nested %d levels deep; the server reads at most %d in a %s", groups, l.depth, l.what)
		}
		if l.arrayLimit == 0 {
			continue
		}
		if len(vs) > l.arrayLimit {
			return invalidAt(strings.TrimSuffix(k, "[]"), "%d values; a query string carries at most %d in one array", len(vs), l.arrayLimit)
		}
		for rest := k; ; {
			open := strings.IndexByte(rest, '[')
			if open < 0 {
				break
			}
			end := strings.IndexByte(rest[open:], ']')
			if end < 0 {
				break
			}
			if i, err := strconv.Atoi(rest[open+1 : open+end]); err == nil && i >= l.arrayLimit {
				return invalidAt(k, "index %d; a query string carries at most %d values in one array", i, l.arrayLimit)
			}
			rest = rest[open+end+1:]
		}
	}
	if n > qsParameterLimit {
		return invalid(l.what, l.what, "%d parameters; the server reads at most %d", n, qsParameterLimit)
	}
	return nil
}

// encodeValues turns a tagged options struct into url.Values. A nil pointer
// gives no values.
func encodeValues(opts any) (url.Values, error) {
	if opts == nil {
		return nil, nil
	}
	vals, ok := opts.(url.Values)
	if ok {
		return vals, checkUTF8(vals)
	}
	vals, err := query.Values(opts)
	if err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			return nil, verr
		}
		return nil, fmt.Errorf("chatadmin: encoding parameters: %w", err)
	}
	return vals, checkUTF8(vals)
}

// checkUTF8 refuses a key or value that is not valid UTF-8: the server
// would store the bytes as they are, or replace them.
func checkUTF8(vals url.Values) error {
	for k, vs := range vals {
		if !utf8.ValidString(k) {
			return invalidAt(strings.ToValidUTF8(k, "\uFFFD"), "is not valid UTF-8")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return invalidAt(k, "is not valid UTF-8")
			}
		}
	}
	return nil
}

// formLen is the length of appendForm's output for vals.
func formLen(vals url.Values) int {
	n := 0
	for k, vs := range vals {
		kl := queryEscapedLen(k)
		for _, v := range vs {
			n += kl + 1 + queryEscapedLen(v) + 1 // k=v&
		}
	}
	return max(n-1, 0)
}

// appendForm appends vals as url.Values.Encode writes them (keys sorted,
// each value key=value, joined by &, escaped by url.QueryEscape), without
// Encode's growing builder and per-key escaped copies: with a destination
// sized by formLen the whole body is a single allocation.
func appendForm(dst []byte, vals url.Values) []byte {
	var stack [16]string
	keys := stack[:0]
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	first := true
	for _, k := range keys {
		for _, v := range vals[k] {
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = appendQueryEscape(dst, k)
			dst = append(dst, '=')
			dst = appendQueryEscape(dst, v)
		}
	}
	return dst
}

// queryUnescaped reports the bytes url.QueryEscape leaves as they are.
func queryUnescaped(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

func queryEscapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; !queryUnescaped(c) && c != ' ' {
			n += 2
		}
	}
	return n
}

// appendQueryEscape appends url.QueryEscape(s).
func appendQueryEscape(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case queryUnescaped(c):
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// invalidAt is invalid for a value found under the wire key: the Go name
// is derived from it (see goPath).
func invalidAt(key, format string, args ...any) error {
	return invalid(goPath(key), key, format, args...)
}

// goFields are the Go names of the wire fields whose nested values the
// encoder checks.
var goFields = map[string]string{
	"metadata": "Metadata", "tags": "Tags", "excludeTags": "ExcludeTags", "userIds": "UserIDs",
	"regexs": "Regexs", "roles": "Roles", "options": "options",
}

// goPath turns a wire key such as "metadata[a][0]" into the Go expression
// a caller wrote, `Metadata["a"][0]`. An unknown field keeps its wire name.
func goPath(key string) string {
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

// goParam is the Go name of a path parameter: "channelId" → "channelID".
func goParam(wire string) string {
	if base, ok := strings.CutSuffix(wire, "Id"); ok {
		return base + "ID"
	}
	return wire
}
