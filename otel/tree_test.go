package chatadminotel_test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chatadmin/chatadmin-go/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// spanTree renders ended spans as an indented tree, children in start
// order, each with its kind, status and attributes (sorted). Values that
// vary from run to run (waits, the emulator's port) are shown by their
// kind only, so that a tree can be compared exactly.
func spanTree(spans []sdktrace.ReadOnlySpan) string {
	children := map[trace.SpanID][]sdktrace.ReadOnlySpan{}
	ids := map[trace.SpanID]bool{}
	for _, s := range spans {
		ids[s.SpanContext().SpanID()] = true
	}
	var roots []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if p := s.Parent().SpanID(); p.IsValid() && ids[p] {
			children[p] = append(children[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(s sdktrace.ReadOnlySpan, depth int)
	byStart := func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) }
	walk = func(s sdktrace.ReadOnlySpan, depth int) {
		fmt.Fprintf(&b, "%s%s [%s]", strings.Repeat("  ", depth), s.Name(), s.SpanKind())
		if s.Status().Code.String() != "Unset" {
			fmt.Fprintf(&b, " status=%s(%s)", s.Status().Code, s.Status().Description)
		}
		b.WriteByte('\n')
		var attrs []string
		for _, kv := range s.Attributes() {
			v := kv.Value.String()
			switch kv.Key {
			case chatadminotel.KeyWait, chatadminotel.KeyLimiterWait:
				v = "<seconds>"
			case chatadminotel.KeyServerPort:
				v = "<port>"
			}
			attrs = append(attrs, string(kv.Key)+"="+v)
		}
		slices.Sort(attrs)
		for _, a := range attrs {
			fmt.Fprintf(&b, "%s    %s\n", strings.Repeat("  ", depth), a)
		}
		kids := children[s.SpanContext().SpanID()]
		slices.SortFunc(kids, byStart)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	slices.SortFunc(roots, byStart)
	for _, r := range roots {
		walk(r, 0)
	}
	return b.String()
}
