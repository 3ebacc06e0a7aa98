package jsonbound

import "bytes"

// refEstimate is Estimate as it was before the word-at-a-time string scan
// (a byte loop and IndexByte): the reference the equivalence test holds
// the fast scanner to.
func refEstimate(body []byte, top Mode, classify Classify) int64 {
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
			end := refStringEnd(body, i)
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
			end := refStringEnd(body, i)
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
			for end < len(body) && !refDelimiter(body[end]) {
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
	for _, f := range stack {
		if f.mode == Any && f.object {
			n += mapBytes(f.size)
		}
	}
	return n
}
func refStringEnd(body []byte, i int) int {
	for j := i + 1; ; j++ {
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
func refDelimiter(c byte) bool {
	return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':'
}
