package chatadmin

import (
	"cmp"
	"context"
	"fmt"
	"iter"

	"github.com/chatadmin/chatadmin-go/internal/pager"
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
// previous-page token "prev" or "previous".
type paging struct {
	Next     string `json:"next"`
	Previous string `json:"previous"`
	Prev     string `json:"prev"`
}

// newPage is a page of items with p's tokens (none when p is nil).
func newPage[T any](items []T, p *paging) *Page[T] {
	page := &Page[T]{Items: items}
	if p != nil {
		page.Next, page.Previous = p.Next, cmp.Or(p.Previous, p.Prev)
	}
	return page
}

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

// fetchPage fetches the next page of a sweep (internal/pager).
type fetchPage[P any] = pager.Fetch[P]

// pages yields the pages of a sweep lazily (pager.Seq), one page ahead of
// the loop with WithReadAhead among reqOpts.
func pages[P any](ctx context.Context, start func() fetchPage[P], reqOpts []RequestOption) iter.Seq2[P, error] {
	var co callOptions
	for _, opt := range reqOpts {
		opt(&co)
	}
	return pager.Seq(ctx, start, co.readAhead)
}

// pageItems gives items the items of a page, also through types that embed
// a Page (MessagePage).
func (p *Page[T]) pageItems() []T { return p.Items }

// itemsPage is a page that items can flatten.
type itemsPage[T any] interface{ pageItems() []T }

// items flattens a sweep of pages into its items.
func items[T any, P itemsPage[T]](seq iter.Seq2[P, error]) iter.Seq2[T, error] {
	return pager.Flatten(seq, P.pageItems)
}

// tokenGuard stops a token-paged sweep that the server leads round in a
// circle (pager.TokenGuard); every sweep that follows tokens keeps one.
type tokenGuard = pager.TokenGuard

// newTokenGuard starts the guard of a sweep that starts at token ("" for
// the first page).
func newTokenGuard(token string) *tokenGuard { return pager.NewTokenGuard(token, errTokenLoop) }

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

// tokenPages is Pages for a list paged by token alone (pager.Tokens): list
// fetches one page, first with the caller's options, then with the same
// options resumed at each page's Next, until a page has no Next.
func tokenPages[T, O any, PO tokenOptions[O]](ctx context.Context, opts PO, list func(context.Context, PO) (*Page[T], error), reqOpts []RequestOption) iter.Seq2[*Page[T], error] {
	var first O
	if opts != nil {
		first = *opts
	}
	return pages(ctx, func() fetchPage[*Page[T]] {
		return pager.Tokens(first, PO(&first).startToken(), errTokenLoop, func(ctx context.Context, o O, token string) (*Page[T], string, error) {
			if token != "" {
				PO(&o).resumeAt(token)
			}
			page, err := list(ctx, &o)
			if err != nil {
				return nil, "", err
			}
			return page, page.Next, nil
		})
	}, reqOpts)
}
