package chatadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"sync"
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
type fetchPage[P any] func(ctx context.Context) (page P, more bool, err error)

// WithReadAhead makes a Pages or All loop fetch the next page while the loop
// body works on the current one, so that a loop that spends as long on a
// page as the server takes to answer runs in about half the time. At most
// two pages are held: the one the loop has and the one fetched ahead.
//
// Read-ahead costs one request the loop may not need: breaking out (or an
// error in the loop body) cancels the page being fetched and waits for the
// fetch to stop, so no goroutine outlives the loop, but that request may
// already have reached the server. With WithResponseInfo, read the info
// only after the loop: the fetches fill it from another goroutine. It has
// no effect on calls other than Pages and All.
func WithReadAhead() RequestOption {
	return func(o *callOptions) { o.readAhead = true }
}

// pages yields the pages of a sweep lazily: nothing is fetched until the
// loop asks for it, and nothing more once the loop breaks, a fetch fails
// (the error is yielded once) or ctx ends. start makes a fresh cursor for
// each range over the result, so the sequence can be iterated again.
// WithReadAhead among reqOpts fetches one page ahead of the loop instead.
func pages[P any](ctx context.Context, start func() fetchPage[P], reqOpts []RequestOption) iter.Seq2[P, error] {
	var co callOptions
	for _, opt := range reqOpts {
		opt(&co)
	}
	if co.readAhead {
		return readAhead(ctx, start)
	}
	return func(yield func(P, error) bool) {
		var zero P
		fetch := start()
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			page, more, err := fetch(ctx)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(page, nil) || !more {
				return
			}
		}
	}
}

// fetched is one result of a read-ahead fetch.
type fetched[P any] struct {
	page P
	more bool
	err  error
}

// readAhead is pages with one fetch running ahead of the loop, on its own
// goroutine. The hand-over channel is unbuffered, so the fetcher holds at
// most one page that the loop has not taken: memory stays at two pages
// however long the sweep. Every way out of the loop (end, break, error,
// panic) cancels the fetcher and waits for it.
func readAhead[P any](parent context.Context, start func() fetchPage[P]) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		fetch := start()
		ctx, cancel := context.WithCancel(parent)
		next := make(chan fetched[P])
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		wg.Go(func() {
			defer close(next)
			for {
				var f fetched[P]
				if f.err = ctx.Err(); f.err == nil {
					f.page, f.more, f.err = fetch(ctx)
				}
				select {
				case next <- f:
				case <-ctx.Done():
					return // the loop is gone, or parent ended while we waited
				}
				if f.err != nil || !f.more {
					return
				}
			}
		})
		for f := range next {
			if f.err != nil {
				yield(zero, f.err)
				return
			}
			if !yield(f.page, nil) || !f.more {
				return
			}
		}
		// The fetcher gave up without a last page or an error: parent
		// ended while it waited for the loop. Say so, as pages does.
		if err := parent.Err(); err != nil {
			yield(zero, err)
		}
	}
}

// pageItems gives items the items of a page, also through types that embed
// a Page (MessagePage).
func (p *Page[T]) pageItems() []T { return p.Items }

// itemsPage is a page that items can flatten.
type itemsPage[T any] interface{ pageItems() []T }

// items flattens a sweep of pages into its items.
func items[T any, P itemsPage[T]](seq iter.Seq2[P, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range seq {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.pageItems() {
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
func tokenSweep[T any](first string, list func(ctx context.Context, token string) (*Page[T], error)) func() fetchPage[*Page[T]] {
	return func() fetchPage[*Page[T]] {
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
