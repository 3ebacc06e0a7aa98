package chatadmin_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// TestStopSendingEndsLimiterWaitsOnly: with StopSending's stop ended, a
// call waiting for the rate limiter returns at once, sends nothing and
// says so (ErrNotSent), although its own context lives on; a call already
// sent runs to its answer.
func TestStopSendingEndsLimiterWaitsOnly(t *testing.T) {
	srv := chatadmintest.NewServer()
	t.Cleanup(srv.Close)
	for _, id := range []string{"u1", "u2", "u3"} {
		srv.AddUser(id, id)
	}
	// The limiter's floor, one request per 2 s: the second call waits.
	lim := chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{Ceiling: 0.5})
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithRateLimiter(lim))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	stop, stopNow := context.WithCancel(context.Background())
	ctx := chatadmin.StopSending(context.Background(), stop)
	srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/users/ban", Delay: 200 * time.Millisecond})
	sent := make(chan error, 1)
	go func() { sent <- c.Users.Ban(ctx, "u1") }() // takes the only token, then is in flight
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond)

	waiting := make(chan error, 1)
	go func() { waiting <- c.Users.Ban(ctx, "u2") }()
	time.Sleep(20 * time.Millisecond) // let it reach the limiter's wait
	stopNow()
	err = <-waiting
	require.ErrorIs(t, err, chatadmin.ErrNotSent)
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, chatadmin.ErrOutcomeUnknown)
	require.NoError(t, <-sent, "the call already sent is not cut by the stop")

	err = c.Users.Ban(ctx, "u3")
	require.ErrorIs(t, err, chatadmin.ErrNotSent, "nothing is sent after the stop")
	assert.Equal(t, 1, len(srv.Requests()))
}
