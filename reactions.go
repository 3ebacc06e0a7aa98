package chatadmin

import (
	"context"
	"iter"
	"net/http"
)

// ReactionsService calls the Reaction API: who reacted to a message, and
// reactions made as the admin.
type ReactionsService struct{ service }

// referenceTypeMessage is the only kind of item the spec lets reactions
// refer to: the SDK sends it, and reactions are always a message's.
const referenceTypeMessage = "message"

// Reactor is one user's reaction to an item.
type Reactor struct {
	ReactionID   string    `json:"reactionId"`
	ReactionName string    `json:"reactionName"`
	UserID       string    `json:"userId"`
	CreatedAt    Timestamp `json:"createdAt"`
	UpdatedAt    Timestamp `json:"updatedAt"`
}

// ReactionListOptions selects the reactors of a query. The zero value lists
// every reactor of a message with the server's default page size.
type ReactionListOptions struct {
	ReactionName string // only reactions with this name
	Skip         int    // reactors to skip
	Limit        int    // reactors per page, at most MaxPageLimit
	Token        string // a Page.Next or Page.Previous token; resumes a sweep
}

// reactorQuery is the query string of a reactor query; the options object
// is sent in bracket notation (options[token]=…).
type reactorQuery struct {
	ReferenceID   string          `url:"referenceId"`
	ReferenceType string          `url:"referenceType"`
	Options       *reactorOptions `url:"options,omitempty"`
}

type reactorOptions struct {
	ReactionName string `url:"reactionName,omitempty"`
	Skip         int    `url:"skip,omitempty"`
	Limit        int    `url:"limit,omitempty"`
	Token        string `url:"token,omitempty"`
}

func (o *ReactionListOptions) validate() error {
	if o == nil {
		return nil
	}
	if err := checkSkip("Skip", "options.skip", o.Skip); err != nil {
		return err
	}
	return checkLimit("Limit", "options.limit", o.Limit)
}

type reactorListResponse struct {
	Reactions []reactionGroup `json:"reactions"`
	Paging    paging          `json:"paging"`
	items     []Reactor       // every group's reactors, set by check
}

// reactionGroup is the reactors of one referenced item.
type reactionGroup struct {
	Reactors []Reactor `json:"reactors"`
}

// List returns one page of the reactors of a message.
//
// API: GET /api/v2/reactions (query)
func (s *ReactionsService) List(ctx context.Context, messageID string, opts *ReactionListOptions, reqOpts ...RequestOption) (*Page[Reactor], error) {
	if err := firstErr(checkRequired("messageID", "referenceId", messageID), opts.validate()); err != nil {
		return nil, err
	}
	q := reactorQuery{ReferenceID: messageID, ReferenceType: referenceTypeMessage}
	if opts != nil {
		if opts.ReactionName != "" || opts.Skip != 0 || opts.Limit != 0 || opts.Token != "" {
			q.Options = &reactorOptions{ReactionName: opts.ReactionName, Skip: opts.Skip, Limit: opts.Limit, Token: opts.Token}
		}
	}
	out, err := callFor[reactorListResponse](ctx, s.client, &endpoint{op: "Reactions.List", method: http.MethodGet, route: "/api/v2/reactions", query: &q, class: safe}, reqOpts)
	if err != nil {
		return nil, err
	}
	return newPage(out.items, &out.Paging), nil
}

// Pages iterates over the pages of a reactor query, starting at opts.Token
// when it is set. Each page's Next token can be saved to resume later.
// WithReadAhead fetches the next page while the loop works on this one.
//
// API: GET /api/v2/reactions (query), one request per page
func (s *ReactionsService) Pages(ctx context.Context, messageID string, opts *ReactionListOptions, reqOpts ...RequestOption) iter.Seq2[*Page[Reactor], error] {
	return tokenPages(ctx, opts, func(ctx context.Context, o *ReactionListOptions) (*Page[Reactor], error) {
		return s.List(ctx, messageID, o, reqOpts...)
	}, reqOpts)
}

func (o *ReactionListOptions) startToken() string { return o.Token }

func (o *ReactionListOptions) resumeAt(token string) { o.Skip, o.Limit, o.Token = 0, 0, token }

