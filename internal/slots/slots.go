// Package slots bounds the page lists of responses: each list decodes into
// a fixed array of marked slots, so that whatever a server sends, a page
// expands into at most N items.
package slots

import "fmt"

// N is the length of the arrays that page lists decode into: one more
// than a page can hold (chatadmin.MaxPageLimit), so that a longer list
// shows in its last slot. encoding/json skips the elements of a JSON array
// past the end of a Go array without allocating, so whatever a server
// sends, a page expands into at most this many items.
const N = 101

// Marker is embedded in the slot types of page lists. New sets it in every
// slot before decoding; encoding/json never writes it (its field is
// unexported) but zeroes the slots past the end of the JSON array. So a
// marked slot is an element the server sent, {} and null included, and
// an unmarked one is past the end.
type Marker struct{ seen bool }

// Mark marks a slot; New calls it.
func (m *Marker) Mark() { m.seen = true }

// Seen reports whether the slot holds an element the server sent.
func (m *Marker) Seen() bool { return m.seen }

// New returns an array of marked slots for a page list to decode into.
func New[S any, P interface {
	*S
	Mark()
}]() *[N]S {
	a := new([N]S)
	for i := range a {
		P(&a[i]).Mark()
	}
	return a
}

// Items returns the items of a page list decoded into slots from New. It refuses a list that is null or absent, an element without
// the id that makes it valid ({} and null included), and a list longer
// than a page. An optional list may be absent.
func Items[S, T any, P interface {
	*S
	Open() (item *T, seen bool)
}](a *[N]S, what string, optional bool, valid func(*T) bool) ([]T, error) {
	if a == nil {
		return nil, fmt.Errorf("the response has no %s list", what)
	}
	if optional && absent[S, T, P](a, valid) {
		return nil, nil
	}
	n := 0
	for ; n < len(a); n++ {
		item, seen := P(&a[n]).Open()
		if !seen {
			break
		}
		if !valid(item) {
			if n == 0 {
				return nil, fmt.Errorf("the response has no %s list, or its first %s has no id", what, what)
			}
			return nil, fmt.Errorf("%s #%d has no id", what, n)
		}
	}
	if n == len(a) {
		return nil, fmt.Errorf("more than %d %s items in one page", N-1, what)
	}
	items := make([]T, n)
	for i := range items {
		item, _ := P(&a[i]).Open()
		items[i] = *item
	}
	return items, nil
}

// absent reports whether a's key was absent from the body: every slot is
// still marked and none holds an item. A list of more than a page of
// empty elements looks the same; it is dropped as well, having decoded
// into no more than the array.
func absent[S, T any, P interface {
	*S
	Open() (item *T, seen bool)
}](a *[N]S, valid func(*T) bool) bool {
	for i := range a {
		if item, seen := P(&a[i]).Open(); !seen || valid(item) {
			return false
		}
	}
	return true
}
