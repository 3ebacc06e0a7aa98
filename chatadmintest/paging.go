package chatadmintest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// pageToken is what a paging token carries. Tokens are base64 (standard
// alphabet, padded) of this JSON, like the service's
// "eyJza2lwIjoyMCwibGltaXQiOjEwfQ==" ({"skip":20,"limit":10}). The query
// that produced the page travels in the token, because clients may send the
// token alone (the provider's SDKs do); a signature makes any edit of the
// token fail with 400 "Query Token is invalid".
type pageToken struct {
	Kind   string     `json:"kind"`
	Skip   int        `json:"skip,omitempty"`
	Limit  int        `json:"limit"`
	After  int        `json:"after,omitempty"`  // messages: segments greater than this
	Before int        `json:"before,omitempty"` // messages: segments less than this
	Query  tokenQuery `json:"q"`
	Sig    string     `json:"sig,omitempty"`
	// Pad is filler chosen so that the base64 text contains '=' and '+' or
	// '/': a client that does not escape tokens breaks visibly.
	Pad string `json:"pad,omitempty"`
}

// tokenQuery is the query a token continues.
type tokenQuery struct {
	Filter           string   `json:"filter,omitempty"`
	UserID           string   `json:"userId,omitempty"`
	Tags             []string `json:"tags,omitempty"`
	ExcludeTags      []string `json:"excludeTags,omitempty"`
	Search           string   `json:"search,omitempty"`
	ChannelID        string   `json:"channelId,omitempty"`
	ParentID         string   `json:"parentId,omitempty"`
	FilterByParentID bool     `json:"filterByParentId,omitempty"`
	ReferenceID      string   `json:"referenceId,omitempty"`
	ReferenceType    string   `json:"referenceType,omitempty"`
	ReactionName     string   `json:"reactionName,omitempty"`
}

func (e *Emulator) sign(t pageToken) string {
	t.Sig, t.Pad = "", ""
	b, _ := json.Marshal(t)
	mac := hmac.New(sha256.New, e.secret)
	mac.Write(b)
	return hex.EncodeToString(mac.Sum(nil)[:8])
}

// encodeToken signs and encodes a token.
func (e *Emulator) encodeToken(t pageToken) string {
	t.Sig = e.sign(t)
	var tok string
	for n := 0; n < 24; n++ {
		t.Pad = strings.Repeat("?", n)
		b, _ := json.Marshal(t)
		tok = base64.StdEncoding.EncodeToString(b)
		if strings.Contains(tok, "=") && strings.ContainsAny(tok, "+/") {
			break
		}
	}
	return tok
}

var errBadToken = errBadRequest("Query Token is invalid")

// decodeToken checks a token's encoding, kind and signature.
func (e *Emulator) decodeToken(tok, kind string) (pageToken, error) {
	var t pageToken
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return t, errBadToken
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || t.Kind != kind || t.Limit < 1 || t.Skip < 0 {
		return t, errBadToken
	}
	if !hmac.Equal([]byte(t.Sig), []byte(e.sign(t))) {
		return t, errBadToken
	}
	return t, nil
}

// window pages a list of n items by skip/limit and returns the bounds plus
// the next/prev tokens built from base.
func (e *Emulator) window(n int, base pageToken) (lo, hi int, p paging) {
	lo = min(base.Skip, n)
	hi = min(lo+base.Limit, n)
	if hi < n {
		next := base
		next.Skip = hi
		p.Next = e.encodeToken(next)
	}
	if lo > 0 {
		prev := base
		prev.Skip = max(0, lo-base.Limit)
		p.Prev = e.encodeToken(prev)
	}
	return lo, hi, p
}
