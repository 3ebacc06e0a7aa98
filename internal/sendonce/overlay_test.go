package sendonce

import (
	"context"
	"testing"
)

type key string

// TestOverlay checks that an overlay takes the Observer's values first and
// keeps the caller's lifetime, whatever the Observer's context says.
func TestOverlay(t *testing.T) {
	caller, cancel := context.WithCancel(context.WithValue(context.Background(), key("a"), "caller"))
	obs := context.WithValue(context.WithValue(context.Background(), key("a"), "span"), key("b"), "obs")
	o := Overlay(caller, obs)
	if o.Value(key("a")) != "span" || o.Value(key("b")) != "obs" {
		t.Errorf("values = %v, %v; want the Observer's first", o.Value(key("a")), o.Value(key("b")))
	}
	if o.Value(key("c")) != nil {
		t.Error("an unknown key found a value")
	}
	cancel()
	if o.Err() == nil {
		t.Error("the caller's cancellation was lost")
	}
}
