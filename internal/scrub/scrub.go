// Package scrub masks an access token in text the SDK outputs, in every
// spelling a server, a proxy or a second decoder may give it.
package scrub

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Redacted replaces each spelling of the token.
const Redacted = "[REDACTED]"

// The token must not appear in anything the SDK itself outputs: error
// messages, *APIError fields, transport errors, log records. A hostile or
// careless server may echo it back, and not always as it was sent, so the
// SDK scrubs its output where it builds it, on decoded text, and masks every
// spelling that a reader, a log pipeline or a second decoder would turn back
// into the token:
//
//   - the token itself;
//   - percent-encoding (%2F, %2f, and %252F and deeper, one escape per byte),
//     and '+' for a space: a redirect URL or a message quoting one;
//   - JSON escapes (\/, \uXXXX with surrogate pairs, and the same behind
//     more backslashes: \\/ \\u002F), as a raw body holds them or a message
//     that quotes JSON;
//   - HTML character references (&#47; &#x2F; &amp; …): a proxy's error page.
//
// Each character of the token may use any of these, independently, as
// encoders mix them (a JSON encoder escapes only '/', '&', '<' and '>').
// Base64, hex and the like are left out on purpose: nothing echoes a header
// that way by accident, and a server that encodes the token on purpose
// could as well hash or compress it; a masker cannot chase them all.
//
// Every token is masked whatever its length. What is scrubbed is the SDK's
// own output about a failure, never a success payload (the server's data,
// handed over as it came), so a false match costs a fragment of an error
// message, where a missed one would print a credential. A real token is
// long enough that false matches do not happen.

// maxEscapeDepth bounds how many layers of %25… or backslashes are followed.
const maxEscapeDepth = 8

// Scrubber finds a token in any of the spellings above.
type Scrubber struct {
	units []tokenUnit
	start [256]bool // bytes at which a spelling of the token can begin
	// second holds the bytes that can follow a plain first character (the
	// bytes that start a spelling of the second), when that character is a
	// single byte: a cheap test that skips most false starts.
	second *[256]bool
}

// tokenUnit is one character of the token.
type tokenUnit struct {
	r   rune   // -1 for a byte that is not valid UTF-8
	enc string // its bytes in the token
}

// New returns the Scrubber of token.
func New(token string) *Scrubber {
	s := &Scrubber{}
	for i := 0; i < len(token); {
		r, n := utf8.DecodeRuneInString(token[i:])
		if r == utf8.RuneError && n == 1 {
			r = -1
		}
		s.units = append(s.units, tokenUnit{r: r, enc: token[i : i+n]})
		i += n
	}
	if len(s.units) > 0 {
		s.start[s.units[0].enc[0]] = true
		s.start['%'], s.start['\\'], s.start['&'] = true, true, true
		s.start['+'] = s.units[0].r == ' '
	}
	if len(s.units) > 1 && len(s.units[0].enc) == 1 && !isEscapeStart(s.units[0].enc[0]) {
		s.second = &[256]bool{'%': true, '\\': true, '&': true, '+': s.units[1].r == ' '}
		s.second[s.units[1].enc[0]] = true
	}
	return s
}

func isEscapeStart(c byte) bool { return c == '%' || c == '\\' || c == '&' || c == '+' }

// Text is what a Scrubber reads: a string or bytes.
type Text interface{ ~string | ~[]byte }

