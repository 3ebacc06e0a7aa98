package pager

import (
	"context"
	"errors"
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// counter fetches pages 0…n-1 and counts its fetches.
func counter(n int, fetches *int) func() Fetch[int] {
	return func() Fetch[int] {
		next := 0
		return func(context.Context) (int, bool, error) {
			*fetches++
			next++
			return next - 1, next < n, nil
		}
	}
}

// TestSeqIsLazy: with or without read-ahead, a loop that breaks after the
// first page stops the sweep (read-ahead fetches at most one page more),
// and the sequence can be ranged over again from the start.
func TestSeqIsLazy(t *testing.T) {
	for _, ahead := range []bool{false, true} {
		fetches := 0
		seq := Seq(context.Background(), counter(10, &fetches), ahead)
		for range seq {
			break
		}
		if fetches > 2 || (!ahead && fetches != 1) {
			t.Errorf("ahead=%v: %d fetches for one page", ahead, fetches)
		}
		var got []int
		for p, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, p)
		}
		if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("ahead=%v: pages %v", ahead, got)
		}
	}
}

// TestSeqStopsOnError: a fetch's error is yielded once, as is a canceled
// context's.
func TestSeqStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	for _, ahead := range []bool{false, true} {
		seq := Seq(context.Background(), func() Fetch[int] {
			return func(context.Context) (int, bool, error) { return 0, true, boom }
		}, ahead)
		var errs []error
		for _, err := range seq {
			errs = append(errs, err)
		}
		if len(errs) != 1 || errs[0] != boom {
			t.Errorf("ahead=%v: %v", ahead, errs)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		fetches := 0
		for _, err := range Seq(ctx, counter(3, &fetches), ahead) {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("ahead=%v: %v", ahead, err)
			}
		}
	}
}

func TestFlatten(t *testing.T) {
	pages := Seq(context.Background(), func() Fetch[[]int] {
		n := 0
		return func(context.Context) ([]int, bool, error) { n++; return []int{n, n}, n < 3, nil }
	}, false)
	var got []int
	for v, err := range Flatten(pages, func(p []int) []int { return p }) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{1, 1, 2, 2, 3, 3}) {
		t.Errorf("items %v", got)
	}
}

// TestTokenGuardShortCycles: A→A and A→B→A stop at the first repeat, with
// the caller's error.
func TestTokenGuardShortCycles(t *testing.T) {
	loop := errors.New("loop")
	g := NewTokenGuard("A", loop)
	g.Follow("A")
	if g.Stopped() != loop {
		t.Error("A→A not stopped")
	}
	g = NewTokenGuard("", loop)
	g.Follow("A")
	g.Follow("B")
	if g.Stopped() != nil {
		t.Error("A→B stopped")
	}
	g.Follow("A")
	if g.Stopped() != loop {
		t.Error("A→B→A not stopped")
	}
}

// TestTokens: the first fetch has no token, each next one the token the
// page before gave; a token met again ends the sweep with the loop error.
func TestTokens(t *testing.T) {
	loop := errors.New("loop")
	next := map[string]string{"": "a", "a": "b", "b": "a"}
	var asked []string
	fetch := Tokens(0, "", loop, func(_ context.Context, _ int, token string) (string, string, error) {
		asked = append(asked, token)
		return "page " + token, next[token], nil
	})
	var err error
	for range 5 {
		if _, _, err = fetch(context.Background()); err != nil {
			break
		}
	}
	if err != loop || !slices.Equal(asked, []string{"", "a", "b"}) {
		t.Errorf("asked %q, ended with %v", asked, err)
	}
}
