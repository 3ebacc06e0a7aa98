package main

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/examples/internal/exampletest"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPagination(t *testing.T) {
	res := exampletest.Run(t, run)
	exampletest.RequireLines(t, res,
		"created 25 channels tagged pagination",
		"page 1: 10 channels (page-demo-01 … page-demo-10)",
		"page 2: 10 channels (page-demo-11 … page-demo-20)",
		"stopped after page 2",
		"resumed from the token: 5 more channels",
		"every one of the 25 channels was seen exactly once",
		"closed the channels",
	)
	require.Empty(t, res.Refused)
	// Two pages, then the resumed sweep's last page: nothing is fetched
	// twice and nothing after the break.
	require.Equal(t, 3, res.Routes["POST /api/v2/channels"])
	require.Equal(t, 25, res.Routes["POST /api/v2/channel"])
	require.Equal(t, 25, res.Routes["POST /api/v2/channel/:channelId/close"])
}

func TestPaginationLive(t *testing.T) {
	res := exampletest.RunLive(t, run)
	exampletest.RequireLines(t, res, "tagged pagination-", "seen exactly once")
}
