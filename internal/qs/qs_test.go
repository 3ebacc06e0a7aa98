package qs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseQS runs the qs cases of libraries.md §4 (as measured on Node
// qs/body-parser) plus the merge corner cases.
func TestParse(t *testing.T) {
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
		{"tags[1]=b&tags[0]=a", map[string]any{"tags": []any{"a", "b"}}},    // index order
		{"tags[0]=a&tags[5]=b", map[string]any{"tags": []any{"a", "b"}}},    // sparse, compacted
		{"tags[100]=a", map[string]any{"tags": map[string]any{"100": "a"}}}, // arrayLimit counts elements
		{"tags[99]=a", map[string]any{"tags": []any{"a"}}},
		{"tags[]=a&tags[0]=b", map[string]any{"tags": []any{"a", "b"}}},
		{"a[0]=x&a[b]=y", map[string]any{"a": map[string]any{"0": "x", "b": "y"}}},
		{"a=1&a[b]=2", map[string]any{"a": []any{"1", map[string]any{"b": "2"}}}},
		{"a[b]=2&a=1", map[string]any{"a": []any{map[string]any{"b": "2"}, "1"}}}, // strictMerge
		{"a[b]=2&a=1&a=3", map[string]any{"a": map[string]any{"b": "2", "0": "1", "1": "3"}}},
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
			got, err := Parse(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseLimits(t *testing.T) {
	// 150 items in every notation stay arrays (arrayLimit max(100, params)).
	var br, idx, rep []string
	for i := range 150 {
		br = append(br, fmt.Sprintf("u[]=%d", i))
		idx = append(idx, fmt.Sprintf("u[%d]=%d", i, i))
		rep = append(rep, fmt.Sprintf("u=%d", i))
	}
	for _, s := range [][]string{br, idx, rep} {
		m, err := Parse(strings.Join(s, "&"))
		require.NoError(t, err)
		require.Len(t, m["u"], 150)
	}
	_, err := Parse(strings.Repeat("a=1&", 999) + "a=1") // 1000 parameters
	require.NoError(t, err)
	_, err = Parse(strings.Repeat("a=1&", 1000) + "a=1") // 1001
	require.ErrorIs(t, err, ErrTooManyParameters)
	_, err = Parse("a" + strings.Repeat("[b]", 32) + "=1")
	require.NoError(t, err)
	_, err = Parse("a" + strings.Repeat("[b]", 33) + "=1")
	require.ErrorIs(t, err, ErrDepth)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"tags[]=a", "a[b][c]=1&a[b]=2", "a[0]=1&a[x]=2&a=3", "%5B%5D=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Parse(s) // must not panic
	})
}

// TestParseQSMatchesNode replays strings whose parse qs 6.17.1 recorded
// (testdata/qsnode/gen.js): the query parser and the body parser must give
// what Node gives, limits and merge quirks included.
func TestParseMatchesNode(t *testing.T) {
	f, err := os.Open("testdata/qsnode/cases.jsonl")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		var c struct {
			S    string
			Q, B any
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c))
		var body any = "ERR"
		if m, err := Parse(c.S); err == nil {
			body = asJSON(t, m)
		}
		require.Equal(t, c.Q, asJSON(t, ParseQuery(c.S)), "query %q", c.S)
		require.Equal(t, c.B, body, "body %q", c.S)
		n++
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 1000, n)
}

// asJSON is v as encoding/json decodes it, to compare with Node's output.
func asJSON(t *testing.T, v any) any {
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

// TestParseQueryLimits: query strings keep qs's defaults, tighter than a
// body's: 20 elements per array, 5 bracket groups, 1000 parameters.
func TestParseQueryLimits(t *testing.T) {
	list := func(n int, format string) string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf(format, i)
		}
		return strings.Join(s, "&")
	}
	for _, format := range []string{"r[]=%d", "r=%d", "r[%d]=x"} {
		require.Len(t, ParseQuery(list(20, format))["r"], 20, format)
		require.IsType(t, map[string]any{}, ParseQuery(list(21, format))["r"], format)
		body, err := Parse(list(21, format))
		require.NoError(t, err)
		require.IsType(t, []any{}, body["r"], format)
	}
	require.Equal(t, map[string]any{"r": map[string]any{"20": "x"}}, ParseQuery("r[20]=x"))

	deep := ParseQuery("a[b][c][d][e][f][g][h]=1")
	require.Equal(t, map[string]any{"a": map[string]any{"b": map[string]any{"c": map[string]any{
		"d": map[string]any{"e": map[string]any{"f": map[string]any{"[g][h]": "1"}}}}}}}, deep)

	m := ParseQuery(list(1001, "k%d=1"))
	require.Len(t, m, 1000) // the rest is dropped, not refused
	require.NotContains(t, m, "k1000")
}

// Parse shows how the server reads a form body.
func ExampleParse() {
	m, _ := Parse("tags[]=a&single=a&options[skip]=5")
	fmt.Println(m["tags"], m["single"], m["options"])
	// Output: [a] a map[skip:5]
}
