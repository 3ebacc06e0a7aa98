package main

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/examples/internal/exampletest"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestModeration(t *testing.T) {
	res := exampletest.Run(t, run)
	exampletest.RequireLines(t, res,
		"created channel moderated",
		`blacklisted the word "spoiler"`,
		"whitelisted links to docs.example.com",
		"refused as expected: message with a blacklisted word (code 400308",
		"refused as expected: link to a host off the whitelist (code 400309",
		"accepted: link to docs.example.com",
		"muted bob", "unmuted bob",
		"banned mallory from moderated",
		"refused as expected: adding a banned user (code 400304",
		"unbanned mallory from moderated",
		"banned mallory from the whole network",
		"lifted mallory's global ban",
		"(emulator) mallory was flagged 3 times",
		"cleared mallory's flags: flag count now 0",
		"removed whitelist rule", "removed blacklist rule", "closed channel moderated",
	)
	exampletest.RequireRoutes(t, res,
		"POST /api/v2/blacklist/records", "POST /api/v2/whitelist/records",
		"GET /api/v2/blacklist/records", "GET /api/v2/whitelist/records",
		"DELETE /api/v2/blacklist/records", "DELETE /api/v2/whitelist/records",
		"PUT /api/v2/channel/:channelId/users/mute",
		"POST /api/v2/channel/:channelId/users/ban", "POST /api/v2/channel/:channelId/users/unban",
		"POST /api/v2/users/ban", "POST /api/v2/users/unban", "DELETE /api/v2/users/:userId/flags")
	require.Equal(t, 2, res.Routes["PUT /api/v2/channel/:channelId/users/mute"], "mute and unmute")
	// The two rejected messages and the re-add of a banned user; nothing else.
	require.Equal(t, map[string]int{"POST /api/v2/message": 2, "POST /api/v2/channel/:channelId/users": 1}, res.Refused)
}

// Live, the rules carry the run's suffix and no flags are planted.
func TestModerationLive(t *testing.T) {
	res := exampletest.RunLive(t, run)
	exampletest.RequireLines(t, res, `blacklisted the word "spoiler-`, "whitelisted links to docs-",
		"code 400308", "code 400309", "flag count now 0")
	require.NotContains(t, res.Output, "(emulator)")
}
