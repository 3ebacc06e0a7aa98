package jsonbound

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// randomJSON writes a random value of at most depth levels: objects with
// the keys anyKey tells apart, arrays, numbers, literals, and strings of
// every length around the scanner's word size with quotes, runs of
// backslashes and multi-byte runes in them, with random whitespace.
func randomJSON(r *rand.Rand, sb *strings.Builder, depth int) {
	ws := func() {
		if r.IntN(4) == 0 {
			sb.WriteString([]string{" ", "\n", "\t ", "\r\n  "}[r.IntN(4)])
		}
	}
	ws()
	switch k := r.IntN(8); {
	case k < 2 && depth > 0:
		sb.WriteByte('{')
		for i, n := 0, r.IntN(6); i < n; i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			ws()
			if r.IntN(3) == 0 {
				randomString(r, sb)
			} else {
				sb.WriteString(`"` + []string{"free", "raw", "data", "x", "metadata", "a\\\"b"}[r.IntN(6)] + `"`)
			}
			ws()
			sb.WriteByte(':')
			randomJSON(r, sb, depth-1)
		}
		ws()
		sb.WriteByte('}')
	case k < 4 && depth > 0:
		sb.WriteByte('[')
		for i, n := 0, r.IntN(6); i < n; i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			randomJSON(r, sb, depth-1)
		}
		ws()
		sb.WriteByte(']')
	case k < 6:
		randomString(r, sb)
	default:
		sb.WriteString([]string{"0", "-12.5e3", "true", "false", "null", "123456789012345678901234567890"}[r.IntN(6)])
	}
	ws()
}

func randomString(r *rand.Rand, sb *strings.Builder) {
	sb.WriteByte('"')
	for n := r.IntN(48); n > 0; n-- {
		switch r.IntN(12) {
		case 0:
			sb.WriteString(strings.Repeat(`\`, 2*r.IntN(3)) + `\"`) // an escaped quote after escaped backslashes
		case 1:
			sb.WriteString(`\\`)
		case 2:
			sb.WriteString(`\u00e9é€`)
		case 3:
			sb.WriteString(`{[,:]}`)
		default:
			sb.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	sb.WriteByte('"')
}

// TestEstimateMatchesReference: the word-at-a-time scanner gives the
// estimate the byte-by-byte one gave, on random JSON and on every prefix
// of it (unterminated strings, open containers).
func TestEstimateMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 3))
	for range 3000 {
		var sb strings.Builder
		randomJSON(r, &sb, 5)
		body := []byte(sb.String())
		for _, top := range []Mode{Typed, Any, Raw} {
			for _, b := range [][]byte{body, body[:r.IntN(len(body)+1)]} {
				if got, want := Estimate(b, top, anyKey), refEstimate(b, top, anyKey); got != want {
					t.Fatalf("mode %d, %q: estimated %d, reference %d", top, b, got, want)
				}
			}
		}
	}
}

// FuzzEstimateMatchesReference holds the two scanners equal on any bytes.
func FuzzEstimateMatchesReference(f *testing.F) {
	for _, s := range []string{`{"free":["a\\\"b"]}`, `"\\\\\\\\\\\\\\\\\"x"`, `{"raw":{"a":"0123456789abcdef0123456789\"abcdef"}}`, `[1,true,"é"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, top := range []Mode{Typed, Any, Raw} {
			if got, want := Estimate(b, top, anyKey), refEstimate(b, top, anyKey); got != want {
				t.Fatalf("mode %d, %q: estimated %d, reference %d", top, b, got, want)
			}
		}
	})
}
