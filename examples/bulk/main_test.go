package main

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/examples/internal/exampletest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestBulk(t *testing.T) {
	res := exampletest.Run(t, run)
	exampletest.RequireLines(t, res,
		"created 500 accounts",
		"first run interrupted:",
		"second run:", "skipped (done before), 0 failed, 0 unknown",
		"cleaned up: lifted the bans",
	)
	require.Empty(t, res.Refused)
	// Nothing was banned twice: one ban per account across both runs.
	assert.Equal(t, 500, res.Routes["POST /api/v2/users/ban"])
	assert.Equal(t, 500, res.Routes["POST /api/v2/users/unban"])
}

func TestBulkLive(t *testing.T) {
	res := exampletest.RunLive(t, run)
	exampletest.RequireLines(t, res, "created 500 accounts", "second run:", "cleaned up: lifted the bans")
}
