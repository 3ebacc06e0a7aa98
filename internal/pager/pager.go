// Package pager runs the sweeps of paged lists: lazily, or with one page
// fetched ahead of the loop, flattened into items, and guarded against a
// server that leads a token-paged sweep round in a circle.
package pager

import (
	"context"
	"crypto/sha256"
	"iter"
	"sync"
)

// Fetch fetches the next page of a sweep. It returns more=false when
// there is nothing after the page it returns; it keeps its own cursor.
type Fetch[P any] func(ctx context.Context) (page P, more bool, err error)

// Seq yields the pages of a sweep lazily: nothing is fetched until the
// loop asks for it, and nothing more once the loop breaks, a fetch fails
// (the error is yielded once) or ctx ends. start makes a fresh cursor for
// each range over the result, so the sequence can be iterated again.
// With ahead, it fetches one page ahead of the loop instead.
func Seq[P any](ctx context.Context, start func() Fetch[P], ahead bool) iter.Seq2[P, error] {
	if ahead {
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

// readAhead is Seq with one fetch running ahead of the loop, on its own
// goroutine. The hand-over channel is unbuffered, so the fetcher holds at
// most one page that the loop has not taken: memory stays at two pages
// however long the sweep. Every way out of the loop (end, break, error,
// panic) cancels the fetcher and waits for it.
func readAhead[P any](parent context.Context, start func() Fetch[P]) iter.Seq2[P, error] {
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
		// ended while it waited for the loop. Say so, as Seq does.
		if err := parent.Err(); err != nil {
			yield(zero, err)
		}
	}
}

// Flatten flattens a sweep of pages into their items.
func Flatten[T, P any](seq iter.Seq2[P, error], items func(P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range seq {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items(page) {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// TokenGuard stops a token-paged sweep that the server leads round in a
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
type TokenGuard struct {
	mark  [sha256.Size]byte // digest of the mark token (a fixed size, however long the server's tokens)
	steps int               // tokens followed since the mark moved
	span  int               // steps after which the mark moves next; doubles each time
	err   error             // the loop found, reported by the fetch after the page that revealed it
	loop  error             // the error a loop gives
}

// NewTokenGuard starts the guard of a sweep that starts at token ("" for
// the first page); loop is the error Stopped gives once a token repeats.
func NewTokenGuard(token string, loop error) *TokenGuard {
	return &TokenGuard{mark: sha256.Sum256([]byte(token)), span: 1, loop: loop}
}

// Follow records next as the token the sweep goes on to. A token equal to
// the mark stops the sweep at its next fetch: the page that carried it is
// still delivered.
func (g *TokenGuard) Follow(next string) {
	sum := sha256.Sum256([]byte(next))
	if sum == g.mark {
		g.err = g.loop
		return
	}
	if g.steps++; g.steps == g.span {
		g.mark, g.steps, g.span = sum, 0, 2*g.span
	}
}

// Stopped is the error a fetch returns, without asking the server, once
// the sweep has met a token twice.
func (g *TokenGuard) Stopped() error { return g.err }

// Tokens is the Fetch of a list paged by token alone: list fetches the page
// at token ("" for the caller's first page, opts as given) and returns it
// with the token of the next one ("" after the last); a token met twice
// ends the sweep with loop.
func Tokens[P, O any](opts O, start string, loop error, list func(ctx context.Context, opts O, token string) (P, string, error)) Fetch[P] {
	guard := NewTokenGuard(start, loop)
	token := ""
	return func(ctx context.Context) (P, bool, error) {
		if err := guard.Stopped(); err != nil {
			var zero P
			return zero, false, err
		}
		page, next, err := list(ctx, opts, token)
		if err != nil || next == "" {
			return page, false, err
		}
		guard.Follow(next)
		token = next
		return page, true, nil
	}
}
