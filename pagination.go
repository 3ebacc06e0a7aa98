package chatadmin

import (
	"context"
	"crypto/sha256"
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

// paging is the "paging" object of list responses. The server spells the
// previous-page token "prev" or "previous"; both decode into Previous.
type paging struct {
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// UnmarshalJSON accepts both spellings of the previous-page token.
func (p *paging) UnmarshalJSON(data []byte) error {
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

// tokenGuard stops a token-paged sweep that the server leads round in a
// circle: A→A, and also A→B→A, which comparing each token with the one
// before it would follow forever. Every sweep that follows tokens (Pages
// and All of channels, users, reactions and token-paged messages) keeps
// one.
//
// It holds one token digest however long the sweep, so that a sweep's
// memory stays at the pages it holds (BENCHMARKS.md §4): remembering every
// token grew by tens of bytes a page, 0.4 of a page's memory after 800
// pages. It is Brent's cycle detection: the digest is of a mark token that
// moves to the token just followed after 1, 2, 4, 8… more tokens, and a
// token equal to the mark is a cycle. Short cycles at the start of a sweep
// (A→A, A→B→A) stop at the first repeated token, as exact bookkeeping
// would; any other stops once the mark lies inside it, within about three
// times the pages that reaching the cycle and going round it once take,
// and those pages' items are delivered again before the error. A server
// that hands out fresh tokens forever makes any sweep endless; that loop
// is the caller's to break.
type tokenGuard struct {
	mark  [sha256.Size]byte // digest of the mark token (a fixed size, however long the server's tokens)
	steps int               // tokens followed since the mark moved
	span  int               // steps after which the mark moves next; doubles each time
	err   error             // the loop found, reported by the fetch after the page that revealed it
}

// newTokenGuard starts the guard of a sweep that starts at token ("" for
// the first page).
func newTokenGuard(token string) *tokenGuard {
	return &tokenGuard{mark: sha256.Sum256([]byte(token)), span: 1}
}

// follow records next as the token the sweep goes on to. A token equal to
// the mark stops the sweep at its next fetch: the page that carried it is
// still delivered.
func (g *tokenGuard) follow(next string) {
	sum := sha256.Sum256([]byte(next))
	if sum == g.mark {
		g.err = errTokenLoop
		return
	}
	if g.steps++; g.steps == g.span {
		g.mark, g.steps, g.span = sum, 0, 2*g.span
	}
}

// stopped is the error a fetch returns, without asking the server, once
// the sweep has met a token twice.
func (g *tokenGuard) stopped() error { return g.err }

// errTokenLoop ends a sweep whose server handed back a page token it had
// already given: following it would fetch the same pages forever.
var errTokenLoop = fmt.Errorf("%w: the server returned a page token it had already returned in this sweep", ErrUnexpectedResponse)

// tokenOptions are the list options of a list paged by an opaque token
// alone (channels, users, reactions).
type tokenOptions[O any] interface {
	*O
	// startToken is the token the caller's options start at, or "".
	startToken() string
	// resumeAt makes the options fetch the page at token. The token
	// encodes the position and the page size, so those are cleared; the
	// filters stay.
	resumeAt(token string)
}

// tokenPages is Pages for a list paged by token alone: list fetches one
// page, first with the caller's options, then with the same options resumed
// at each page's Next, until a page has no Next.
func tokenPages[T, O any, PO tokenOptions[O]](ctx context.Context, opts PO, list func(context.Context, PO) (*Page[T], error), reqOpts []RequestOption) iter.Seq2[*Page[T], error] {
	var first O
	if opts != nil {
		first = *opts
	}
	return pages(ctx, func() fetchPage[*Page[T]] {
		o := first
		guard := newTokenGuard(PO(&first).startToken())
		return func(ctx context.Context) (*Page[T], bool, error) {
			if err := guard.stopped(); err != nil {
				return nil, false, err
			}
			page, err := list(ctx, &o)
			if err != nil {
				return nil, false, err
			}
			if page.Next == "" {
				return page, false, nil
			}
			guard.follow(page.Next)
			o = first
			PO(&o).resumeAt(page.Next)
			return page, true, nil
		}
	}, reqOpts)
}
