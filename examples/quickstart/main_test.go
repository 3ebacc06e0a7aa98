package main

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/examples/internal/exampletest"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestQuickstart(t *testing.T) {
	res := exampletest.Run(t, run)
	exampletest.RequireLines(t, res,
		`created channel lobby ("Lobby") with 3 members`,
		"added carol to lobby",
		"sent text message",
		"sent custom message",
		"admin (text): Welcome to the lobby!",
		"admin (custom poll): Lunch? [pizza sushi]",
		"created channel news",
		`lobby "Lobby": members 4, messages 2`,
		`news "News": members 1, messages 0`,
		"closed channel news",
		"closed channel lobby",
	)
	require.Empty(t, res.Refused)
	exampletest.RequireRoutes(t, res,
		"POST /api/v2/channel", "POST /api/v2/channel/:channelId/users", "POST /api/v2/message",
		"POST /api/v2/messages", "POST /api/v2/channels", "POST /api/v2/channel/:channelId/close")
	// A page size of 1 over two channels takes at least two queries.
	if n := res.Routes["POST /api/v2/channels"]; n < 2 {
		t.Errorf("channel queries = %d, want at least 2 (one per page)", n)
	}
}

func TestQuickstartLive(t *testing.T) {
	res := exampletest.RunLive(t, run)
	exampletest.RequireLines(t, res, "created channel lobby-", "added carol-", "closed channel lobby-")
}
