package chatadmin

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// unsafeOp is one of the 8 operations that are not safe to repeat.
type unsafeOp struct {
	name, route string
	call        func(ctx context.Context, o ...RequestOption) error
}

// unsafeOps are the 8 unsafe operations, against an emulator with demo
// data (the "general" and "random" channels, a message in "general").
func unsafeOps(t *testing.T, c *Client) []unsafeOp {
	t.Helper()
	page, err := c.Messages.List(context.Background(), "general", nil)
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	msgID := page.Items[0].MessageID
	img := tinyPNG(t)
	var n atomic.Int32
	uniq := func(p string) string {
		return p + "-" + string(rune('a'+n.Add(1)%26)) + time.Now().Format("150405.000000000")
	}
	return []unsafeOp{
		{"create channel", "POST /api/v2/channel", func(ctx context.Context, o ...RequestOption) error {
			_, err := c.Channels.Create(ctx, uniq("once"), nil, o...)
			return err
		}},
		{"create message", "POST /api/v2/message", func(ctx context.Context, o ...RequestOption) error {
			_, err := c.Messages.Create(ctx, "general", &MessageCreateRequest{Text: uniq("once")}, o...)
			return err
		}},
		{"upload image", "POST /api/v2/messages/images", func(ctx context.Context, o ...RequestOption) error {
			_, err := c.Messages.CreateImage(ctx, "general", &ImageMessageRequest{
				File: FileFromReaderAt(bytes.NewReader(img), int64(len(img)), "dot.png")}, o...)
			return err
		}},
		{"upload file", "POST /api/v2/messages/files", func(ctx context.Context, o ...RequestOption) error {
			_, err := c.Messages.CreateFile(ctx, "general", &FileMessageRequest{
				File: FileFromReaderAt(strings.NewReader("hello"), 5, "once.txt")}, o...)
			return err
		}},
		{"close channel", "POST /api/v2/channel/:channelId/close", func(ctx context.Context, o ...RequestOption) error {
			return c.Channels.Close(ctx, "random", o...)
		}},
		{"blacklist add", "POST /api/v2/blacklist/records", func(ctx context.Context, o ...RequestOption) error {
			return c.Blacklist.Add(ctx, &BlacklistAddRequest{Regexs: []string{uniq("once")}, Match: MatchAnywhere}, o...)
		}},
		{"whitelist add", "POST /api/v2/whitelist/records", func(ctx context.Context, o ...RequestOption) error {
			return c.Whitelist.Add(ctx, &WhitelistAddRequest{Regexs: []string{uniq("once") + "\\.example"}}, o...)
		}},
		{"reaction add", "POST /api/v2/reactions", func(ctx context.Context, o ...RequestOption) error {
			_, err := c.Reactions.Create(ctx, msgID, uniq("r"), o...)
			return err
		}},
	}
}

// countRoute is how many requests to route the emulator handled.
func countRoute(reqs []chatadmintest.Request, route string) int {
	n := 0
	for _, r := range reqs {
		if r.Route == route {
			n++
		}
	}
	return n
}

// TestHTTP2NotProcessedRetried (issue 16, item 2): a stream the server
// refused (REFUSED_STREAM) or left unprocessed under a graceful GOAWAY is
// retried even for the 8 unsafe operations, and the call succeeds with
// exactly one commit. Through a transport whose HTTP/2 layer is net/http's
// bundled copy (which also resends after PROTOCOL_ERROR) the same stream is
// an unknown outcome, never a resend. From Go 1.27 NewTransport's HTTP/2 is
// net/http's own, which resends only unprocessed requests, and the retry
// is the same (internal/sendonce/h2_go127.go).
func TestHTTP2NotProcessedRetried(t *testing.T) {
	for _, mode := range []struct {
		name string
		mode int32
	}{{"REFUSED_STREAM", refuseStream}, {"GOAWAY", goAway}} {
		t.Run(mode.name, func(t *testing.T) {
			emu := chatadmintest.New(chatadmintest.WithDemoData())
			srv := newResetServer(t, emu)
			srv.mode.Store(mode.mode)
			c := srv.client(t, WithMaxAttempts(4))
			for _, op := range unsafeOps(t, c) {
				t.Run(op.name, func(t *testing.T) {
					emu.ResetRequests()
					srv.resets.Store(1)
					var info ResponseInfo
					err := op.call(context.Background(), WithResponseInfo(&info))
					require.NoError(t, err)
					assert.Equal(t, 1, countRoute(emu.Requests(), op.route), "exactly one commit")
					assert.LessOrEqual(t, info.Attempts, 2)
				})
			}
		})
	}
	t.Run("bundled transport", func(t *testing.T) {
		emu := chatadmintest.New(chatadmintest.WithDemoData())
		srv := newResetServer(t, emu)
		srv.mode.Store(refuseStream)
		tr := &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: srv.roots}}
		t.Cleanup(tr.CloseIdleConnections)
		c, err := NewClient(emu.Token(), WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}),
			WithRetryWait(time.Millisecond, 5*time.Millisecond))
		require.NoError(t, err)
		for _, op := range unsafeOps(t, c) {
			t.Run(op.name, func(t *testing.T) {
				emu.ResetRequests()
				srv.resets.Store(1)
				err := op.call(context.Background())
				assertRefusedNotRepeated(t, err, countRoute(emu.Requests(), op.route))
			})
		}
	})
}

