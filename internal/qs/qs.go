// Package qs parses form bodies and query strings the way the Admin API's
// Node server does (the qs library behind Express and body-parser). The
// chatadmintest emulator parses requests with it, and the SDK's fuzz test
// checks that what the SDK encodes reads back as it meant.
package qs

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The server runs qs (6.17) twice, with different options (libraries.md
// §4): body-parser's urlencoded({extended:true}) for form bodies, and
// Express's "extended" query parser, which is qs.parse with its defaults, for
// query strings.
const (
	qsParameterLimit = ParameterLimit
	qsDepth          = 32  // body: more bracket groups answer 400 (strictDepth)
	qsMinArrayLimit  = 100 // body: arrayLimit = max(100, number of parameters)
	qsQueryDepth     = 5   // query: deeper groups stay one literal key
	qsQueryArray     = 20  // query: an array of more elements becomes an object
)

// ParameterLimit is how many parameters either parser reads.
const ParameterLimit = 1000

// qsOptions are the qs.parse options of one of the server's parsers.
type qsOptions struct {
	arrayLimit  int  // most elements an array holds; past it qs makes an object
	depth       int  // bracket groups split off a key
	strictDepth bool // a deeper key fails with ErrDepth instead of keeping the rest literally
}

// ErrTooManyParameters is returned by Parse for more than 1000
// parameters (body-parser answers 413 "too many parameters").
var ErrTooManyParameters = errors.New("qs: too many parameters")

// ErrDepth is returned by Parse for a key nested more than 32 brackets
// deep (body-parser's depth 32 with strictDepth answers 400).
var ErrDepth = errors.New("qs: the input exceeded the depth")

// Parse parses an application/x-www-form-urlencoded body the way a Node
// server running Express/body-parser "extended" does, that is with the qs
// library's semantics (qs 6.17 with allowPrototypes, depth 32 + strictDepth,
// parameterLimit 1000, arrayLimit max(100, number of parameters)). Query
// strings go through a stricter parser (arrayLimit 20, depth 5), which the
// emulator applies to them.
//
// Values are string, []any or map[string]any:
//
//	tags[]=a              → {"tags": ["a"]}
//	tags=a                → {"tags": "a"}            (a string, not an array)
//	tags=a&tags=b         → {"tags": ["a", "b"]}
//	options[skip]=5       → {"options": {"skip": "5"}} (also options%5Bskip%5D=5)
//	metadata[a][b]=1      → {"metadata": {"a": {"b": "1"}}}
//	tags[0]=a&tags[1]=b   → {"tags": ["a", "b"]}
//	tags[100]=a           → {"tags": {"100": "a"}}   (index past arrayLimit)
//	mutePeriod=0          → {"mutePeriod": "0"}      (everything is a string)
//
// qs's merge rules are kept too: "a[b]=1&a=2" gives [{"b": "1"}, "2"].
// '+' decodes to a space; a malformed %-escape leaves the text as it is.
// More than 1000 parameters gives ErrTooManyParameters, more than 32
// bracket levels ErrDepth.
func Parse(raw string) (map[string]any, error) {
	if raw == "" {
		return map[string]any{}, nil
	}
	params := strings.Count(raw, "&") + 1
	if params > qsParameterLimit {
		return nil, ErrTooManyParameters
	}
	return parsePairs(splitQS(raw), qsOptions{arrayLimit: max(qsMinArrayLimit, params), depth: qsDepth, strictDepth: true})
}

// ParseQuery parses a query string as Express's "extended" query parser
// does: qs.parse(str, {allowPrototypes: true}), so qs's defaults hold. Past
// 1000 parameters the rest is dropped silently, an array of more than 20
// elements becomes an object with index keys, and brackets past the fifth
// stay in the key as literal text. It never fails.
func ParseQuery(raw string) map[string]any {
	if raw == "" {
		return map[string]any{}
	}
	pairs := splitQS(raw)
	if len(pairs) > qsParameterLimit {
		pairs = pairs[:qsParameterLimit]
	}
	m, _ := parsePairs(pairs, qsOptions{arrayLimit: qsQueryArray, depth: qsQueryDepth})
	return m
}

// splitQS is qs's parseValues up to decoding: it splits raw into decoded
// key/value pairs.
func splitQS(raw string) [][2]string {
	// qs turns %5B/%5D back into brackets before it splits, so that an
	// encoder that escapes them (url.Values.Encode does) is understood.
	raw = bracketEscapes.Replace(raw)
	parts := strings.Split(raw, "&")
	pairs := make([][2]string, 0, len(parts))
	for _, part := range parts {
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
	return pairs
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

// While parsing, values are strings, *qsArr or *qsObj: qs marks some arrays
// and objects (in side channels) and later merges look at the marks.

// qsArr is a JavaScript array, sparse until compacted.
type qsArr struct {
	items    []any // qsHole where the array has no element
	conflict int   // with isConflict: the last index of a strictMerge wrap
	isConfl  bool
}

// qsObj is a JavaScript object.
type qsObj struct {
	m          map[string]any
	overflow   int  // with isOverflow: the largest index of an array that outgrew arrayLimit
	isOverflow bool // the object stands for such an array: merges append to it
	conflict   int
	isConfl    bool
}

// qsHole marks a missing index of a sparse JavaScript array; compact
// removes holes, as qs does.
type qsHole struct{}

var hole = qsHole{}

func newObj() *qsObj { return &qsObj{m: map[string]any{}} }

func markOverflow(o *qsObj, maxIndex int) *qsObj {
	o.isOverflow, o.overflow = true, maxIndex
	return o
}

// parsePairs builds the object from decoded key/value pairs. It is shared by
// the two qs parsers and the multipart parser (multer's append-field
// understands the same bracket keys).
func parsePairs(pairs [][2]string, o qsOptions) (map[string]any, error) {
	// First pass (qs parseValues): same raw key twice combines into an array.
	var order []string
	values := map[string]any{}
	for _, p := range pairs {
		k, v := p[0], p[1]
		if old, ok := values[k]; ok {
			values[k] = qsCombine(old, v, o.arrayLimit)
			continue
		}
		order = append(order, k)
		values[k] = v
	}
	// JavaScript objects list array-index keys first, in numeric order.
	slices.SortStableFunc(order, func(a, b string) int {
		ia, aok := jsIndex(a)
		ib, bok := jsIndex(b)
		switch {
		case aok && bok:
			return ia - ib
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	// Second pass (qs parseKeys + merge).
	var obj any = newObj()
	for _, k := range order {
		if k == "" {
			continue
		}
		chain, err := qsChain(k, o)
		if err != nil {
			return nil, err
		}
		obj = qsMerge(obj, qsObject(chain, values[k], o.arrayLimit), o.arrayLimit)
	}
	m, _ := qsCompact(obj).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// jsIndex reports whether k is a JavaScript array index ("0", "17", not
// "07"), which object key order puts first.
func jsIndex(k string) (int, bool) {
	n, err := strconv.Atoi(k)
	if err != nil || n < 0 || n >= 1<<32-1 || strconv.Itoa(n) != k {
		return 0, false
	}
	return n, true
}

// qsChain is qs's splitKeyIntoSegments: "a[b][c]" gives "a", "[b]", "[c]".
// Brackets nest ("a[b[c]]" gives "a", "[b[c]]"); past o.depth groups the
// rest of the key is one more segment, or ErrDepth with strictDepth.
func qsChain(key string, o qsOptions) ([]string, error) {
	var chain []string
	open := strings.IndexByte(key, '[')
	parent := key
	if open >= 0 {
		parent = key[:open]
	}
	if parent != "" {
		chain = append(chain, parent)
	}
	for collected := 0; open >= 0 && collected < o.depth; collected++ {
		level, closing := 1, -1
		for i := open + 1; i < len(key) && closing < 0; i++ {
			switch key[i] {
			case '[':
				level++
			case ']':
				level--
				if level == 0 {
					closing = i
				}
			}
		}
		if closing < 0 {
			// An unterminated group stays one literal segment.
			return append(chain, "["+key[open:]+"]"), nil
		}
		chain = append(chain, key[open:closing+1])
		open = strings.IndexByte(key[closing+1:], '[')
		if open >= 0 {
			open += closing + 1
		}
	}
	if open >= 0 {
		if o.strictDepth {
			return nil, ErrDepth
		}
		chain = append(chain, "["+key[open:]+"]")
	}
	return chain, nil
}

// qsCombine is qs's utils.combine: [].concat(a, b), or an overflow object
// once that has more than arrayLimit elements.
func qsCombine(a, b any, arrayLimit int) any {
	if ov, ok := a.(*qsObj); ok && ov.isOverflow {
		vals := []any{b}
		if arr, ok := b.(*qsArr); ok {
			vals = arr.items
		}
		for _, v := range vals {
			ov.overflow++
			ov.m[strconv.Itoa(ov.overflow)] = v
		}
		return ov
	}
	out := &qsArr{}
	for _, v := range []any{a, b} {
		if arr, ok := v.(*qsArr); ok {
			out.items = append(out.items, arr.items...)
		} else {
			out.items = append(out.items, v)
		}
	}
	if len(out.items) > arrayLimit {
		return markOverflow(qsArrayToObject(out), len(out.items)-1)
	}
	return out
}

// qsObject is qs's parseObject: it builds the nested value for one key,
// from the innermost segment outwards.
func qsObject(chain []string, leaf any, arrayLimit int) any {
	for i := len(chain) - 1; i >= 0; i-- {
		root := chain[i]
		if root == "[]" {
			if ov, ok := leaf.(*qsObj); ok && ov.isOverflow {
				continue
			}
			leaf = qsCombine(&qsArr{}, leaf, arrayLimit)
			continue
		}
		clean, bracketed := root, false
		if len(root) >= 2 && root[0] == '[' && root[len(root)-1] == ']' {
			clean, bracketed = root[1:len(root)-1], true
		}
		idx, err := strconv.Atoi(clean)
		isIndex := err == nil && bracketed && strconv.Itoa(idx) == clean && idx >= 0
		switch {
		case isIndex && idx < arrayLimit:
			arr := &qsArr{items: make([]any, idx+1)}
			for j := range arr.items {
				arr.items[j] = hole
			}
			arr.items[idx] = leaf
			leaf = arr
		case isIndex:
			obj := newObj()
			obj.m[clean] = leaf
			leaf = markOverflow(obj, idx)
		default:
			obj := newObj()
			if clean != "__proto__" {
				obj.m[clean] = leaf
			}
			leaf = obj
		}
	}
	return leaf
}

func qsIsObject(v any) bool {
	switch v.(type) {
	case *qsObj, *qsArr:
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
	}
	return true
}

func (a *qsArr) count() int {
	n := 0
	for _, v := range a.items {
		if v != hole {
			n++
		}
	}
	return n
}

// qsMerge is qs's utils.merge with its defaults (strictMerge).
func qsMerge(target, source any, arrayLimit int) any {
	if !qsTruthy(source) {
		return target
	}
	if !qsIsObject(source) {
		switch t := target.(type) {
		case *qsArr:
			if t.count() >= arrayLimit {
				o := qsArrayToObject(t)
				o.m[strconv.Itoa(len(t.items))] = source
				return markOverflow(o, len(t.items))
			}
			t.items = append(t.items, source)
			return t
		case *qsObj:
			switch {
			case t.isOverflow:
				t.overflow++
				t.m[strconv.Itoa(t.overflow)] = source
			case t.isConfl:
				t.conflict++
				t.m[strconv.Itoa(t.conflict)] = source
			default:
				return qsPair(target, source, arrayLimit, true)
			}
			return t
		}
		return qsPair(target, source, arrayLimit, false)
	}
	if !qsIsObject(target) {
		if ov, ok := source.(*qsObj); ok && ov.isOverflow {
			out := newObj()
			out.m["0"] = target
			for k, v := range ov.m {
				n, _ := strconv.Atoi(k)
				out.m[strconv.Itoa(n+1)] = v
			}
			return markOverflow(out, ov.overflow+1)
		}
		return qsCombine(target, source, arrayLimit)
	}
	tArr, tIsArr := target.(*qsArr)
	sArr, sIsArr := source.(*qsArr)
	if tIsArr && sIsArr {
		for i, item := range sArr.items {
			if item == hole {
				continue // forEach skips holes
			}
			if i < len(tArr.items) && tArr.items[i] != hole {
				if qsIsObject(tArr.items[i]) && qsIsObject(item) {
					tArr.items[i] = qsMerge(tArr.items[i], item, arrayLimit)
				} else {
					tArr.items = append(tArr.items, item)
				}
				continue
			}
			for len(tArr.items) <= i {
				tArr.items = append(tArr.items, hole)
			}
			tArr.items[i] = item
		}
		if tArr.count() > arrayLimit {
			return markOverflow(qsArrayToObject(tArr), len(tArr.items)-1)
		}
		return tArr
	}
	var acc *qsObj
	if tIsArr {
		acc = qsArrayToObject(tArr)
		if tArr.isConfl {
			acc.isConfl, acc.conflict = true, len(tArr.items)-1
		}
	} else {
		acc = target.(*qsObj)
	}
	src, ok := source.(*qsObj)
	if !ok {
		src = qsArrayToObject(sArr)
	}
	for k, v := range src.m {
		if old, ok := acc.m[k]; ok {
			acc.m[k] = qsMerge(old, v, arrayLimit)
		} else {
			acc.m[k] = v
		}
		if src.isOverflow && !acc.isOverflow {
			markOverflow(acc, src.overflow)
			for k2 := range acc.m {
				if n, ok := jsIndex(k2); ok && n > acc.overflow {
					acc.overflow = n
				}
			}
		}
		n, isIdx := jsIndex(k)
		if acc.isOverflow && isIdx && n > acc.overflow {
			acc.overflow = n
		}
		if acc.isConfl && isIdx && n > acc.conflict {
			acc.conflict = n
		}
	}
	return acc
}

// qsPair is qs's limitedPair: an object or value meeting a value becomes
// the array of both. An object's conflict is marked (strictMerge), so that
// later values join the same array.
func qsPair(first, second any, arrayLimit int, conflict bool) any {
	pair := &qsArr{items: []any{first, second}, conflict: 1, isConfl: conflict}
	if 2 > arrayLimit {
		return markOverflow(qsArrayToObject(pair), 1)
	}
	return pair
}

func qsArrayToObject(a *qsArr) *qsObj {
	o := &qsObj{m: make(map[string]any, len(a.items))}
	for i, v := range a.items {
		if v != hole {
			o.m[strconv.Itoa(i)] = v
		}
	}
	return o
}

// qsCompact turns the parse into plain values, removing the holes of
// sparse arrays and keeping index order.
func qsCompact(v any) any {
	switch x := v.(type) {
	case *qsArr:
		out := make([]any, 0, len(x.items))
		for _, e := range x.items {
			if e != hole {
				out = append(out, qsCompact(e))
			}
		}
		return out
	case *qsObj:
		out := make(map[string]any, len(x.m))
		for k, e := range x.m {
			out[k] = qsCompact(e)
		}
		return out
	}
	return v
}

// ParsePairs reads decoded name/value pairs (a multipart body's fields) with
// the body parser's options, as Parse does.
func ParsePairs(pairs [][2]string) (map[string]any, error) {
	return parsePairs(pairs, qsOptions{arrayLimit: max(qsMinArrayLimit, len(pairs)), depth: qsDepth, strictDepth: true})
}