// All iterates over every reactor of a message, fetching pages as the loop
// needs them. Breaking out of the loop stops fetching.
// WithReadAhead fetches the next page while the loop works on the current
// one.
//
// API: GET /api/v2/reactions (query), one request per page
func (s *ReactionsService) All(ctx context.Context, messageID string, opts *ReactionListOptions, reqOpts ...RequestOption) iter.Seq2[Reactor, error] {
	return items(s.Pages(ctx, messageID, opts, reqOpts...))
}

// reactionForm is the body of a reaction create or delete.
type reactionForm struct {
	ReferenceID   string `url:"referenceId"`
	ReferenceType string `url:"referenceType"`
	ReactionName  string `url:"reactionName"`
}

func newReactionForm(messageID, reactionName string) (*reactionForm, error) {
	if err := firstErr(
		checkRequired("messageID", "referenceId", messageID),
		checkRequired("reactionName", "reactionName", reactionName),
	); err != nil {
		return nil, err
	}
	return &reactionForm{ReferenceID: messageID, ReferenceType: referenceTypeMessage, ReactionName: reactionName}, nil
}

// Create adds the admin's reaction reactionName (e.g. "like") to a message
// and returns the new reaction's id. It is not retried once sent: if the
// connection fails after sending, the error wraps ErrOutcomeUnknown.
//
// API: POST /api/v2/reactions (form)
func (s *ReactionsService) Create(ctx context.Context, messageID, reactionName string, reqOpts ...RequestOption) (string, error) {
	form, err := newReactionForm(messageID, reactionName)
	if err != nil {
		return "", err
	}
	out, err := callFor[addedResponse](ctx, s.client, &endpoint{op: "Reactions.Create", method: http.MethodPost, route: "/api/v2/reactions", body: formBody{form}, class: unsafe}, reqOpts)
	if err != nil {
		return "", err
	}
	return out.AddedID, nil
}

// Delete removes the admin's reaction reactionName from a message and
// returns the removed reaction's id. The body is a form, as the spec says,
// although the provider's own SDKs send JSON.
//
// API: DELETE /api/v2/reactions (form)
func (s *ReactionsService) Delete(ctx context.Context, messageID, reactionName string, reqOpts ...RequestOption) (string, error) {
	form, err := newReactionForm(messageID, reactionName)
	if err != nil {
		return "", err
	}
	out, err := callFor[removedResponse](ctx, s.client, &endpoint{op: "Reactions.Delete", method: http.MethodDelete, route: "/api/v2/reactions", body: formBody{form}, class: safe}, reqOpts)
	if err != nil {
		return "", err
	}
	return out.RemovedID, nil
}

type addedResponse struct {
	AddedID string `json:"addedId"`
}

type removedResponse struct {
	RemovedID string `json:"removedId"`
}

// MostReactedMessage is a message and how many reactions of the queried
// name it has.
type MostReactedMessage struct {
	MessageID      string `json:"messageId"`
	ReactionsCount int    `json:"reactionsCount"`
}

// MostReactedOptions shapes a most-reacted query.
type MostReactedOptions struct {
	// Limit caps the number of messages, at most MaxPageLimit. 0 sends
	// nothing, which the spec says is the same as its default of 0 (the
	// server's choice).
	Limit int
}

type mostReactedQuery struct {
	Limit        int    `url:"limit,omitempty"`
	ReactionName string `url:"reactionName"`
}

// MostReacted returns the messages with the most reactions named
// reactionName, in the order the server ranks them.
//
// API: GET /api/v2/reactions/messages/most (query)
func (s *ReactionsService) MostReacted(ctx context.Context, reactionName string, opts *MostReactedOptions, reqOpts ...RequestOption) ([]MostReactedMessage, error) {
	if err := checkRequired("reactionName", "reactionName", reactionName); err != nil {
		return nil, err
	}
	q := mostReactedQuery{ReactionName: reactionName}
	if opts != nil {
		if err := checkLimit("Limit", "limit", opts.Limit); err != nil {
			return nil, err
		}
		q.Limit = opts.Limit
	}
	out, err := callFor[mostReactedResponse](ctx, s.client, &endpoint{op: "Reactions.MostReacted", method: http.MethodGet, route: "/api/v2/reactions/messages/most", query: &q, class: safe}, reqOpts)
	if err != nil {
		return nil, err
	}
	return *out, nil
}
