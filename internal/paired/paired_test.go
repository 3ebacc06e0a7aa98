package paired

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRatios(t *testing.T) {
	r := Ratios{1.05, 0.95, 1.00}
	if m := r.Median(); m != 1.00 {
		t.Fatalf("median %v", m)
	}
	if got, want := r.String(), "1.000 (3 runs: 1.050 0.950 1.000; spread ±5.0 %)"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if m := (Ratios{1, 2, 3, 4}).Median(); m != 2.5 {
		t.Fatalf("even median %v", m)
	}
}

func TestOrderRotates(t *testing.T) {
	v := []string{"a", "b", "c"}
	got := []string{strings.Join(Order(v, 0), ""), strings.Join(Order(v, 1), ""), strings.Join(Order(v, 2), ""), strings.Join(Order(v, 3), "")}
	if want := []string{"abc", "bca", "cab", "abc"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestCallsCountsEveryVariantAlike(t *testing.T) {
	n := map[string]int{}
	vs := []Variant{{"a", func() error { n["a"]++; return nil }}, {"b", func() error { n["b"]++; return nil }}}
	var out bytes.Buffer
	ratios, err := Calls(&out, vs, 3, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	if n["a"] != 10+3*2*5 || n["b"] != n["a"] {
		t.Fatalf("calls %v", n)
	}
	if len(ratios) != 1 || len(ratios[0]) != 3 || strings.Count(out.String(), "run ") != 3 {
		t.Fatalf("ratios %v, output %q", ratios, out.String())
	}
	boom := errors.New("boom")
	if _, err := Calls(&out, []Variant{{"a", func() error { return boom }}}, 1, 1, 1); !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
}

func TestCallsPicksTheCallsOfAChunk(t *testing.T) {
	// A 2 ms call: about Chunk/2ms calls a turn (the probe's timing is
	// loose on a busy machine, so only the order of magnitude is checked).
	n := 0
	vs := []Variant{{"a", func() error { n++; time.Sleep(2 * time.Millisecond); return nil }}, {"b", func() error { return nil }}}
	var out bytes.Buffer
	if _, err := Calls(&out, vs, 1, 1, 0); err != nil {
		t.Fatal(err)
	}
	per := n - 10 - 20 // warm-up and probe
	if per < 10 || per > int(Chunk/(2*time.Millisecond)) {
		t.Fatalf("%d calls a turn; output %q", per, out.String())
	}
}
