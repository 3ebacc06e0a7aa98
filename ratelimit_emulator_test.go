package chatadmin_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// The emulator's rate limit, seen through the SDK: the error is typed and
// the adaptive limiter learns from it. The emulator's clock is frozen, so
// exactly its burst goes through.
func TestAdaptiveLimiterLearnsFromEmulatorLimit(t *testing.T) {
	frozen := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	srv := chatadmintest.NewServer(chatadmintest.WithRateLimit(100, 2), chatadmintest.WithClock(func() time.Time { return frozen }))
	t.Cleanup(srv.Close)
	for _, id := range []string{"u1", "u2", "u3"} {
		srv.AddUser(id, id)
	}
	lim := chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{})
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithRateLimiter(lim), chatadmin.WithMaxAttempts(1))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	ctx := context.Background()
	require.NoError(t, c.Users.Ban(ctx, "u1"))
	require.NoError(t, c.Users.Ban(ctx, "u2"))
	assert.True(t, math.IsInf(lim.Rate(), 1), "no pacing before the server pushes back")

	err = c.Users.Ban(ctx, "u3")
	require.ErrorIs(t, err, chatadmin.ErrRateLimited)
	var apiErr *chatadmin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.Equal(t, chatadmin.CodeRateLimited, apiErr.Code)
	assert.False(t, math.IsInf(lim.Rate(), 1), "the throttle turned pacing on")
}