// Clean returns in with every spelling of the token replaced by
// [REDACTED]; in itself, without allocating, when there is none. With
// trimTail, text that ends partway through a spelling (a body cut at its
// size limit) is cut before it, so that no part of the token remains.
func Clean[T Text](s *Scrubber, in T, trimTail bool) T {
	if len(s.units) == 0 {
		return in
	}
	var out []byte
	last := 0
	for i := 0; i < len(in); i++ {
		if !s.start[in[i]] {
			continue
		}
		if s.second != nil && i+1 < len(in) && !isEscapeStart(in[i]) && !s.second[in[i+1]] {
			continue
		}
		end, ok, partial := match(s, in, i, quoted(in[:i]))
		if ok {
			if out == nil {
				out = make([]byte, 0, len(in))
			}
			out = append(out, in[last:i]...)
			out = append(out, Redacted...)
			last = end
			i = end - 1
			continue
		}
		if partial && trimTail {
			if out == nil {
				return in[:i]
			}
			return T(append(out, in[last:i]...))
		}
	}
	if out == nil {
		return in
	}
	return T(append(out, in[last:]...))
}

// minQuotedPrefix is the shortest prefix of the token masked when it
// follows a quote: a server that quotes a token it rejects may cut it
// short ("tok_live_abcd…"), and twelve characters of a secret are already
// too many to print.
const minQuotedPrefix = 12

// quoted reports whether before ends in a quote, in any spelling.
func quoted[T Text](before T) bool {
	for _, q := range [...]string{`"`, "'", "`", "&quot;", "&#34;", "&#39;", "%22", "%27"} {
		if len(before) >= len(q) && string(before[len(before)-len(q):]) == q {
			return true
		}
	}
	return false
}

// match reports where the longest spelling of the token that starts at
// in[i] ends, or (partial) that in ended partway through a possible one.
// After a quote (quotedStart), a prefix of minQuotedPrefix characters or
// more is a match too.
func match[T Text](s *Scrubber, in T, i int, quotedStart bool) (end int, ok, partial bool) {
	var a, b [4]int
	cur := append(a[:0], i)
	spare := b[:0]
	for k := range s.units {
		next := spare[:0]
		for _, p := range cur {
			var part bool
			next, part = unitEnds(&s.units[k], in, p, next)
			partial = partial || part
		}
		if len(next) == 0 {
			if quotedStart && k >= minQuotedPrefix {
				for _, p := range cur {
					end = max(end, p)
				}
				return end, true, false
			}
			return 0, false, partial
		}
		cur, spare = next, cur
	}
	for _, p := range cur {
		end = max(end, p)
	}
	return end, true, false
}

// unitEnds adds to out the positions where a spelling of u that starts at
// in[p] ends, and reports whether in ended partway through one.
func unitEnds[T Text](u *tokenUnit, in T, p int, out []int) ([]int, bool) {
	if p >= len(in) {
		return out, true
	}
	partial := false
	switch n := prefixLen(in, p, u.enc); {
	case n == len(u.enc):
		out = addPos(out, p+n)
	case p+n == len(in):
		partial = true
	}
	var part bool
	switch in[p] {
	case '+':
		if u.r == ' ' {
			out = addPos(out, p+1)
		}
	case '%':
		out, part = percentEnds(u, in, p, out)
	case '\\':
		out, part = backslashEnds(u, in, p, out)
	case '&':
		out, part = entityEnds(u, in, p, out)
	}
	return out, partial || part
}

// percentEnds follows %XX escapes of u's bytes, each possibly escaped again
// (%25XX).
func percentEnds[T Text](u *tokenUnit, in T, p int, out []int) ([]int, bool) {
	var a, b [4]int
	cur := append(a[:0], p)
	spare := b[:0]
	partial := false
	for j := 0; j < len(u.enc); j++ {
		next := spare[:0]
		for _, q := range cur {
			var part bool
			next, part = percentByte(in, q, u.enc[j], next)
			partial = partial || part
		}
		if len(next) == 0 {
			return out, partial
		}
		cur, spare = next, cur
	}
	for _, q := range cur {
		out = addPos(out, q)
	}
	return out, partial
}

