package chatadmin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// TestDo (issue 16, item 9): the raw call runs on the same core: wire,
// decoding of both shapes, typed errors, and the send-once rule by the
// class the caller declares (unsafe by default).
func TestDo(t *testing.T) {
	for _, p := range protocols {
		t.Run(p.name, func(t *testing.T) {
			srv := chatadmintest.NewServer(append(p.opts, chatadmintest.WithDemoData())...)
			defer srv.Close()
			rec := &recorder{}
			c := emulatorClient(t, srv, WithMaxAttempts(3), WithObserver(rec))
			ctx := context.Background()

			// A query, decoded from the envelope.
			var roles struct {
				Roles []struct {
					PublicID string `json:"publicId"`
				} `json:"roles"`
			}
			require.NoError(t, c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/v2/roles"}, &roles))
			assert.NotEmpty(t, roles.Roles)

			// A JSON create: unsafe by default, so a lost answer is unknown.
			srv.ResetRequests()
			srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/message", Drop: chatadmintest.DropAfterHandler})
			body := map[string]any{"channelId": "general", "type": "text", "data": map[string]string{"text": "raw"}}
			err := c.Do(ctx, &Request{Method: http.MethodPost, Path: "/api/v2/message", JSON: body}, nil)
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 1, countRoute(srv.Requests(), "POST /api/v2/message"))

			// Declared safe, the same failure is retried.
			srv.ResetRequests()
			srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/channel/:channelId/users/ban", Drop: chatadmintest.DropAfterHandler})
			err = c.Do(ctx, &Request{Method: http.MethodPost, Path: "/api/v2/channel/:channelId/users/ban",
				Params: []string{"general"}, Form: url.Values{"userIds[]": {"mallory"}}, Safe: true}, nil)
			require.NoError(t, err)
			reqs := srv.Requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, "/api/v2/channel/general/users/ban", reqs[1].Path)
			assert.Equal(t, "userIds%5B%5D=mallory", string(reqs[1].Body))
			assert.Equal(t, "application/x-www-form-urlencoded", reqs[1].Header.Get("Content-Type"))

			// Typed errors, and the route template in what is reported.
			err = c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/v2/message/:messageId", Params: []string{"no/such"}}, &struct{}{})
			assert.ErrorIs(t, err, ErrNotFound)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "/api/v2/message/:messageId", apiErr.Route)
			calls := rec.take()
			require.NotEmpty(t, calls)
			for _, call := range calls {
				assert.Equal(t, "Client.Do", call.start.Op)
				assert.NotContains(t, call.start.Route, "general")
			}
		})
	}
}

// TestDoRefusesBadInput: nothing is sent for a request that cannot be right.
func TestDoRefusesBadInput(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c := emulatorClient(t, srv)
	ctx := context.Background()
	var out struct{}
	for name, tc := range map[string]struct {
		r   *Request
		out any
	}{
		"nil request":       {nil, nil},
		"method":            {&Request{Method: "BREW", Path: "/x"}, nil},
		"relative path":     {&Request{Method: "GET", Path: "x"}, nil},
		"query in path":     {&Request{Method: "GET", Path: "/x?a=b"}, nil},
		"params count":      {&Request{Method: "GET", Path: "/x/:id"}, nil},
		"empty param":       {&Request{Method: "GET", Path: "/x/:id", Params: []string{""}}, nil},
		"two bodies":        {&Request{Method: "POST", Path: "/x", JSON: 1, Form: url.Values{}}, nil},
		"GET with a body":   {&Request{Method: "GET", Path: "/x", JSON: 1}, nil},
		"out not pointer":   {&Request{Method: "GET", Path: "/x"}, out},
		"invalid UTF-8":     {&Request{Method: "POST", Path: "/x", Form: url.Values{"a": {"\xff"}}}, nil},
		"bad UTF-8 in JSON": {&Request{Method: "POST", Path: "/x", JSON: map[string]string{"a": "\xff"}}, nil},
	} {
		err := c.Do(ctx, tc.r, tc.out)
		assert.ErrorIs(t, err, ErrInvalidInput, name)
		assert.False(t, strings.Contains(err.Error(), "\xff"), name)
	}
	assert.Empty(t, srv.Requests())
}
