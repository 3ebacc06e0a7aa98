package integration_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// muteState tells the operations that share a mute route apart.
type muteState int

const (
	muteAny muteState = iota // the route has one operation
	muteOn                   // mutePeriod ≠ 0
	muteOff                  // mutePeriod = 0
)

// specOperation is one operation of admin-api-v2.txt and the
// integration scenarios that exercise it.
type specOperation struct {
	Name   string // as the spec titles it
	Method string
	Path   string // as the spec writes it (GET image keeps its "?size")
	mute   muteState
	Tests  []string // scenarioFunc names
}

// route is the operation's "METHOD /path" as chatadmintest.Request.Route
// spells it.
func (op specOperation) route() string {
	path, _, _ := strings.Cut(op.Path, "?")
	return op.Method + " " + path
}

// specOperations is the coverage table: all 39 operations of the spec,
// in spec order, with the scenarios that call them.
var specOperations = []specOperation{
	{"Query for Channels", "POST", "/api/v2/channels", muteAny, []string{"Channels/CreateAndQuery", "Channels/Membership", "Channels/Ban"}},
	{"Create a Channel", "POST", "/api/v2/channel", muteAny, []string{"Channels/CreateAndQuery"}},
	{"Update Channel displayName", "POST", "/api/v2/channel/displayName", muteAny, []string{"Channels/CreateAndQuery"}},
	{"Add Users to Channel", "POST", "/api/v2/channel/:channelId/users", muteAny, []string{"Channels/Membership"}},
	{"Remove Users from Channel", "DELETE", "/api/v2/channel/:channelId/users", muteAny, []string{"Channels/Membership"}},
	{"Mute Channel", "PUT", "/api/v2/channel/:channelId/mute", muteOn, []string{"Channels/MuteChannel", "Channels/MuteExpiry"}},
	{"Unmute Channel", "PUT", "/api/v2/channel/:channelId/mute", muteOff, []string{"Channels/MuteChannel"}},
	{"Mute Users in Channel", "PUT", "/api/v2/channel/:channelId/users/mute", muteOn, []string{"Channels/MuteUsers", "Channels/MuteExpiry"}},
	{"Unmute Users in Channel", "PUT", "/api/v2/channel/:channelId/users/mute", muteOff, []string{"Channels/MuteUsers"}},
	{"Ban Users from Channel", "POST", "/api/v2/channel/:channelId/users/ban", muteAny, []string{"Channels/Ban"}},
	{"Unban Users from Channel", "POST", "/api/v2/channel/:channelId/users/unban", muteAny, []string{"Channels/Ban"}},
	{"Close a Channel", "POST", "/api/v2/channel/:channelId/close", muteAny, []string{"Channels/Close"}},
	{"Query for Messages", "POST", "/api/v2/messages", muteAny, []string{"Messages/CreateGetDelete", "Messages/AllTokenPaging", "Messages/AllSegmentWindows"}},
	{"Get a Message", "GET", "/api/v2/message/:messageId", muteAny, []string{"Messages/CreateGetDelete"}},
	{"Create a Message", "POST", "/api/v2/message", muteAny, []string{"Messages/CreateGetDelete", "Messages/TextLimits"}},
	{"Delete Message", "DELETE", "/api/v2/message/:messageId", muteAny, []string{"Messages/CreateGetDelete"}},
	{"Create Image Message", "POST", "/api/v2/messages/images", muteAny, []string{"Messages/Images"}},
	{"Get Image Message", "GET", "/api/v2/messages/:messageId/images?size", muteAny, []string{"Messages/Images", "Messages/CDNDownloads"}},
	{"Create File Message", "POST", "/api/v2/messages/files", muteAny, []string{"Messages/Files"}},
	{"Get File Message", "GET", "/api/v2/messages/:messageId/files", muteAny, []string{"Messages/Files", "Messages/CDNDownloads"}},
	{"Query for Users", "GET", "/api/v2/users", muteAny, []string{"Users/UpdateAndQuery", "Users/Paging", "Users/GlobalBan", "Users/Flags"}},
	{"Update User", "PUT", "/api/v2/users", muteAny, []string{"Users/UpdateAndQuery"}},
	{"Global Ban User", "POST", "/api/v2/users/ban", muteAny, []string{"Users/GlobalBan"}},
	{"Global Unban User", "POST", "/api/v2/users/unban", muteAny, []string{"Users/GlobalBan"}},
	{"Clear User Flags", "DELETE", "/api/v2/users/:userId/flags", muteAny, []string{"Users/Flags"}},
	{"Query for Roles", "GET", "/api/v2/roles", muteAny, []string{"Roles/AddAndQuery"}},
	{"Add a Role", "PUT", "/api/v2/roles", muteAny, []string{"Roles/AddAndQuery"}},
	{"Query for Blacklisted Words", "GET", "/api/v2/blacklist/records", muteAny, []string{"Blacklist/Lifecycle"}},
	{"Add Blacklisted Word", "POST", "/api/v2/blacklist/records", muteAny, []string{"Blacklist/Lifecycle"}},
	{"Delete Blacklisted Word", "DELETE", "/api/v2/blacklist/records", muteAny, []string{"Blacklist/Lifecycle"}},
	{"Update Blacklisted Word", "PUT", "/api/v2/blacklist/records/:ruleId", muteAny, []string{"Blacklist/Lifecycle"}},
	{"Query for Whitelisted URLs", "GET", "/api/v2/whitelist/records", muteAny, []string{"Whitelist/Lifecycle"}},
	{"Add Whitelisted URL", "POST", "/api/v2/whitelist/records", muteAny, []string{"Whitelist/Lifecycle"}},
	{"Delete Whitelisted URL", "DELETE", "/api/v2/whitelist/records", muteAny, []string{"Whitelist/Lifecycle"}},
	{"Update Whitelisted URL", "PUT", "/api/v2/whitelist/records/:ruleId", muteAny, []string{"Whitelist/Lifecycle"}},
	{"Query for Reactors", "GET", "/api/v2/reactions", muteAny, []string{"Reactions/Lifecycle", "Reactions/ReactorPaging"}},
	{"Create a Reaction", "POST", "/api/v2/reactions", muteAny, []string{"Reactions/Lifecycle"}},
	{"Delete a Reaction", "DELETE", "/api/v2/reactions", muteAny, []string{"Reactions/Lifecycle"}},
	{"Query for Messages With Most Reactions", "GET", "/api/v2/reactions/messages/most", muteAny, []string{"Reactions/MostReacted"}},
}

