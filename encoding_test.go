package chatadmin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/chatadmin/chatadmin-go/internal/form"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nestedMetadata has every shape that bracket notation must carry: arrays
// of objects and of arrays, which go with indexes, beside arrays of
// scalars, which keep key[].
func nestedMetadata() Metadata {
	return Metadata{
		"items": []any{map[string]any{"sku": "a1", "qty": 2}, map[string]any{"sku": "b2"}},
		"grid":  []any{[]any{"a", "b"}, []string{"c"}},
		"mixed": []any{"x", map[string]string{"k": "v"}},
		"tags":  []any{"t1", true},
		"names": []string{"n1"},
		"deep":  map[string]any{"a": map[string]any{"b": []any{[]any{map[string]any{"c": "d"}}}}},
	}
}

// nestedMetadataShape is nestedMetadata as the server stores it.
var nestedMetadataShape = Metadata{
	"items": []any{map[string]any{"sku": "a1", "qty": "2"}, map[string]any{"sku": "b2"}},
	"grid":  []any{[]any{"a", "b"}, []any{"c"}},
	"mixed": []any{"x", map[string]any{"k": "v"}},
	"tags":  []any{"t1", "true"},
	"names": []any{"n1"},
	"deep":  map[string]any{"a": map[string]any{"b": []any{[]any{map[string]any{"c": "d"}}}}},
}

// TestMetadataArraysRoundTrip: Channels.Create and Users.Update carry
// arrays of objects and of arrays through a qs server intact. With key[]
// for every array, qs merged {"sku":"a1"},{"sku":"b2"} into
// {"sku":["a1","b2"]} and flattened [["a","b"],["c"]].
func TestMetadataArraysRoundTrip(t *testing.T) {
	srv := chatadmintest.NewServer()
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.Token(), WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()

	res, err := c.Channels.Create(ctx, "meta", &ChannelCreateRequest{Metadata: nestedMetadata()})
	require.NoError(t, err)
	assert.Equal(t, nestedMetadataShape, res.Channel.Metadata)
	body := srv.Requests()[0].Body
	form, err := url.ParseQuery(string(body))
	require.NoError(t, err)
	assert.Equal(t, []string{"a1"}, form["metadata[items][0][sku]"])
	assert.Equal(t, []string{"b2"}, form["metadata[items][1][sku]"])
	assert.Equal(t, []string{"a", "b"}, form["metadata[grid][0][]"])
	assert.Equal(t, []string{"t1", "true"}, form["metadata[tags][]"])

	user, err := c.Users.Update(ctx, "u1", &UserUpdateRequest{Metadata: nestedMetadata()})
	require.NoError(t, err)
	assert.Equal(t, nestedMetadataShape, user.Metadata)
}

// TestMetadataRefusesWhatAFormCannotCarry: nil, empty objects and empty
// arrays give no parameter or an empty string, and keys past the body
// parser's depth (32 brackets) are refused; before sending, naming the path.
func TestMetadataRefusesWhatAFormCannotCarry(t *testing.T) {
	c := newTestClient(t) // no mock: a request that went out would fail differently
	ctx := context.Background()
	deep := map[string]any{"leaf": "x"}
	for range 31 {
		deep = map[string]any{"k": deep}
	}
	cases := []struct {
		field string
		meta  Metadata
	}{
		{"metadata[a]", Metadata{"a": nil}},
		{"metadata[a]", Metadata{"a": map[string]any{}}},
		{"metadata[a]", Metadata{"a": Metadata{}}},
		{"metadata[a]", Metadata{"a": map[string]string{}}},
		{"metadata[a]", Metadata{"a": []any{}}},
		{"metadata[a]", Metadata{"a": []string{}}},
		{"metadata[items][0]", Metadata{"items": []any{nil, "x"}}},
		{"metadata[items][1]", Metadata{"items": []any{map[string]any{"sku": "a1"}, map[string]any{}}}},
		{"metadata[items][0][x]", Metadata{"items": []any{map[string]any{"x": []any{}}}}},
		{"metadata[grid][1]", Metadata{"grid": []any{[]any{"a"}, []any{}}}},
		{"metadata[k]" + strings.Repeat("[k]", 31) + "[leaf]", Metadata{"k": deep}}, // 33 groups
	}
	for _, tc := range cases {
		_, err := c.Channels.Create(ctx, "c", &ChannelCreateRequest{Metadata: tc.meta})
		assertInvalidField(t, tc.field, err)
		_, err = c.Users.Update(ctx, "u1", &UserUpdateRequest{Metadata: tc.meta})
		assertInvalidField(t, tc.field, err)
	}
	// One level less fits: 32 bracket groups in all.
	vals := url.Values{}
	require.NoError(t, Metadata{"k": deep["k"]}.EncodeValues("metadata", &vals))
	require.NoError(t, formErr(form.Body.Check(vals)))
}

