package chatadmintest

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the qs parser as body-parser's urlencoded({extended:true})
// configures it (libraries.md §4).
const (
	qsParameterLimit = 1000 // more parameters: 413 "too many parameters"
	qsDepth          = 32   // more bracket levels: 400 (strictDepth)
	qsMinArrayLimit  = 100  // arrayLimit = max(100, number of '&')
)

// ErrQSTooManyParameters is returned by ParseQS for more than 1000
// parameters (body-parser answers 413 "too many parameters").
var ErrQSTooManyParameters = errors.New("chatadmintest: too many parameters")

// ErrQSDepth is returned by ParseQS for a key nested more than 32 brackets
// deep (body-parser's depth 32 with strictDepth answers 400).
var ErrQSDepth = errors.New("chatadmintest: the input exceeded the depth")

// ParseQS parses a query string or an application/x-www-form-urlencoded body
// the way a Node server running Express/body-parser "extended" does, that is
// with the qs library's semantics (qs 6.x with allowPrototypes, depth 32 +
// strictDepth, parameterLimit 1000, arrayLimit max(100, number of '&')).
//
// Values are string, []any or map[string]any:
//
//	tags[]=a              → {"tags": ["a"]}
//	tags=a                → {"tags": "a"}            (a string, not an array)
//	tags=a&tags=b         → {"tags": ["a", "b"]}
//	options[skip]=5       → {"options": {"skip": "5"}} (also options%5Bskip%5D=5)
//	metadata[a][b]=1      → {"metadata": {"a": {"b": "1"}}}
//	tags[0]=a&tags[1]=b   → {"tags": ["a", "b"]}
//	tags[101]=a           → {"tags": {"101": "a"}}   (index above arrayLimit)
//	mutePeriod=0          → {"mutePeriod": "0"}      (everything is a string)
//
// qs's odd merge rules are kept too: "a[b]=1&a=2" gives {"a": {"b": "1",
// "2": true}} (the only place a bool appears). '+' decodes to a space; a
// malformed %-escape leaves the text as it is. More than 1000 parameters
// gives ErrQSTooManyParameters, more than 32 bracket levels ErrQSDepth.
func ParseQS(raw string) (map[string]any, error) {
	if raw == "" {
		return map[string]any{}, nil
	}
	amps := strings.Count(raw, "&")
	if amps >= qsParameterLimit {
		return nil, ErrQSTooManyParameters
	}
	// qs turns %5B/%5D back into brackets before it splits, so that an
	// encoder that escapes them (url.Values.Encode does) is understood.
	raw = bracketEscapes.Replace(raw)
	var pairs [][2]string
	for _, part := range strings.Split(raw, "&") {
		pos := strings.Index(part, "]=")
		if pos >= 0 {
			pos++
		} else {
			pos = strings.IndexByte(part, '=')
		}
		if pos < 0 {
			pairs = append(pairs, [2]string{qsDecode(part), ""})
			continue
		}
		pairs = append(pairs, [2]string{qsDecode(part[:pos]), qsDecode(part[pos+1:])})
	}
	return parsePairs(pairs, max(qsMinArrayLimit, amps))
}

var bracketEscapes = strings.NewReplacer("%5B", "[", "%5b", "[", "%5D", "]", "%5d", "]")

// qsDecode is qs's decoder: '+' is a space, then decodeURIComponent, which
// gives up (keeping the text) on a bad escape or invalid UTF-8.
func qsDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(d) {
		return s
	}
	return d
}

// qsHole marks a missing index of a sparse JavaScript array while parsing;
// compact removes holes at the end, as qs does.
type qsHole struct{}

var hole = qsHole{}

var qsBracket = regexp.MustCompile(`\[[^\[\]]*\]`)

