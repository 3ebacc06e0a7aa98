package chatadmintest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// validator collects fastest-validator style messages (the wording the
// provider's "Parameters error." answers use) so that one
// 422 reports every bad field at once.
type validator struct {
	errs []string
}

func (v *validator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf("The '%s' field "+format, append([]any{field}, args...)...))
}

// err returns the 422 answer, or nil when everything was valid.
func (v *validator) err() *apiError {
	if len(v.errs) == 0 {
		return nil
	}
	return errValidation(v.errs)
}

// missing reports absent and JSON null values alike (fastest-validator
// treats null as not given).
func missing(val any, present bool) bool { return !present || val == nil }

// jsLen is JavaScript's String.length: UTF-16 code units, which is what the
// server's "characters long" limits count.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// strRule describes a string field.
type strRule struct {
	required bool
	nonEmpty bool     // "" is rejected ("must not be empty.")
	max      int      // in JavaScript characters; 0 = no limit
	enum     []string // allowed values; nil = any
}

// str validates m[name]; ok is false when the field is absent or invalid.
func (v *validator) str(m map[string]any, name string, r strRule) (string, bool) {
	val, present := m[name]
	return v.strValue(name, val, present, r)
}

func (v *validator) strValue(name string, val any, present bool, r strRule) (string, bool) {
	if missing(val, present) {
		if r.required {
			v.fail(name, "is required.")
		}
		return "", false
	}
	s, isStr := val.(string)
	if !isStr {
		v.fail(name, "must be a string.")
		return "", false
	}
	if r.nonEmpty && s == "" {
		if r.required {
			v.fail(name, "is required.")
		} else {
			v.fail(name, "must not be empty.")
		}
		return "", false
	}
	if r.max > 0 && jsLen(s) > r.max {
		v.fail(name, "length must be less than or equal to %d characters long.", r.max)
		return "", false
	}
	if r.enum != nil {
		for _, e := range r.enum {
			if s == e {
				return s, true
			}
		}
		v.fail(name, "does not match any of the allowed values.")
		return "", false
	}
	return s, true
}

// numRule describes a number field. Form values arrive as strings and are
// converted (fastest-validator convert: true); JSON numbers are json.Number.
type numRule struct {
	required bool
	integer  bool
	min, max *int64
}

func bound(n int64) *int64 { return &n }

func (v *validator) num(m map[string]any, name string, r numRule) (int64, bool) {
	val, present := m[name]
	if missing(val, present) {
		if r.required {
			v.fail(name, "is required.")
		}
		return 0, false
	}
	var f float64
	switch x := val.(type) {
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			v.fail(name, "must be a number.")
			return 0, false
		}
	case float64:
		f = x
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil || strings.TrimSpace(x) == "" || math.IsNaN(f) {
			v.fail(name, "must be a number.")
			return 0, false
		}
	default:
		v.fail(name, "must be a number.")
		return 0, false
	}
	if math.IsInf(f, 0) {
		v.fail(name, "must be a number.")
		return 0, false
	}
	if r.integer && f != math.Trunc(f) {
		v.fail(name, "must be an integer.")
		return 0, false
	}
	if r.min != nil && f < float64(*r.min) {
		v.fail(name, "must be greater than or equal to %d.", *r.min)
		return 0, false
	}
	if r.max != nil && f > float64(*r.max) {
		v.fail(name, "must be less than or equal to %d.", *r.max)
		return 0, false
	}
	return int64(f), true
}

// boolean validates a boolean; form strings "true"/"false"/"1"/"0"/"on"/"off"
// are converted as fastest-validator's convert option does.
func (v *validator) boolean(m map[string]any, name string, required bool) (bool, bool) {
	val, present := m[name]
	if missing(val, present) {
		if required {
			v.fail(name, "is required.")
		}
		return false, false
	}
	switch x := val.(type) {
	case bool:
		return x, true
	case string:
		switch x {
		case "true", "1", "on":
			return true, true
		case "false", "0", "off":
			return false, true
		}
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	}
	v.fail(name, "must be a boolean.")
	return false, false
}

// arrRule describes an array of strings.
type arrRule struct {
	required bool
	min, max int // item counts; 0 = no limit
	itemMax  int // item length in characters; 0 = no limit
	nonEmpty bool
}

// strArray validates an array of strings. A bare string (what "tags=a"
// parses to) is rejected: the server does not convert it.
func (v *validator) strArray(m map[string]any, name string, r arrRule) ([]string, bool) {
	val, present := m[name]
	if missing(val, present) {
		if r.required {
			v.fail(name, "is required.")
		}
		return nil, false
	}
	arr, ok := val.([]any)
	if !ok {
		v.fail(name, "must be an array.")
		return nil, false
	}
	if r.min > 0 && len(arr) < r.min {
		if len(arr) == 0 {
			v.fail(name, "must not be an empty array.")
		} else {
			v.fail(name, "must contain at least %d items.", r.min)
		}
		return nil, false
	}
	if r.max > 0 && len(arr) > r.max {
		v.fail(name, "must contain less than or equal to %d items.", r.max)
		return nil, false
	}
	out := make([]string, 0, len(arr))
	good := true
	for i, item := range arr {
		s, ok := v.strValue(fmt.Sprintf("%s[%d]", name, i), item, true, strRule{required: true, nonEmpty: r.nonEmpty, max: r.itemMax})
		good = good && ok
		out = append(out, s)
	}
	return out, good
}

// object validates a JSON object / bracketed form object.
func (v *validator) object(m map[string]any, name string, required bool) (map[string]any, bool) {
	val, present := m[name]
	if missing(val, present) {
		if required {
			v.fail(name, "is required.")
		}
		return nil, false
	}
	o, ok := val.(map[string]any)
	if !ok {
		v.fail(name, "must be an Object.")
		return nil, false
	}
	return o, true
}

// maxBytes checks the JSON size of a value (metadata ≤ 5,000 bytes, custom
// data ≤ 100 KB).
func (v *validator) maxBytes(name string, val any, limit int) bool {
	b, err := json.Marshal(val)
	if err != nil || len(b) > limit {
		v.fail(name, "must be less than or equal to %d bytes.", limit)
		return false
	}
	return true
}

// sub returns a nested object (e.g. options) or an empty one, reporting a
// non-object value.
func (v *validator) sub(m map[string]any, name string) map[string]any {
	o, ok := v.object(m, name, false)
	if !ok {
		return map[string]any{}
	}
	return o
}

// prefixed renames the fields of nested validation so messages read
// "options.limit" as fastest-validator does.
func prefixed(prefix string, m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, val := range m {
		out[prefix+"."+k] = val
	}
	return out
}