func percentByte[T Text](in T, q int, c byte, out []int) ([]int, bool) {
	if q >= len(in) {
		return out, true
	}
	if in[q] != '%' {
		return out, false
	}
	q++
	for range maxEscapeDepth {
		if q+2 > len(in) {
			return out, q == len(in) || isHex(in[q])
		}
		if isHex(in[q]) && isHex(in[q+1]) && unhex(in[q])<<4|unhex(in[q+1]) == c {
			out = addPos(out, q+2)
		}
		if in[q] != '2' || in[q+1] != '5' {
			break
		}
		q += 2
	}
	return out, false
}

// backslashEnds follows JSON escapes of u: a run of backslashes, then the
// character itself (\/) or uXXXX.
func backslashEnds[T Text](u *tokenUnit, in T, p int, out []int) ([]int, bool) {
	partial := false
	for m := 1; m <= 2*maxEscapeDepth && p+m <= len(in) && in[p+m-1] == '\\'; m++ {
		j := p + m
		if j == len(in) {
			return out, true
		}
		switch n := prefixLen(in, j, u.enc); {
		case n == len(u.enc):
			out = addPos(out, j+n)
		case j+n == len(in):
			partial = true
		}
		if in[j] == 'u' && u.r >= 0 {
			var part bool
			out, part = unicodeEnds(u, in, j, out)
			partial = partial || part
		}
	}
	return out, partial
}

// unicodeEnds reads the uXXXX at in[j], and for a character outside the
// BMP the second half of its surrogate pair.
func unicodeEnds[T Text](u *tokenUnit, in T, j int, out []int) ([]int, bool) {
	want, lo := u.r, rune(-1)
	if u.r >= 0x10000 {
		want, lo = utf16.EncodeRune(u.r)
	}
	v, end, partial := hex4(in, j+1)
	if partial || v != want {
		return out, partial
	}
	if lo < 0 {
		return addPos(out, end), false
	}
	if end == len(in) {
		return out, true
	}
	for m := 1; m <= 2*maxEscapeDepth && end+m <= len(in) && in[end+m-1] == '\\'; m++ {
		k := end + m
		if k == len(in) {
			return out, true
		}
		if in[k] != 'u' {
			continue
		}
		v, e, part := hex4(in, k+1)
		if v == lo {
			out = addPos(out, e)
		}
		partial = partial || part
	}
	return out, partial
}

// hex4 reads four hex digits at in[i].
func hex4[T Text](in T, i int) (v rune, end int, partial bool) {
	for k := i; k < i+4; k++ {
		if k >= len(in) {
			return -1, 0, true
		}
		if !isHex(in[k]) {
			return -1, 0, false
		}
		v = v<<4 | rune(unhex(in[k]))
	}
	return v, i + 4, false
}

// entityEnds reads an HTML character reference at in[p] ('&').
func entityEnds[T Text](u *tokenUnit, in T, p int, out []int) ([]int, bool) {
	const longest = 12 // "&#x0000002F;"
	for k := p + 1; k <= p+longest; k++ {
		if k >= len(in) {
			return out, true
		}
		if in[k] == ';' {
			if u.r >= 0 && entity(string(in[p+1:k])) == u.r {
				out = addPos(out, k+1)
			}
			return out, false
		}
	}
	return out, false
}

func entity(name string) rune {
	switch name {
	case "amp":
		return '&'
	case "lt":
		return '<'
	case "gt":
		return '>'
	case "quot":
		return '"'
	case "apos":
		return '\''
	}
	if len(name) < 2 || name[0] != '#' {
		return -1
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	if digits == "" {
		return -1
	}
	var v rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		switch {
		case c >= '0' && c <= '9':
		case base == 16 && isHex(c):
		default:
			return -1
		}
		v = v*base + rune(unhex(c))
	}
	return v
}

// prefixLen is how many bytes of want in[p:] starts with.
func prefixLen[T Text](in T, p int, want string) int {
	n := 0
	for p+n < len(in) && n < len(want) && in[p+n] == want[n] {
		n++
	}
	return n
}

func addPos(set []int, p int) []int {
	for _, q := range set {
		if q == p {
			return set
		}
	}
	return append(set, p)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
