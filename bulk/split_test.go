package bulk

import (
	"context"
	"fmt"
	"testing"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFailedChunkIsSplitToItsItems: one user banned in the channel makes
// the emulator refuse the whole add of 100; the runner halves the chunk
// until that user alone fails, and the other 249 are added.
func TestFailedChunkIsSplitToItsItems(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx := context.Background()
	_, err = c.Channels.Create(ctx, "room", nil)
	require.NoError(t, err)
	users := make([]string, 250)
	for i := range users {
		users[i] = fmt.Sprintf("u%03d", i)
		srv.AddUser(users[i], users[i])
	}
	require.NoError(t, c.Channels.BanUsers(ctx, "room", []string{"u142"}))
	srv.ResetRequests()

	sum, err := AddChannelUsers(ctx, c, "room", Slice(users), &Options{Collect: true})
	require.NoError(t, err)
	assert.EqualValues(t, 249, sum.Done)
	require.EqualValues(t, 1, sum.Failed)
	for _, r := range sum.Results {
		if r.Status == Failed {
			assert.Equal(t, "u142", r.Key)
			assert.ErrorIs(t, r.Err, chatadmin.ErrBanned)
		}
	}
	// 3 chunks, and 2 calls per halving of the bad one down to one item.
	assert.LessOrEqual(t, len(srv.Requests()), 3+2*7)
}