// metadataFromShape grows a metadata value from fuzz bytes: each byte picks
// a kind (low 3 bits) and a size (the next 2 bits); strings and keys come
// from strs. It makes every value kind Metadata accepts, nested as deep as
// the bytes go.
func metadataFromShape(shape []byte, strs []string) any {
	pos := 0
	next := func() byte {
		if pos >= len(shape) {
			return 0
		}
		pos++
		return shape[pos-1]
	}
	var value func(depth int) any
	value = func(depth int) any {
		c := next()
		n := int(c>>3) & 3
		str := strs[int(c>>5)%len(strs)]
		switch c & 7 {
		case 1:
			m := map[string]any{}
			for range n {
				m[strs[int(next())%len(strs)]] = value(depth + 1)
			}
			return m
		case 2:
			a := make([]any, n)
			for i := range a {
				a[i] = value(depth + 1)
			}
			return a
		case 3:
			a := make([]string, n)
			for i := range a {
				a[i] = strs[int(next())%len(strs)]
			}
			return a
		case 4:
			return nil
		case 5:
			return int(c) - 128
		case 6:
			m := map[string]string{}
			for range n {
				m[strs[int(next())%len(strs)]] = strs[int(next())%len(strs)]
			}
			return m
		case 7:
			return c&8 != 0
		}
		return str
	}
	return value(0)
}

// formCarries is the test's own statement of what a qs body parser
// (body-parser: depth 32, 1000 parameters) reads back as sent, for
// metadata v in a body holding params other parameters: no nil, no empty
// object or array, keys that bracket notation cannot misread.
func formCarries(v any, params int) bool {
	leaves := 0
	var walk func(v any, groups int) bool
	walk = func(v any, groups int) bool {
		switch x := v.(type) {
		case nil:
			return false
		case Metadata:
			return walk(map[string]any(x), groups)
		case map[string]any:
			for k, e := range x {
				if !keyCarries(k) || !walk(e, groups+1) {
					return false
				}
			}
			return len(x) > 0
		case map[string]string:
			for k := range x {
				if !keyCarries(k) {
					return false
				}
			}
			leaves += len(x)
			return len(x) > 0 && groups+1 <= 32
		case []any:
			for _, e := range x {
				if !walk(e, groups+1) {
					return false
				}
			}
			return len(x) > 0
		case []string:
			leaves += len(x)
			return len(x) > 0 && groups+1 <= 32
		}
		leaves++
		return groups <= 32
	}
	// walk adds a group per key: "metadata[k]" has one.
	return walk(v, 0) && params+leaves <= 1000
}

func keyCarries(k string) bool {
	return k != "" && !strings.ContainsAny(k, "[]") && k != "__proto__" && strings.Trim(k, "0123456789") != ""
}

// qsShape is v as a qs parser gives it back: strings, []any and
// map[string]any.
func qsShape(v any) any {
	switch x := v.(type) {
	case Metadata:
		return qsShape(map[string]any(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = qsShape(e)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = qsShape(e)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case string:
		return x
	}
	s, _ := form.Scalar(v)
	return s
}
