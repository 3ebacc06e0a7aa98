// Package jsonread decodes the SDK's response bodies with encoding/json/v2's
// engine, which reads a page of 100 channels in about half the CPU of
// encoding/json (BENCHMARKS.md §1) and checks the syntax in the same pass
// instead of a pass of its own. The module github.com/go-json-experiment/json
// is that engine for Go 1.26 and an alias of the standard library's
// encoding/json/v2 where the Go release has it (Go 1.27).
package jsonread

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// V1Reading keeps what encoding/json accepted, so that a server's answer
// reads as it did: invalid UTF-8 becomes U+FFFD (instead of failing a call
// the server has acted on), a repeated name is taken (the last one wins),
// names match without regard to case, a null keeps what an earlier repeat
// of its name set, and an array shorter than a Go array fills what it has.
// The root package's FuzzDecodeMatchesEncodingJSON holds it to that.
var V1Reading = json.JoinOptions(
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MergeWithLegacySemantics(true),
	jsonv1.UnmarshalArrayFromAnyLength(true),
)

// Unmarshal decodes a response body into v, one of the SDK's own types,
// or, when callers is true, the caller's own (Client.Do's out): that one
// is decoded with encoding/json's exact rules (the engine's v1 package),
// which its type was written for.
func Unmarshal(body []byte, v any, callers bool) error {
	if callers {
		return jsonv1.Unmarshal(body, v)
	}
	return json.Unmarshal(body, v, V1Reading)
}
