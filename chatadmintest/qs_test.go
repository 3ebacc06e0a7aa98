package chatadmintest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseQS runs the qs cases of libraries.md §4 (as measured on Node
// qs/body-parser) plus the merge corner cases.
func TestParseQS(t *testing.T) {
	cases := []struct {
		in   string
		want map[string]any
	}{
		{"tags[]=a", map[string]any{"tags": []any{"a"}}},
		{"tags=a", map[string]any{"tags": "a"}},
		{"tags=a&tags=b", map[string]any{"tags": []any{"a", "b"}}},
		{"options[skip]=5", map[string]any{"options": map[string]any{"skip": "5"}}},
		{"options%5Bskip%5D=5", map[string]any{"options": map[string]any{"skip": "5"}}},
		{"metadata[a][b]=1", map[string]any{"metadata": map[string]any{"a": map[string]any{"b": "1"}}}},
		{"tags[0]=a&tags[1]=b", map[string]any{"tags": []any{"a", "b"}}},
		{"mutePeriod=0&flag=false", map[string]any{"mutePeriod": "0", "flag": "false"}},
		{"tags[]=", map[string]any{"tags": []any{""}}},
		{"tags[]=a&tags[]=b", map[string]any{"tags": []any{"a", "b"}}},
		{"tags[1]=b&tags[0]=a", map[string]any{"tags": []any{"a", "b"}}}, // index order
		{"tags[0]=a&tags[5]=b", map[string]any{"tags": []any{"a", "b"}}}, // sparse, compacted
		{"tags[101]=a", map[string]any{"tags": map[string]any{"101": "a"}}},
		{"tags[100]=a", map[string]any{"tags": []any{"a"}}},
		{"tags[]=a&tags[0]=b", map[string]any{"tags": []any{"a", "b"}}},
		{"a[0]=x&a[b]=y", map[string]any{"a": map[string]any{"0": "x", "b": "y"}}},
		{"a=1&a[b]=2", map[string]any{"a": []any{"1", map[string]any{"b": "2"}}}},
		{"a[b]=2&a=1", map[string]any{"a": map[string]any{"b": "2", "1": true}}},
		{"a[b]=x&a=", map[string]any{"a": map[string]any{"b": "x"}}},
		{"q=a+b%20c", map[string]any{"q": "a b c"}},
		{"q=%zz", map[string]any{"q": "%zz"}}, // malformed escape kept
		{"q=%FF", map[string]any{"q": "%FF"}}, // invalid UTF-8 kept
		{"flag", map[string]any{"flag": ""}},  // no '='
		{"a[b]=c=d", map[string]any{"a": map[string]any{"b": "c=d"}}},
		{"&&a=1&", map[string]any{"a": "1"}}, // empty parts skipped
		{"=x", map[string]any{}},             // empty key skipped
		{"token=ab%2Bc%3D%3D", map[string]any{"token": "ab+c=="}},
		{"options[token]=ab+c==", map[string]any{"options": map[string]any{"token": "ab c=="}}}, // unescaped '+' is a space
		{"__proto__[x]=1&y=2", map[string]any{"y": "2"}},                                        // qs drops __proto__ keys
		{"a[__proto__]=1", map[string]any{"a": map[string]any{}}},
		{"", map[string]any{}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseQS(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseQSLimits(t *testing.T) {
	// 150 items in every notation stay arrays (arrayLimit max(100, params)).
	var br, idx, rep []string
	for i := range 150 {
		br = append(br, fmt.Sprintf("u[]=%d", i))
		idx = append(idx, fmt.Sprintf("u[%d]=%d", i, i))
		rep = append(rep, fmt.Sprintf("u=%d", i))
	}
	for _, s := range [][]string{br, idx, rep} {
		m, err := ParseQS(strings.Join(s, "&"))
		require.NoError(t, err)
		require.Len(t, m["u"], 150)
	}
	_, err := ParseQS(strings.Repeat("a=1&", 999) + "a=1") // 1000 parameters
	require.NoError(t, err)
	_, err = ParseQS(strings.Repeat("a=1&", 1000) + "a=1") // 1001
	require.ErrorIs(t, err, ErrQSTooManyParameters)
	_, err = ParseQS("a" + strings.Repeat("[b]", 32) + "=1")
	require.NoError(t, err)
	_, err = ParseQS("a" + strings.Repeat("[b]", 33) + "=1")
	require.ErrorIs(t, err, ErrQSDepth)
}

func FuzzParseQS(f *testing.F) {
	for _, s := range []string{"tags[]=a", "a[b][c]=1&a[b]=2", "a[0]=1&a[x]=2&a=3", "%5B%5D=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseQS(s) // must not panic
	})
}