// allScenarios is every integration scenario, by group.
func allScenarios() []scenarioFunc {
	return slices.Concat(channelScenarios, messageScenarios, userScenarios, roleScenarios,
		blacklistScenarios, whitelistScenarios, reactionScenarios, authScenarios, limitScenarios)
}

// TestIntegrationCoversEverySpecOperation fails when an operation of the
// spec has no integration scenario, or when the table claims a scenario
// covers an operation that the scenario never actually called.
//
// How the claim is checked: every emulator run of a scenario records, when
// it ends, the operations its emulator answered with a 2xx status
// (chatadmintest.Request.Route, with mute and unmute told apart by the
// logged body's mutePeriod). This test then looks up each table entry in
// those records. It does not depend on test order: any scenario the table
// names that has not run yet in this process (because -run filtered it out,
// or because this test runs first) is run here, against the emulator, as a
// subtest — so the check holds for `go test -run
// TestIntegrationCoversEverySpecOperation` alone, for the whole suite, and
// under -shuffle. A scenario that already ran is not repeated.
func TestIntegrationCoversEverySpecOperation(t *testing.T) {
	scenarios := map[string]scenarioFunc{}
	for _, sc := range allScenarios() {
		if _, dup := scenarios[sc.name]; dup {
			t.Errorf("two scenarios are named %q", sc.name)
		}
		scenarios[sc.name] = sc
	}

	// The table itself: 39 distinct operations, each with a scenario that
	// exists, whose routes are exactly the emulator's 37.
	if n := len(specOperations); n != 39 {
		t.Errorf("the table has %d operations, the spec 39", n)
	}
	names := map[string]bool{}
	routes := map[string]bool{}
	for _, op := range specOperations {
		if names[op.Name] {
			t.Errorf("operation %q is listed twice", op.Name)
		}
		names[op.Name] = true
		routes[op.route()] = true
		if len(op.Tests) == 0 {
			t.Errorf("operation %q (%s %s) has no integration scenario", op.Name, op.Method, op.Path)
		}
		live := false
		for _, name := range op.Tests {
			sc, ok := scenarios[name]
			if !ok {
				t.Errorf("operation %q names scenario %q, which does not exist", op.Name, name)
			}
			live = live || (ok && !sc.emulatorOnly)
		}
		if !live && len(op.Tests) > 0 {
			t.Errorf("operation %q is covered only by emulator-only scenarios: the live run would miss it", op.Name)
		}
	}
	for _, r := range chatadmintest.Routes() {
		if !routes[r] {
			t.Errorf("emulator route %q has no operation in the table", r)
		}
		delete(routes, r)
	}
	for r := range routes {
		t.Errorf("table route %q is not an emulator route", r)
	}
	checkAgainstSpecFile(t)

	// The claims: run what has not run, then check every entry.
	for _, op := range specOperations {
		for _, name := range op.Tests {
			sc, ok := scenarios[name]
			if !ok || opCoverage.ran(name) {
				continue
			}
			t.Run("run/"+name, func(t *testing.T) { runEmulator(t, sc, false) })
		}
	}
	for _, op := range specOperations {
		for _, name := range op.Tests {
			if !opCoverage.covered(name, op.Name) {
				t.Errorf("scenario %q is listed for %q (%s %s) but never got a 2xx answer from that operation",
					name, op.Name, op.Method, op.Path)
			}
		}
	}
}

