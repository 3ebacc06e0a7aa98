package chatadmin

import (
	"context"
	"fmt"
)

// messageSweep walks a message query page by page, by token or by
// channelSegment window, whichever the server offers.
type messageSweep struct {
	s         *MessagesService
	channelID string
	reqOpts   []RequestOption
	o         MessageListOptions // the next request
	backward  bool
	window    int         // messages per window; 0 until known
	tokens    *tokenGuard // the tokens followed, when the server pages by token
}

func (s *MessagesService) newSweep(channelID string, opts *MessageListOptions, reqOpts []RequestOption) *messageSweep {
	sw := &messageSweep{s: s, channelID: channelID, reqOpts: reqOpts}
	if opts != nil {
		sw.o = *opts
	}
	sw.backward = sw.o.First == 0 && sw.o.After == 0 && (sw.o.Last > 0 || sw.o.Before > 0)
	sw.window = max(sw.o.First, sw.o.Last)
	sw.tokens = newTokenGuard(sw.o.Token)
	return sw
}

// fetch is the sweep's fetchPage.
func (sw *messageSweep) fetch(ctx context.Context) (*MessagePage, bool, error) {
	if err := sw.tokens.Stopped(); err != nil {
		return nil, false, err
	}
	r, err := sw.s.query(ctx, sw.channelID, &sw.o, sw.reqOpts)
	if err != nil {
		return nil, false, err
	}
	page := newMessagePage(r)
	o := &sw.o
	switch {
	case len(page.Items) == 0:
		return page, false, nil
	case r.Paging != nil:
		// Token paging: the token carries the position and page size.
		if page.Next == "" {
			return page, false, nil
		}
		sw.tokens.Follow(page.Next)
		o.After, o.Before, o.First, o.Last, o.Token = 0, 0, 0, 0, page.Next
		return page, true, nil
	}
	// Segment windows: continue past the page's newest (or oldest)
	// segment, keeping the caller's other bound. A page shorter than the
	// window is the last; the first page's window is unknown when the
	// caller left it to the server.
	short := sw.window > 0 && len(page.Items) < sw.window
	if sw.window == 0 {
		sw.window = MaxPageLimit
	}
	lo, hi := segmentRange(page.Items)
	o.Token = ""
	if sw.backward {
		if o.Before != 0 && lo >= o.Before {
			return nil, false, errRepeatedPage
		}
		o.Before, o.Last, o.First = lo, sw.window, 0
	} else {
		if hi <= o.After {
			return nil, false, errRepeatedPage
		}
		o.After, o.First, o.Last = hi, sw.window, 0
	}
	return page, !short, nil
}

// errRepeatedPage stops a sweep that the server does not move forward,
// which would otherwise fetch the same page forever.
var errRepeatedPage = fmt.Errorf("%w: the server returned the same message page twice", ErrUnexpectedResponse)

func segmentRange(msgs []Message) (lo, hi int) {
	lo, hi = msgs[0].ChannelSegment, msgs[0].ChannelSegment
	for _, m := range msgs[1:] {
		lo, hi = min(lo, m.ChannelSegment), max(hi, m.ChannelSegment)
	}
	return lo, hi
}
