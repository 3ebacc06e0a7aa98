package bulk

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCancelStopsLimiterWaitsAtOnce: when the run's context ends, the
// calls waiting for the rate limiter send nothing and are no outcome (the
// resumed run does them), while the call in flight gets the Grace and is
// recorded done. Nothing is recorded failed, nothing is posted twice.
func TestCancelStopsLimiterWaitsAtOnce(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	// The limiter's floor, one request per 2 s: after the first, every
	// call waits.
	lim := chatadmin.NewAdaptiveLimiter(chatadmin.AdaptiveLimiterConfig{Ceiling: 0.5})
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithRateLimiter(lim))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	c2, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithoutRateLimiter())
	require.NoError(t, err)
	defer c2.CloseIdleConnections()
	_, err = c2.Channels.Create(context.Background(), "ch", nil)
	require.NoError(t, err)
	srv.ResetRequests()
	srv.InjectFault(chatadmintest.Fault{Route: "POST /api/v2/message", Delay: 300 * time.Millisecond})

	path := journalPath(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	post := func(ctx context.Context, ids []string) error {
		_, err := c.Messages.Create(ctx, "ch", &chatadmin.MessageCreateRequest{Text: ids[0]})
		return err
	}
	job := &Job[string]{Name: "post", Journal: path, Concurrency: 4, Grace: 5 * time.Second, Do: post}
	go func() {
		for len(srv.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // the others are in the limiter's wait
		cancel()
	}()
	start := time.Now()
	sum, err := job.Run(ctx, Slice(ids(20)))
	elapsed := time.Since(start)
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 1, sum.Done, "the call in flight finished in its grace")
	assert.Zero(t, sum.Failed, "calls that never went out are no outcome")
	assert.Zero(t, sum.Unknown)
	assert.Equal(t, 1, len(srv.Requests()), "nothing was sent after the cancel")
	t.Logf("Run returned %s after it started (Grace 5s)", elapsed)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"failed"`)

	job.Do = func(ctx context.Context, ids []string) error {
		_, err := c2.Messages.Create(ctx, "ch", &chatadmin.MessageCreateRequest{Text: ids[0]})
		return err
	}
	sum, err = job.Run(context.Background(), Slice(ids(20)))
	require.NoError(t, err)
	assert.EqualValues(t, 1, sum.Skipped)
	assert.EqualValues(t, 19, sum.Done, "the resumed run did what the stop left")
	posted := map[string]int{}
	for m, err := range c2.Messages.All(context.Background(), "ch", nil) {
		require.NoError(t, err)
		posted[m.Text()]++
	}
	assert.Len(t, posted, 20)
	for id, n := range posted {
		assert.Equal(t, 1, n, id)
	}
	assert.False(t, strings.Contains(string(data), "unknown"))
}
