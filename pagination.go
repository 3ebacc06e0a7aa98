package chatadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
)

// Page is one page of a list: its items and the tokens of the pages around
// it. Pass Next back as the Token of the list options to continue a sweep,
// now or after a restart; an empty Next means this was the last page.
type Page[T any] struct {
	Items    []T
	Next     string
	Previous string
}

// Paging is the "paging" object of list responses. The server spells the
// previous-page token "prev" or "previous"; both decode into Previous.
type Paging struct {
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// UnmarshalJSON accepts both spellings of the previous-page token.
func (p *Paging) UnmarshalJSON(data []byte) error {
	var raw struct {
		Next     string `json:"next"`
		Prev     string `json:"prev"`
		Previous string `json:"previous"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	p.Next, p.Previous = raw.Next, raw.Previous
	if p.Previous == "" {
		p.Previous = raw.Prev
	}
	return nil
}

// fetchPage fetches the next page of a sweep. It returns more=false when
// there is nothing after the page it returns; it keeps its own cursor.
type fetchPage[T any] func(ctx context.Context) (page *Page[T], more bool, err error)

// pages yields the pages of a sweep lazily: nothing is fetched until the
// loop asks for it, and nothing more once the loop breaks, a fetch fails
// (the error is yielded once) or ctx ends. start makes a fresh cursor for
// each range over the result, so the sequence can be iterated again.
func pages[T any](ctx context.Context, start func() fetchPage[T]) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		fetch := start()
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			page, more, err := fetch(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || !more {
				return
			}
		}
	}
}

// items flattens a sweep of pages into its items.
func items[T any](seq iter.Seq2[*Page[T], error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range seq {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// tokenSweep starts sweeps of a list paged by an opaque token: list fetches
// the page at token, and each sweep follows Next from first until it is
// empty.
func tokenSweep[T any](first string, list func(ctx context.Context, token string) (*Page[T], error)) func() fetchPage[T] {
	return func() fetchPage[T] {
		token := first
		return func(ctx context.Context) (*Page[T], bool, error) {
			page, err := list(ctx, token)
			if err != nil {
				return nil, false, err
			}
			if page.Next != "" && page.Next == token {
				// A server that hands back the token it was given would
				// otherwise keep the loop fetching the same page forever.
				return nil, false, fmt.Errorf("%w: the server returned the same page token twice", ErrUnexpectedResponse)
			}
			token = page.Next
			return page, page.Next != "", nil
		}
	}
}
