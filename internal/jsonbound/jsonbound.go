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

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

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
	size   int  // members so far, of an Any object
	start  int  // where a Raw value below a value of another mode begins
}

// Estimate returns an upper estimate of the bytes that decoding body
// holds, its top-level value decoding as top (a nil classify keeps every
// key in its object's mode). A body that is not valid JSON is estimated
// as far as it is: a decoder that checks as it goes (encoding/json/v2's)
// has allocated for the valid part when it meets the first error, and the
// maps still open then are charged as if closed there.
func Estimate(body []byte, top Mode, classify Classify) int64 {
	var (
		n       int64
		frames  [32]frame // a response nests a few levels: no allocation
		stack   = frames[:0]
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
				f := stack[len(stack)-1]
				if f.mode == Raw && f.start >= 0 {
					n += int64(i + 1 - f.start)
				}
				if f.mode == Any && f.object {
					n += mapBytes(f.size)
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
				n += int64(end-i) + stringSlack // the key's bytes; its slot is charged by mapBytes
				top.size++
			}
			if classify != nil && (top.mode == Typed || len(stack) == 1) {
				if m := classify(body[i+1:max(end-1, i+1)], len(stack)); top.mode == Typed { // a body cut after a key's quote has end-1 == i
					keyMode = m
				}
			}
			top.empty = false
			keyNext, keyed = false, true
			i = end - 1
			if end < len(body) && body[end] == ':' {
				i = end // the colon, skipped here rather than by a turn of the loop
			}
			continue
		}
		// A value begins: charge its place in its container, then itself.
		mode, element := top, false
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
			if mode == Raw && !rawBelow(stack) {
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
			if mode == Raw && !rawBelow(stack) {
				n += int64(end - i)
			}
			i = end - 1
		default: // a number, true, false or null
			end := i + 1
			for end < len(body) && !delimiters[body[end]] {
				end++
			}
			if mode == Any && c != 't' && c != 'f' && c != 'n' {
				n += anyNumber
			}
			if mode == Raw && !rawBelow(stack) {
				n += int64(end - i)
			}
			i = end - 1
		}
	}
	for _, f := range stack { // a body cut short: its open maps were filled all the same
		if f.mode == Any && f.object {
			n += mapBytes(f.size)
		}
	}
	return n
}

// mapBytes is what the slots of a map[string]any of k members hold: one
// group of 8 slots (288 bytes) up to 8 members; then a table of 16 slots
// or more, doubled while over 7/8 full, of 264-byte groups of 8 slots,
// rounded to the allocator's size class (whole 8 KiB pages past 32 KiB);
// past 896 members, tables of 1024 slots split, as unevenly as their
// hashes fall: a table is at least 7/16 full, 112 bytes a member. Tables
// of up to 1024 slots are charged 8 bytes a member more: the SDK's decoder,
// encoding/json/v2's engine, holds up to that much more than encoding/json
// in them (a map of 449 numbers: 51,768 bytes against 48,168;
// TestAnyEstimateCoversDecoding).
func mapBytes(k int) int64 {
	switch {
	case k == 0:
		return 0
	case k <= 8:
		return 288
	case k > 896:
		return int64(k) * 112
	}
	slots := 16
	for slots*7/8 < k {
		slots *= 2
	}
	b := int64(slots / 8 * 264)
	if b > 32<<10 {
		b = (b+8<<10-1)/(8<<10)*(8<<10) + 64
	} else {
		b = b*9/8 + 64
	}
	return b + int64(k)*8
}

// stringEnd returns the index after the string that starts at body[i]: the
// first quote after it that an odd run of backslashes does not escape.
//
// Most strings of a response are short (ids, times, keys): their first
// 32 bytes are read 8 at a time, a word's quote or backslash found with
// arithmetic rather than a call to IndexByte, whose set-up costs more
// than the scan of a short string. A longer string, or one with an
// escape, goes on with IndexByte from where the words stopped.
func stringEnd(body []byte, i int) int {
	j := i + 1
	for w := 0; w < 4 && j+8 <= len(body); w++ {
		x := binary.LittleEndian.Uint64(body[j:])
		if m := hasByte(x, '"') | hasByte(x, '\\'); m != 0 {
			k := j + bits.TrailingZeros64(m)/8
			if body[k] == '"' {
				return k + 1
			}
			j = k // an escape: the slow path counts the backslashes
			break
		}
		j += 8
	}
	for ; ; j++ {
		k := bytes.IndexByte(body[j:], '"')
		if k < 0 {
			return len(body)
		}
		j += k
		b := j - 1
		for b > i && body[b] == '\\' {
			b--
		}
		if (j-1-b)%2 == 0 {
			return j + 1
		}
	}
}

// hasByte has the high bit of each byte of x that equals c set, and
// maybe of some bytes above the lowest such byte (a borrow): its lowest
// set bit is exact.
func hasByte(x uint64, c byte) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x ^= lo * uint64(c)
	return (x - lo) &^ x & hi
}

// rawBelow reports whether the value being read is inside a Raw value,
// which charges its bytes once for all it holds.
func rawBelow(stack []frame) bool { return len(stack) > 0 && stack[len(stack)-1].mode == Raw }

// delimiters are the bytes that end a number or a literal: a table, not
// eight comparisons per digit.
var delimiters = [256]bool{',': true, ']': true, '}': true, ' ': true, '\t': true, '\r': true, '\n': true, ':': true}
