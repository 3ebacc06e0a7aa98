package backoff

import (
	"math"
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{
		"3": 3 * time.Second, "0": 0, "99999999999999999999": math.MaxInt64,
		time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat): 0,
	} {
		got, ok := RetryAfter(http.Header{"Retry-After": {v}})
		if !ok || got != want {
			t.Errorf("%q: %v %v", v, got, ok)
		}
	}
	for _, v := range []string{"", "-1", "soon"} {
		if _, ok := RetryAfter(http.Header{"Retry-After": {v}}); ok {
			t.Errorf("%q accepted", v)
		}
	}
}

func TestCeilingAndJitter(t *testing.T) {
	if c := Ceiling(time.Millisecond, time.Second, 3); c != 8*time.Millisecond {
		t.Errorf("ceiling %v", c)
	}
	if c := Ceiling(time.Millisecond, time.Second, 40); c != time.Second {
		t.Errorf("capped ceiling %v", c)
	}
	for range 100 {
		if j := Jitter(time.Second); j < time.Second/2 || j > time.Second {
			t.Fatalf("jitter %v", j)
		}
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(3, 0.5)
	for range 3 {
		if !b.Take() {
			t.Fatal("a token in hand refused")
		}
	}
	if b.Take() {
		t.Fatal("an empty budget allowed a retry")
	}
	for range 10 {
		b.Succeed()
	}
	if tokens, capacity := b.Level(); tokens != 3 || capacity != 3 {
		t.Fatalf("refunds went to %g of %g", tokens, capacity)
	}
	if NewBudget(0, 1) != nil || !(*Budget)(nil).Take() {
		t.Fatal("capacity 0 must turn the budget off")
	}
}
