package main

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bytes from the server or from a file are hostile when they reach a
// terminal: ESC starts sequences that reset it, retitle it or write the
// clipboard (OSC 52), C1 controls (U+0080-U+009F) do the same on terminals
// that honour them, a CR or newline forges lines, and bidi overrides make
// text read other than it is. unsafeRune is the one definition of what may
// not pass; termSafe is the one sanitizer for text, and the JSON and YAML
// writers escape the same runes within their own syntax (see escapeRaw and
// writeYAML), so that every output path agrees.

// unsafeRune reports whether r may not reach a terminal as it is.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0xfeff: // a byte-order mark in the middle of text
		return true
	}
	return false
}

// hasUnsafe reports whether s holds an unsafe rune or invalid UTF-8.
func hasUnsafe(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

// termSafe makes s safe to print on one line of a terminal: tabs, CRs and
// newlines become spaces (a table cell or an error stays one line), other
// unsafe runes are shown escaped (\x1b, \u009b, \u202e) so that an operator
// sees that they were there, and invalid UTF-8 bytes are shown as \xNN.
func termSafe(s string) string {
	if !hasUnsafe(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t', r == '\n', r == '\r':
			b.WriteByte(' ')
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// escapeRaw escapes, in encoding/json's output, the unsafe runes that it
// writes raw: DEL, C1 and the bidi controls (it escapes C0, U+2028 and
// U+2029 itself, and replaces invalid UTF-8). Every non-ASCII byte of JSON
// text is inside a string, so the \uXXXX escapes keep the document's
// meaning exactly. The same holds for YAML once writeYAML has
// double-quoted every scalar that holds such a rune.
func escapeRaw(b []byte) []byte {
	if bytes.IndexByte(b, 0x7f) < 0 && !bytes.ContainsFunc(b, func(r rune) bool { return r >= 0x80 && unsafeRune(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if unsafeRune(r) && r >= 0x20 {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