// specOperationsFile lists the spec's operations, one "Title|METHOD /path"
// line each, in spec order. It was extracted from
// shared/spec/admin-api-v2.txt (an operation is a title followed, two
// non-empty lines later, by "METHOD /api/v2/…"):
//
//	awk 'NF{gsub(/^[ \t]+|[ \t]+$/,""); l[++n]=$0} END{for(i=3;i<=n;i++) if (l[i] ~ /^(GET|POST|PUT|DELETE) \/api\/v2\/[^ ]+$/) print l[i-2] "|" l[i]}' \
//		../shared/spec/admin-api-v2.txt > integration/testdata/spec-operations.txt
//
// A copy inside the module keeps the test independent of files beside it;
// .ci/run checks the copy against the spec when the spec is there.
const specOperationsFile = "testdata/spec-operations.txt"

// checkAgainstSpecFile compares the table with the spec's own list of
// operations.
func checkAgainstSpecFile(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(specOperationsFile)
	if err != nil {
		t.Fatal(err)
	}
	spec := strings.Split(strings.TrimSpace(string(data)), "\n")
	var table []string
	for _, op := range specOperations {
		table = append(table, op.Name+"|"+op.Method+" "+op.Path)
	}
	for _, op := range spec {
		if !slices.Contains(table, op) {
			t.Errorf("spec operation %q is not in the table", op)
		}
	}
	for _, op := range table {
		if !slices.Contains(spec, op) {
			t.Errorf("table operation %q is not in %s", op, specOperationsFile)
		}
	}
	if len(spec) != 39 || (len(spec) == len(table) && !slices.Equal(spec, table)) {
		t.Errorf("the spec lists %d operations; the table must list the same in spec order", len(spec))
	}
}