// assertRefusedNotRepeated checks an unsafe call whose stream was refused,
// through a transport the SDK does not trust: an unknown outcome and no
// commit. From Go 1.27, net/http's HTTP/2 resends a refused request without
// a body (Channels.Close) before the SDK's guard sees it; REFUSED_STREAM
// means the server did not process it, so the call may then succeed with
// its one commit (TestHTTP2ResetAfterActNoReplay checks the resend that
// would repeat a commit).
func assertRefusedNotRepeated(t *testing.T, err error, commits int) {
	t.Helper()
	if err == nil && netHTTPResendsRefusedBodyless {
		assert.Equal(t, 1, commits, "succeeded: exactly one commit")
		return
	}
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Zero(t, commits, "refused: never processed, never resent")
}

// TestGatewayAfterAct (issue 16, item 3): the backend acts and the gateway
// answers 502 or 504 with its own page: for the 8 unsafe operations that is
// ErrOutcomeUnknown wrapping the *APIError, after one request.
func TestGatewayAfterAct(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			srv := chatadmintest.NewServer(append(p.opts, chatadmintest.WithDemoData())...)
			defer srv.Close()
			c := emulatorClient(t, srv, WithMaxAttempts(4))
			for _, status := range []int{502, 504} {
				for _, op := range unsafeOps(t, c) {
					t.Run(op.name+"/"+http.StatusText(status), func(t *testing.T) {
						srv.ResetRequests()
						srv.InjectFault(chatadmintest.Fault{Route: op.route, Drop: chatadmintest.FailAfterHandler, Status: status})
						err := op.call(context.Background())
						assert.ErrorIs(t, err, ErrOutcomeUnknown)
						assert.ErrorIs(t, err, ErrServer)
						var apiErr *APIError
						if assert.ErrorAs(t, err, &apiErr) {
							assert.Equal(t, status, apiErr.StatusCode)
						}
						assert.Equal(t, OutcomeOutcomeUnknown, ErrorOutcome(err))
						assert.Equal(t, 1, countRoute(srv.Requests(), op.route), "one request")
						assertProto(t, srv, p.proto)
					})
				}
			}
			// A 5xx in the API's own error body is the API saying it failed.
			srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/message", Status: 500})
			_, err := c.Messages.Create(context.Background(), "general", &MessageCreateRequest{Text: "x"})
			assert.ErrorIs(t, err, ErrServer)
			assert.NotErrorIs(t, err, ErrOutcomeUnknown)
		})
	}
}

// TestIdempotencyKeyNotResentHTTP1 (issue 16, item 4): net/http's HTTP/1
// transport resends a request with an Idempotency-Key header when a reused
// connection fails; Channels.Close with that header must still be sent once.
func TestIdempotencyKeyNotResentHTTP1(t *testing.T) {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	c := emulatorClient(t, srv, WithMaxAttempts(4))
	ctx := context.Background()
	_, err := c.Roles.List(ctx, nil) // warms up a keep-alive connection
	require.NoError(t, err)
	srv.ResetRequests()
	const route = "POST /api/v2/channel/:channelId/close"
	srv.InjectFault(chatadmintest.Fault{Route: route, Drop: chatadmintest.DropAfterHandler})
	err = c.Channels.Close(ctx, "random", WithHeader("Idempotency-Key", "close-random-1"), WithHeader("X-Idempotency-Key", "x"))
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	reqs := srv.Requests()
	require.Equal(t, 1, countRoute(reqs, route), "the close was sent once")
	assert.Equal(t, "HTTP/1.1", reqs[0].Proto)
	assert.Equal(t, "close-random-1", reqs[0].Header.Get("Idempotency-Key"), "the header still arrives")
	assert.Equal(t, "x", reqs[0].Header.Get("X-Idempotency-Key"))
}

// detachingObserver starts every call from context.Background(), as a
// tracer that does not derive its span context from the caller's may.
type detachingObserver struct{ rec *recorder }

func (o detachingObserver) StartCall(_ context.Context, call *CallStart) (context.Context, CallObserver) {
	_, obs := o.rec.StartCall(context.Background(), call)
	return context.WithValue(context.Background(), detachedKey{}, "span"), obs
}

type detachedKey struct{}

// TestObserverCannotDropCallState (issue 16, item 1): an Observer that
// returns a context unrelated to the caller's must not switch off the
// send-once guard nor the caller's deadline.
func TestObserverCannotDropCallState(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			srv := chatadmintest.NewServer(append(p.opts, chatadmintest.WithDemoData())...)
			defer srv.Close()
			c := emulatorClient(t, srv, WithMaxAttempts(4), WithObserver(detachingObserver{&recorder{}}))
			ctx := context.Background()
			before := 0
			for _, err := range c.Messages.All(ctx, "general", nil) {
				require.NoError(t, err)
				before++
			}
			srv.ResetRequests()
			srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/message", Drop: chatadmintest.DropAfterHandler})
			_, err := c.Messages.Create(ctx, "general", &MessageCreateRequest{Text: "once"})
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 1, countRoute(srv.Requests(), "POST /api/v2/message"))
			after := 0
			for _, err := range c.Messages.All(ctx, "general", nil) {
				require.NoError(t, err)
				after++
			}
			assert.Equal(t, before+1, after, "one message committed")

			srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/message", Delay: 3 * time.Second})
			dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err = c.Messages.Create(dctx, "general", &MessageCreateRequest{Text: "slow"})
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 2*time.Second, "the caller's deadline holds")
			srv.ClearFaults()
		})
	}
}
