// Package jsonbound estimates, in one pass over a JSON body's bytes and
// before any decoding, an upper bound on the memory that decoding it with
// encoding/json holds, so that a caller can refuse a body whose decoded form
// would be many times its size (an array of {} decodes into ~22 times its
// bytes as []any, and into ~120 times as a list of large structs).
//
// The estimate is per JSON construct and depends on what the construct
// decodes into, which the caller says per object key (Classify): a typed
// struct (Typed), free-form data (Any: map[string]any, []any) or raw bytes
// (Raw: json.RawMessage). It is an over-estimate for every construct, so
// a body that passes holds at most the estimate once decoded.
package jsonbound

// Mode is what a JSON value decodes into.
type Mode uint8

const (
	// Typed values decode into Go structs, slices and scalars whose
	// structs are at most MaxStruct bytes.
	Typed Mode = iota
	// Any values decode into interface values: map[string]any, []any,
	// boxed strings and numbers.
	Any
	// Raw values are kept as their bytes (json.RawMessage).
	Raw
)

// MaxStruct is the largest struct a Typed object may decode into (a
// pointer's target or a slice's element). The SDK's response structs are
// at most 248 bytes (Message); a test keeps them under this.
const MaxStruct = 256

// Charges, in bytes, on 64-bit Go. Slices grow as append does (at most
// doubling) from a capacity of 4 for typed slices, and an interface value
// boxes strings (a 16-byte header) and numbers (8 bytes).
const (
	typedElem   = MaxStruct * 2 // an object element of a typed slice, counting growth
	typedObject = MaxStruct     // an object behind a pointer field
	typedFirst  = MaxStruct * 2 // the rest of the capacity of 4 a slice of structs starts with
	typedScalar = 32            // a scalar element of a typed slice ([]string), counting growth
	typedArray  = 64            // the capacity of 4 a slice of scalars starts with
	anyElem     = 32            // a []any slot, counting growth
	anyObject   = 48            // a map header
	anyGroup    = 288           // a map's first group of 8 slots
	anyMember   = 64            // a map slot and its share of the table, counting growth
	anyArray    = 24            // a boxed slice header
	anyString   = 16            // a boxed string header
	anyNumber   = 8             // a boxed float64
	stringSlack = 8             // size-class rounding of a string's bytes
)

// Classify says what the value of an object's key decodes into, given the
// key's raw bytes (without quotes) and the depth of the object that holds
// it (1 for the body's top-level object). It is asked inside Typed values
// (everything under Any is Any and under Raw, Raw) and, whatever their
// mode, for the keys of the top-level object, so that a caller learns
// them in the same pass.
type Classify func(key []byte, depth int) Mode

type frame struct {
	object bool // an object, or an array
	mode   Mode
	empty  bool // no member or element yet
	start  int  // where a Raw value below a value of another mode begins
}

// Estimate returns an upper estimate of the bytes that decoding body
// holds, its top-level value decoding as top (a nil classify keeps every
// key in its object's mode). A body that is not valid JSON gives a
// meaningless estimate: encoding/json refuses it before allocating.
func Estimate(body []byte, top Mode, classify Classify) int64 {
	var (
		n       int64
		stack   []frame
		keyNext bool // the next string in the current object is a key
		keyMode Mode // the mode the current key gave its value
		keyed   bool // a key has been read and its value not yet begun
	)
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			continue
		case ',':
			if len(stack) > 0 && stack[len(stack)-1].object {
				keyNext = true
			}
			continue
		case '}', ']':
			if len(stack) > 0 {
				if f := stack[len(stack)-1]; f.mode == Raw && f.start >= 0 {
					n += int64(i + 1 - f.start)
				}
				stack = stack[:len(stack)-1]
			}
			keyNext = false
			continue
		}
		if c == '"' && keyNext {
			end := stringEnd(body, i)
			top := &stack[len(stack)-1]
			keyMode = top.mode
			if top.mode == Any {
				n += anyMember + int64(end-i) + stringSlack
				if top.empty {
					n += anyGroup
				}
			}
			if classify != nil && (top.mode == Typed || len(stack) == 1) {
				if m := classify(body[i+1:end-1], len(stack)); top.mode == Typed {
					keyMode = m
				}
			}
			top.empty = false
			keyNext, keyed = false, true
			i = end - 1
			continue
		}
		// A value begins: charge its place in its container, then itself.
		mode, element := top, false
		outerRaw := len(stack) > 0 && stack[len(stack)-1].mode == Raw
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			mode = top.mode
			if keyed {
				mode = keyMode
			} else if !top.object { // an array element
				element = true
				switch {
				case mode == Any:
					n += anyElem
				case mode == Typed && c == '{':
					n += typedElem
					if top.empty {
						n += typedFirst
					}
				case mode == Typed:
					n += typedScalar
				}
				top.empty = false
			}
		}
		keyed = false
		switch c {
		case '{', '[':
			switch {
			case mode == Any && c == '{':
				n += anyObject
			case mode == Any:
				n += anyArray
			case mode == Typed && c == '{' && !element: // an element is in its slice
				n += typedObject
			case mode == Typed && c == '[':
				n += typedArray
			}
			f := frame{object: c == '{', mode: mode, empty: true, start: -1}
			if mode == Raw && !outerRaw {
				f.start = i
			}
			stack = append(stack, f)
			keyNext = c == '{'
		case '"':
			end := stringEnd(body, i)
			switch mode {
			case Any:
				n += anyString + int64(end-i) + stringSlack
			case Typed:
				n += int64(end-i) + stringSlack
			}
			if mode == Raw && !outerRaw {
				n += int64(end - i)
			}
			i = end - 1
		default: // a number, true, false or null
			end := i + 1
			for end < len(body) && !delimiter(body[end]) {
				end++
			}
			if mode == Any && c != 't' && c != 'f' && c != 'n' {
				n += anyNumber
			}
			if mode == Raw && !outerRaw {
				n += int64(end - i)
			}
			i = end - 1
		}
	}
	return n
}

// stringEnd returns the index after the string that starts at body[i].
func stringEnd(body []byte, i int) int {
	for j := i + 1; j < len(body); j++ {
		switch body[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(body)
}

func delimiter(c byte) bool {
	return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':'
}
