package chatadmin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
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

	res, err := c.Channels.Create(ctx, &ChannelCreateRequest{ChannelID: "meta", Metadata: nestedMetadata()})
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
		_, err := c.Channels.Create(ctx, &ChannelCreateRequest{ChannelID: "c", Metadata: tc.meta})
		assertInvalidField(t, tc.field, err)
		_, err = c.Users.Update(ctx, "u1", &UserUpdateRequest{Metadata: tc.meta})
		assertInvalidField(t, tc.field, err)
	}
	// One level less fits: 32 bracket groups in all.
	vals := url.Values{}
	require.NoError(t, Metadata{"k": deep["k"]}.EncodeValues("metadata", &vals))
	require.NoError(t, bodyLimits.check(vals))
}