// parsePairs builds the object from decoded key/value pairs. It is shared by
// ParseQS and the multipart parser (multer's append-field understands the
// same bracket keys).
func parsePairs(pairs [][2]string, arrayLimit int) (map[string]any, error) {
	// First pass (qs parseValues): same raw key twice combines into an array.
	var order []string
	values := map[string]any{}
	for _, p := range pairs {
		k, v := p[0], p[1]
		if old, ok := values[k]; ok {
			values[k] = qsConcat(old, v)
			continue
		}
		order = append(order, k)
		values[k] = v
	}
	// Second pass (qs parseKeys + merge).
	var obj any = map[string]any{}
	for _, k := range order {
		if k == "" {
			continue
		}
		chain, err := qsChain(k)
		if err != nil {
			return nil, err
		}
		obj = qsMerge(obj, qsObject(chain, values[k], arrayLimit))
	}
	m, _ := qsCompact(obj).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// qsChain splits "a[b][c]" into "a", "[b]", "[c]".
func qsChain(key string) ([]string, error) {
	locs := qsBracket.FindAllStringIndex(key, -1)
	parent := key
	if len(locs) > 0 {
		parent = key[:locs[0][0]]
	}
	var chain []string
	if parent != "" {
		chain = append(chain, parent)
	}
	if len(locs) > qsDepth {
		return nil, ErrQSDepth
	}
	for _, l := range locs {
		chain = append(chain, key[l[0]:l[1]])
	}
	return chain, nil
}

// qsObject is qs's parseObject: it builds the nested value for one key,
// from the innermost bracket outwards.
func qsObject(chain []string, leaf any, arrayLimit int) any {
	for i := len(chain) - 1; i >= 0; i-- {
		root := chain[i]
		if root == "[]" {
			leaf = qsConcat([]any{}, leaf)
			continue
		}
		clean, bracketed := root, false
		if len(root) >= 2 && root[0] == '[' && root[len(root)-1] == ']' {
			clean, bracketed = root[1:len(root)-1], true
		}
		if idx, err := strconv.Atoi(clean); err == nil && bracketed && strconv.Itoa(idx) == clean && idx >= 0 && idx <= arrayLimit {
			arr := make([]any, idx+1)
			for j := range arr {
				arr[j] = hole
			}
			arr[idx] = leaf
			leaf = arr
			continue
		}
		obj := map[string]any{}
		if clean != "__proto__" {
			obj[clean] = leaf
		}
		leaf = obj
	}
	return leaf
}

// qsConcat is JavaScript's [].concat(a, b): arrays are flattened one level.
func qsConcat(vals ...any) []any {
	var out []any
	for _, v := range vals {
		if a, ok := v.([]any); ok {
			out = append(out, a...)
		} else {
			out = append(out, v)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out
}

func qsIsObject(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// qsTruthy is JavaScript truthiness for the values qs produces.
func qsTruthy(v any) bool {
	switch x := v.(type) {
	case nil, qsHole:
		return false
	case string:
		return x != ""
	case bool:
		return x
	}
	return true
}

// qsMerge is qs's utils.merge.
func qsMerge(target, source any) any {
	if !qsTruthy(source) {
		return target
	}
	if !qsIsObject(source) {
		switch t := target.(type) {
		case []any:
			return append(t, source)
		case map[string]any:
			if s, ok := source.(string); ok {
				t[s] = true
			} else {
				t["true"] = true
			}
			return t
		}
		return []any{target, source}
	}
	if !qsIsObject(target) {
		return qsConcat([]any{target}, source)
	}
	tArr, tIsArr := target.([]any)
	sArr, sIsArr := source.([]any)
	if tIsArr && sIsArr {
		for i, item := range sArr {
			if item == hole {
				continue // forEach skips holes
			}
			if i < len(tArr) && tArr[i] != hole {
				if qsIsObject(tArr[i]) && qsIsObject(item) {
					tArr[i] = qsMerge(tArr[i], item)
				} else {
					tArr = append(tArr, item)
				}
				continue
			}
			for len(tArr) <= i {
				tArr = append(tArr, hole)
			}
			tArr[i] = item
		}
		return tArr
	}
	var acc map[string]any
	if tIsArr {
		acc = qsArrayToObject(tArr)
	} else {
		acc = target.(map[string]any)
	}
	src, ok := source.(map[string]any)
	if !ok {
		src = qsArrayToObject(sArr)
	}
	for k, v := range src {
		if old, ok := acc[k]; ok {
			acc[k] = qsMerge(old, v)
		} else {
			acc[k] = v
		}
	}
	return acc
}

func qsArrayToObject(a []any) map[string]any {
	m := make(map[string]any, len(a))
	for i, v := range a {
		if v != hole {
			m[strconv.Itoa(i)] = v
		}
	}
	return m
}

// qsCompact removes the holes of sparse arrays, keeping index order.
func qsCompact(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if e != hole {
				out = append(out, qsCompact(e))
			}
		}
		return out
	case map[string]any:
		for k, e := range x {
			x[k] = qsCompact(e)
		}
		return x
	}
	return v
}
