// Package form encodes free-form values in the bracket notation a
// qs-style server parses back (metadata[a][0][sku]=x), and checks the
// limits past which such a server would change the data instead of failing.
package form

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error names the wire key of a value that cannot be sent, and why.
type Error struct {
	Key string // e.g. "metadata[items][0]", or "form body" for the whole
	Msg string
}

func (e *Error) Error() string { return e.Key + ": " + e.Msg }

// plainMap turns a named map type (chatadmin.Metadata) into the
// map[string]any it is, so that a type switch finds it.
func plainMap(val any) any {
	anyMap := reflect.TypeFor[map[string]any]()
	if v := reflect.ValueOf(val); v.Kind() == reflect.Map && v.Type() != anyMap && v.Type().ConvertibleTo(anyMap) {
		return v.Convert(anyMap).Interface()
	}
	return val
}

func errorf(key, format string, args ...any) error {
	return &Error{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// Encode writes val under key in bracket notation (see chatadmin.Metadata).
func Encode(key string, val any, v *url.Values) error {
	switch x := plainMap(val).(type) {
	case nil:
		return errNullInForm(key)
	case map[string]any:
		if len(x) == 0 {
			return errEmptyInForm(key, "object")
		}
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return err
			}
			if err := Encode(key+"["+k+"]", inner, v); err != nil {
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
				if err := Encode(elem, inner, v); err != nil {
					return err
				}
				continue
			}
			if inner == nil {
				return errNullInForm(elem)
			}
			s, ok := Scalar(inner)
			if !ok {
				return errorf(elem, "cannot form-encode a value of type %T", inner)
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
		s, ok := Scalar(val)
		if !ok {
			return errorf(key, "cannot form-encode a value of type %T", val)
		}
		v.Add(key, s)
	}
	return nil
}

// errNullInForm refuses nil: a form has no null, and the server would read
// an empty string.
func errNullInForm(key string) error {
	return errorf(key, "null cannot be sent in a form body (it would arrive as \"\")")
}

// errEmptyInForm refuses an empty object or array: it gives no parameter,
// so the server would not see it at all.
func errEmptyInForm(key, what string) error {
	return errorf(key, "an empty %s cannot be sent in a form body (the server would not see it)", what)
}

// isFormContainer reports the metadata values that nest: an array holding
// one is sent with indexes.
func isFormContainer(val any) bool {
	switch val.(type) {
	case map[string]any, map[string]string, []any, []string:
		return true
	}
	return false
}

// Scalar is how a scalar travels in a form body: as its text.
func Scalar(val any) (string, bool) {
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

// Shape is val (sent under key) as a qs-style server holds it after
// parsing our form body: every scalar a string. Limits the server measures
// on the stored object must be measured on this shape: {"n":5} arrives as
// {"n":"5"}. It refuses what Encode refuses, with the same *Error.
func Shape(key string, val any) (any, error) {
	switch x := plainMap(val).(type) {
	case map[string]any:
		if len(x) == 0 {
			return nil, errEmptyInForm(key, "object")
		}
		out := make(map[string]any, len(x))
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return nil, err
			}
			shaped, err := Shape(key+"["+k+"]", inner)
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
			shaped, err := Shape(key+"["+strconv.Itoa(i)+"]", inner)
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
	s, ok := Scalar(val)
	if !ok {
		return nil, errorf(key, "cannot form-encode a value of type %T", val)
	}
	return s, nil
}

// checkMetadataKey refuses keys that bracket notation cannot carry: an empty
// key reads back as an array, and a bracket inside a key changes the nesting
// the server sees.
// A key of digits only would be read as an array index, turning the object
// into an array.
func checkMetadataKey(parent, k string) error {
	if k == "" || strings.ContainsAny(k, "[]") {
		return errorf(parent, "key %q cannot be sent in a form body (empty or contains [ or ])", k)
	}
	if k == "__proto__" {
		// JavaScript objects treat this key as their prototype: the value
		// would be dropped without an error.
		return errorf(parent, "key %q cannot be sent in a form body: a qs parser drops it", k)
	}
	if strings.Trim(k, "0123456789") == "" {
		return errorf(parent, "key %q cannot be sent in a form body: a qs parser reads it as an array index", k)
	}
	return nil
}

// The server parses form bodies and query strings with qs, each with its
// own options: body-parser's for bodies, qs's defaults for
// queries. Past a limit qs does not fail but changes the data (an array
// becomes an object, a deep key stays literal text, parameters are
// dropped), so the SDK refuses such requests before sending.
type Limits struct {
	What  string // "form body" or "query string", for errors
	Depth int    // bracket groups a key may have
	// ArrayLimit is the most elements one array may have (0: no limit,
	// as in a body, where body-parser raises it to the parameter count).
	ArrayLimit int
}

const qsParameterLimit = 1000 // parameters qs reads; body-parser answers 413 past it

// MaxQueryArray is the most values one array may hold in a query string:
// the server's query parser turns a longer array into an object. Filter
// lists that may be longer are split into several requests.
const MaxQueryArray = 20

var (
	Body  = Limits{What: "form body", Depth: 32}                              // body-parser: depth 32, strictDepth
	Query = Limits{What: "query string", Depth: 5, ArrayLimit: MaxQueryArray} // Express "extended": qs defaults
)

// Check refuses vals when the server's parser would not read them back as
// they are.
func (l Limits) Check(vals url.Values) error {
	n := 0
	for k, vs := range vals {
		n += len(vs)
		if err := l.checkKey(k, len(vs)); err != nil {
			return err
		}
	}
	return l.checkCount(n)
}

// checkKey refuses a key the server's parser would not read back with its
// n values.
func (l Limits) checkKey(k string, n int) error {
	groups := strings.Count(k, "[")
	if groups > l.Depth {
		return errorf(k, "nested %d levels deep; the server reads at most %d in a %s", groups, l.Depth, l.What)
	}
	if l.ArrayLimit == 0 {
		return nil
	}
	if n > l.ArrayLimit {
		return errorf(strings.TrimSuffix(k, "[]"), "%d values; a query string carries at most %d in one array", n, l.ArrayLimit)
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
		if i, err := strconv.Atoi(rest[open+1 : open+end]); err == nil && i >= l.ArrayLimit {
			return errorf(k, "index %d; a query string carries at most %d values in one array", i, l.ArrayLimit)
		}
		rest = rest[open+end+1:]
	}
	return nil
}

// checkCount refuses more parameters than the server reads.
func (l Limits) checkCount(n int) error {
	if n > qsParameterLimit {
		return errorf(l.What, "%d parameters; the server reads at most %d", n, qsParameterLimit)
	}
	return nil
}

// EncodeList is Encode(url.Values{key: vs}) without the map: the body of
// the member, ban and unban calls, whose map was a fifth of the form's
// cost.
func (l Limits) EncodeList(key string, vs []string) ([]byte, error) {
	if err := l.checkKey(key, len(vs)); err != nil {
		return nil, err
	}
	if err := l.checkCount(len(vs)); err != nil {
		return nil, err
	}
	n := 0
	for _, v := range vs {
		n += len(key) + len(v) + 2
	}
	return appendKey(make([]byte, 0, n+n/4), key, vs)
}

// Bytes is vals.Encode() as bytes (keys sorted, keys and values escaped as
// url.QueryEscape escapes them), built in one presized buffer, and checked
// in the same pass: a key or value that is not valid UTF-8 (which the
// server would store as it is, or replace) gives an *Error naming its key
// instead. Encode and a separate check walk every value three times and
// copy the text twice; BenchmarkBytes keeps the difference measured.
func Bytes(vals url.Values) ([]byte, error) {
	n := 0
	for k, vs := range vals {
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
	}
	b := make([]byte, 0, n+n/4) // room for some escapes
	if len(vals) == 1 {
		for k, vs := range vals { // no sorting: no slice of keys
			return appendKey(b, k, vs)
		}
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var err error
	for _, k := range keys {
		if b, err = appendKey(b, k, vals[k]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendKey appends k=v for each of vs, k escaped once.
func appendKey(b []byte, k string, vs []string) ([]byte, error) {
	if len(vs) == 0 {
		return b, nil
	}
	if len(b) > 0 {
		b = append(b, '&')
	}
	start := len(b)
	b, ok := appendEscaped(b, k)
	if !ok {
		return nil, &Error{Key: strings.ToValidUTF8(k, "\uFFFD"), Msg: "is not valid UTF-8"}
	}
	b = append(b, '=')
	var buf [64]byte                                  // on the stack for a key of up to 62 bytes escaped
	sep := append(append(buf[:0], '&'), b[start:]...) // "&key=", before every value after the first
	for i, v := range vs {
		if i > 0 {
			b = append(b, sep...)
		}
		if b, ok = appendEscaped(b, v); !ok {
			return nil, &Error{Key: k, Msg: "is not valid UTF-8"}
		}
	}
	return b, nil
}

// unreserved marks the bytes url.QueryEscape leaves as they are.
var unreserved = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~") {
		t[c] = true
	}
	return t
}()

const upperHex = "0123456789ABCDEF"

// appendEscaped appends s escaped as url.QueryEscape escapes it (a space
// as +, every byte but the unreserved ones as %XX), and reports whether s
// is valid UTF-8, in one pass: the bytes past ASCII are escaped anyway,
// and decoding their runes on the way costs little.
func appendEscaped(b []byte, s string) ([]byte, bool) {
	valid := true
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && unreserved[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		if j == len(s) {
			break
		}
		switch c := s[j]; {
		case c == ' ':
			b = append(b, '+')
			i = j + 1
		case c < utf8.RuneSelf:
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
			i = j + 1
		default:
			r, size := utf8.DecodeRuneInString(s[j:])
			if r == utf8.RuneError && size == 1 {
				valid = false
			}
			for _, c := range []byte(s[j : j+size]) {
				b = append(b, '%', upperHex[c>>4], upperHex[c&15])
			}
			i = j + size
		}
	}
	return b, valid
}

// BadUTF8 finds a string in v (a value encoding/json will encode) that is
// not valid UTF-8, which encoding/json would send as U+FFFD, and returns
// its path: ".field", "[2]", `["key"]`, joined.
func BadUTF8(v any) (path string, bad bool) { return badUTF8(reflect.ValueOf(v)) }

func badUTF8(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return "", !utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badUTF8(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", false // bytes (json.RawMessage, []byte): encoded already, or base64
		}
		for i := 0; i < v.Len(); i++ {
			if p, bad := badUTF8(v.Index(i)); bad {
				return "[" + strconv.Itoa(i) + "]" + p, true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			k := fmt.Sprint(it.Key().Interface())
			if !utf8.ValidString(k) {
				return "[" + strconv.Quote(k) + "]", true
			}
			if p, bad := badUTF8(it.Value()); bad {
				return "[" + strconv.Quote(k) + "]" + p, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			p, bad := badUTF8(v.Field(i))
			switch {
			case !bad:
				continue
			case f.Anonymous:
				return p, true
			case name == "":
				name = f.Name
			}
			return "." + name + p, true
		}
	}
	return "", false
}
