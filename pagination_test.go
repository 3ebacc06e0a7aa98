package chatadmin

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIteratorBreakMakesNoSecondRequest(t *testing.T) {
	c := newTestClient(t) // a second request would be unmatched and fail the test
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}},{"channel":{"channelId":"b"}}],"paging":{"next":"bmV4dA=="}}`)
	n := 0
	for res, err := range c.Channels.All(context.Background(), nil) {
		require.NoError(t, err)
		assert.Equal(t, "a", res.Channel.ChannelID)
		n++
		break
	}
	assert.Equal(t, 1, n)
}

func TestIteratorErrorOnSecondPageEndsLoop(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"bmV4dA=="}}`)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"bmV4dA=="}}}).
		Status(400).BodyString(`{"status":"error","code":400000,"message":"Query Token is invalid"}`)
	var got []string
	var errs []error
	for res, err := range c.Channels.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, res.Channel.ChannelID)
	}
	assert.Equal(t, []string{"a"}, got)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.True(t, errors.Is(errs[0], ErrBadRequest))
}

func TestIteratorStopsWhenContextEnds(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"bmV4dA=="}}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	for _, err := range c.Channels.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cancel() // the next page must not be fetched
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
}

func TestPagesResumeFromSavedToken(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"filter": {"all"}, "options[token]": {"c2F2ZWQ="}}}).
		BodyString(`{"results":[{"channel":{"channelId":"k"}}],"paging":{"prev":"cHJldg=="}}`)
	var got []*Page[ChannelResult]
	for page, err := range c.Channels.Pages(context.Background(), &ChannelListOptions{Filter: ChannelFilterAll, Token: "c2F2ZWQ="}) {
		require.NoError(t, err)
		got = append(got, page)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "k", got[0].Items[0].Channel.ChannelID)
	assert.Equal(t, "cHJldg==", got[0].Previous)
}

func TestIteratorStopsOnRepeatedToken(t *testing.T) {
	c := newTestClient(t)
	expect(t, wire{Method: "POST", Path: "/api/v2/channels", ContentType: contentTypeForm,
		Form: url.Values{"options[token]": {"c2FtZQ=="}}}).
		BodyString(`{"results":[{"channel":{"channelId":"a"}}],"paging":{"next":"c2FtZQ=="}}`)
	var errs []error
	for _, err := range c.Channels.All(context.Background(), &ChannelListOptions{Token: "c2FtZQ=="}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrUnexpectedResponse)
}
