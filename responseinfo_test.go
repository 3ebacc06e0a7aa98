package chatadmin

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A call that succeeded can be quoted to support by its request id, read
// from the same headers, in the same order, as APIError.RequestID.
func TestResponseInfoRequestIDOnSuccess(t *testing.T) {
	cases := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"x-request-id", map[string]string{"X-Request-Id": "r-1"}, "r-1"},
		{"amzn request id", map[string]string{"x-amzn-RequestId": "amzn-2"}, "amzn-2"},
		{"amzn trace id", map[string]string{"X-Amzn-Trace-Id": "Root=1-abc"}, "Root=1-abc"},
		{"request-id", map[string]string{"Request-Id": "r-4"}, "r-4"},
		{"first wins", map[string]string{"Request-Id": "late", "X-Request-Id": "early"}, "early"},
		{"none", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				if n == 1 {
					w.Header().Set("X-Request-Id", "from-the-503")
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.Write([]byte(`{"results":[{"channel":{"channelId":"a"}}]}`))
			})
			c := newServerClient(t, srv)
			var info ResponseInfo
			_, err := c.Channels.List(context.Background(), nil, WithResponseInfo(&info))
			require.NoError(t, err)
			assert.Equal(t, 2, info.Attempts)
			assert.Equal(t, tc.want, info.RequestID, "the last response's id")
		})
	}
}

// On failure ResponseInfo.RequestID and APIError.RequestID agree.
func TestResponseInfoRequestIDOnError(t *testing.T) {
	srv, _ := countingServer(t, func(_ int32, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Amzn-Requestid", "amzn-404")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"status":"error","code":400400,"message":"Channel Not Found."}`))
	})
	c := newServerClient(t, srv)
	var info ResponseInfo
	err := c.Channels.Unmute(context.Background(), "lobby", WithResponseInfo(&info))
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "amzn-404", apiErr.RequestID)
	assert.Equal(t, "amzn-404", info.RequestID)
}

type traceKey struct{}

// ctxHandler records, for each log record, the trace id found in the
// context it was logged with, as a tracing bridge for slog would.
type ctxHandler struct {
	mu     sync.Mutex
	traces []any
}

func (h *ctxHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *ctxHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *ctxHandler) WithGroup(string) slog.Handler            { return h }
func (h *ctxHandler) Handle(ctx context.Context, _ slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.traces = append(h.traces, ctx.Value(traceKey{}))
	return nil
}

// Log records carry the call's context, retries included.
func TestLogRecordsCarryCallContext(t *testing.T) {
	srv, _ := countingServer(t, func(n int32, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("OK"))
	})
	h := new(ctxHandler)
	c := newServerClient(t, srv, WithLogger(slog.New(h)))
	ctx := context.WithValue(context.Background(), traceKey{}, "trace-1")
	require.NoError(t, c.Channels.Unmute(ctx, "lobby"))
	assert.Equal(t, []any{"trace-1", "trace-1"}, h.traces, "one record per attempt, each with the caller's trace")
}
