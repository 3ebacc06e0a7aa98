package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"

	"go.yaml.in/yaml/v3"
)

// column is one table column: a header and the JSON path of its value
// ("channel.channelId").
type column struct{ header, path string }

// cols builds columns from header, path pairs.
func cols(pairs ...string) []column {
	out := make([]column, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, column{pairs[i], pairs[i+1]})
	}
	return out
}

// print writes one value (an object or a slice) in the output format.
// Under --dry-run it prints nothing: the value is synthetic.
func (a *app) print(v any, columns []column) error {
	if a.dryRun {
		return nil
	}
	switch a.format() {
	case "jsonl":
		// Elements are encoded as they are, not through generic, so that
		// fields keep their order.
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice {
			return writeJSONLine(a.stdout, v)
		}
		for i := range rv.Len() {
			if err := writeJSONLine(a.stdout, rv.Index(i).Interface()); err != nil {
				return err
			}
		}
		return nil
	case "yaml":
		return writeYAML(a.stdout, v)
	case "table":
		rows, isList := asList(v)
		if !isList {
			return writeKeyValues(a.stdout, v)
		}
		return writeTable(a.stdout, rows, columns, true)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := a.stdout.Write(escapeRaw(buf.Bytes()))
	return err
}

// page is one page of a list as -o json prints it: the items and the
// token of the next page, to pass back with --token.
type page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// printPage prints one page of a list; the next-page token goes to stderr
// in the formats that have no place for it.
func printPage[T any](a *app, items []T, next string, columns []column) error {
	if items == nil {
		items = []T{}
	}
	if f := a.format(); f == "json" || f == "yaml" {
		return a.print(page[T]{items, next}, columns)
	}
	if err := a.print(items, columns); err != nil {
		return err
	}
	if next != "" && !a.dryRun {
		fmt.Fprintf(a.stderr, "more: add --page-token %s, or --all for every page\n", shellQuote(termSafe(next)))
	}
	return nil
}

// stream prints the items of seq as they come, at most limit of them (0
// for all): for -o json one JSON array, an element a line, written as the
// elements come (constant memory; an error mid-way leaves the array open,
// so that no parser takes a partial list for a whole one); JSON Lines for
// jsonl; a table flushed every 100 rows; or YAML documents.
func stream[T any](a *app, seq iter.Seq2[T, error], limit int, columns []column) error {
	n := 0
	var batch []any
	header := true
	format := a.format()
	flush := func() error {
		if len(batch) == 0 || a.dryRun {
			return nil
		}
		err := writeTable(a.stdout, batch, columns, header)
		header, batch = false, batch[:0]
		return err
	}
	for item, err := range seq {
		if err != nil {
			_ = flush()
			return err
		}
		if limit > 0 && n >= limit {
			break
		}
		n++
		if a.dryRun {
			continue
		}
		switch format {
		case "table":
			batch = append(batch, item)
			if len(batch) == 100 {
				if err := flush(); err != nil {
					return err
				}
			}
		case "yaml":
			if _, err := io.WriteString(a.stdout, "---\n"); err != nil {
				return err
			}
			if err := writeYAML(a.stdout, item); err != nil {
				return err
			}
		case "json":
			sep := ",\n"
			if n == 1 {
				sep = "[\n"
			}
			if _, err := io.WriteString(a.stdout, sep); err != nil {
				return err
			}
			if err := writeJSON(a.stdout, item); err != nil {
				return err
			}
		default:
			if err := writeJSONLine(a.stdout, item); err != nil {
				return err
			}
		}
		if limit > 0 && n >= limit {
			break
		}
	}
	if format == "json" && !a.dryRun {
		end := "\n]\n"
		if n == 0 {
			end = "[]\n"
		}
		if _, err := io.WriteString(a.stdout, end); err != nil {
			return err
		}
	}
	return flush()
}

// writeJSON writes v as compact JSON, without a newline.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeRaw(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	return err
}

func writeJSONLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeRaw(buf.Bytes()))
	return err
}

// generic turns v into maps, slices and scalars through its JSON form, so
// that tables and YAML use the JSON names.
func generic(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var g any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&g)
	return g
}

// writeYAML writes v as a YAML document. A key or value holding an unsafe
// rune is written double-quoted, where the encoder escapes controls and
// escapeRaw the rest: the document keeps the exact data and the terminal
// gets no control.
func writeYAML(w io.Writer, v any) error {
	var n yaml.Node
	if err := n.Encode(numbersForYAML(generic(v))); err != nil {
		return err
	}
	quoteUnsafe(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(escapeRaw(buf.Bytes()))
	return err
}

// quoteUnsafe makes every scalar of n that holds an unsafe rune
// double-quoted.
func quoteUnsafe(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && hasUnsafe(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteUnsafe(c)
	}
}

// numbersForYAML turns json.Number into int64 or float64 for the encoder.
func numbersForYAML(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbersForYAML(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbersForYAML(e)
		}
	}
	return v
}

// asList reports whether v encodes as a JSON array, and its elements.
func asList(v any) ([]any, bool) {
	g, ok := generic(v).([]any)
	return g, ok
}

// writeTable writes rows (any values, taken through JSON) as columns.
func writeTable(w io.Writer, rows []any, columns []column, header bool) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	if len(columns) == 0 && len(rows) > 0 {
		columns = defaultColumns(generic(rows[0]))
	}
	if header {
		hs := make([]string, len(columns))
		for i, c := range columns {
			hs[i] = termSafe(c.header)
		}
		fmt.Fprintln(tw, strings.Join(hs, "\t"))
	}
	for _, r := range rows {
		g := generic(r)
		cells := make([]string, len(columns))
		for i, c := range columns {
			cells[i] = cell(lookup(g, c.path))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// writeKeyValues writes one object as KEY  value lines, nested objects
// flattened to dotted keys, in the order of the object's fields (what was
// asked for first, not the alphabet). Keys are server data too.
func writeKeyValues(w io.Writer, v any) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	o, ok := ordered(v).(omap)
	if !ok {
		fmt.Fprintln(tw, cell(generic(v)))
		return tw.Flush()
	}
	var walk func(prefix string, o omap)
	walk = func(prefix string, o omap) {
		for _, f := range o {
			if sub, ok := f.v.(omap); ok && len(sub) > 0 {
				walk(prefix+f.k+".", sub)
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\n", termSafe(prefix+f.k), cell(f.v))
		}
	}
	walk("", o)
	return tw.Flush()
}

func defaultColumns(g any) []column {
	m, _ := g.(map[string]any)
	var out []column
	for _, k := range sortedKeys(m) {
		out = append(out, column{strings.ToUpper(termSafe(k)), k})
	}
	return out
}

// lookup follows a dotted path through maps.
func lookup(g any, path string) any {
	for _, p := range strings.Split(path, ".") {
		m, ok := g.(map[string]any)
		if !ok {
			return nil
		}
		g = m[p]
	}
	return g
}

// cell renders one value for a table: scalars as text, lists joined by
// commas, objects as compact JSON; control characters are folded so that
// server data cannot break the table's lines.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		if x == "" {
			return "-"
		}
		return termSafe(x)
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return x.String()
	case omap:
		if len(x) == 0 {
			return "-"
		}
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cell(e)
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ",")
	}
	b, _ := json.Marshal(v)
	return termSafe(string(b))
}
