package chatadmin_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// integMute tells the operations that share a mute route apart.
type integMute int

const (
	integMuteAny integMute = iota // the route has one operation
	integMuteOn                   // mutePeriod ≠ 0
	integMuteOff                  // mutePeriod = 0
)

// integSpecOperation is one operation of admin-api-v2.txt and the
// integration scenarios that exercise it.
type integSpecOperation struct {
	Name   string // as the spec titles it
	Method string
	Path   string // as the spec writes it (GET image keeps its "?size")
	mute   integMute
	Tests  []string // integScenario names
}

// route is the operation's "METHOD /path" as chatadmintest.Request.Route
// spells it.
func (op integSpecOperation) route() string {
	path, _, _ := strings.Cut(op.Path, "?")
	return op.Method + " " + path
}

// integSpecOperations is the coverage table: all 39 operations of the spec,
// in spec order, with the scenarios that call them.
var integSpecOperations = []integSpecOperation{
	{"Query for Channels", "POST", "/api/v2/channels", integMuteAny, []string{"Channels/CreateAndQuery", "Channels/Membership", "Channels/Ban"}},
	{"Create a Channel", "POST", "/api/v2/channel", integMuteAny, []string{"Channels/CreateAndQuery"}},
	{"Update Channel displayName", "POST", "/api/v2/channel/displayName", integMuteAny, []string{"Channels/CreateAndQuery"}},
	{"Add Users to Channel", "POST", "/api/v2/channel/:channelId/users", integMuteAny, []string{"Channels/Membership"}},
	{"Remove Users from Channel", "DELETE", "/api/v2/channel/:channelId/users", integMuteAny, []string{"Channels/Membership"}},
	{"Mute Channel", "PUT", "/api/v2/channel/:channelId/mute", integMuteOn, []string{"Channels/MuteChannel", "Channels/MuteExpiry"}},
	{"Unmute Channel", "PUT", "/api/v2/channel/:channelId/mute", integMuteOff, []string{"Channels/MuteChannel"}},
	{"Mute Users in Channel", "PUT", "/api/v2/channel/:channelId/users/mute", integMuteOn, []string{"Channels/MuteUsers", "Channels/MuteExpiry"}},
	{"Unmute Users in Channel", "PUT", "/api/v2/channel/:channelId/users/mute", integMuteOff, []string{"Channels/MuteUsers"}},
	{"Ban Users from Channel", "POST", "/api/v2/channel/:channelId/users/ban", integMuteAny, []string{"Channels/Ban"}},
	{"Unban Users from Channel", "POST", "/api/v2/channel/:channelId/users/unban", integMuteAny, []string{"Channels/Ban"}},
	{"Close a Channel", "POST", "/api/v2/channel/:channelId/close", integMuteAny, []string{"Channels/Close"}},
	{"Query for Messages", "POST", "/api/v2/messages", integMuteAny, []string{"Messages/CreateGetDelete", "Messages/AllTokenPaging", "Messages/AllSegmentWindows"}},
	{"Get a Message", "GET", "/api/v2/message/:messageId", integMuteAny, []string{"Messages/CreateGetDelete"}},
	{"Create a Message", "POST", "/api/v2/message", integMuteAny, []string{"Messages/CreateGetDelete", "Messages/TextLimits"}},
	{"Delete Message", "DELETE", "/api/v2/message/:messageId", integMuteAny, []string{"Messages/CreateGetDelete"}},
	{"Create Image Message", "POST", "/api/v2/messages/images", integMuteAny, []string{"Messages/Images"}},
	{"Get Image Message", "GET", "/api/v2/messages/:messageId/images?size", integMuteAny, []string{"Messages/Images", "Messages/CDNDownloads"}},
	{"Create File Message", "POST", "/api/v2/messages/files", integMuteAny, []string{"Messages/Files"}},
	{"Get File Message", "GET", "/api/v2/messages/:messageId/files", integMuteAny, []string{"Messages/Files", "Messages/CDNDownloads"}},
	{"Query for Users", "GET", "/api/v2/users", integMuteAny, []string{"Users/UpdateAndQuery", "Users/Paging", "Users/GlobalBan", "Users/Flags"}},
	{"Update User", "PUT", "/api/v2/users", integMuteAny, []string{"Users/UpdateAndQuery"}},
	{"Global Ban User", "POST", "/api/v2/users/ban", integMuteAny, []string{"Users/GlobalBan"}},
	{"Global Unban User", "POST", "/api/v2/users/unban", integMuteAny, []string{"Users/GlobalBan"}},
	{"Clear User Flags", "DELETE", "/api/v2/users/:userId/flags", integMuteAny, []string{"Users/Flags"}},
	{"Query for Roles", "GET", "/api/v2/roles", integMuteAny, []string{"Roles/AddAndQuery"}},
	{"Add a Role", "PUT", "/api/v2/roles", integMuteAny, []string{"Roles/AddAndQuery"}},
	{"Query for Blacklisted Words", "GET", "/api/v2/blacklist/records", integMuteAny, []string{"Blacklist/Lifecycle"}},
	{"Add Blacklisted Word", "POST", "/api/v2/blacklist/records", integMuteAny, []string{"Blacklist/Lifecycle"}},
	{"Delete Blacklisted Word", "DELETE", "/api/v2/blacklist/records", integMuteAny, []string{"Blacklist/Lifecycle"}},
	{"Update Blacklisted Word", "PUT", "/api/v2/blacklist/records/:ruleId", integMuteAny, []string{"Blacklist/Lifecycle"}},
	{"Query for Whitelisted URLs", "GET", "/api/v2/whitelist/records", integMuteAny, []string{"Whitelist/Lifecycle"}},
	{"Add Whitelisted URL", "POST", "/api/v2/whitelist/records", integMuteAny, []string{"Whitelist/Lifecycle"}},
	{"Delete Whitelisted URL", "DELETE", "/api/v2/whitelist/records", integMuteAny, []string{"Whitelist/Lifecycle"}},
	{"Update Whitelisted URL", "PUT", "/api/v2/whitelist/records/:ruleId", integMuteAny, []string{"Whitelist/Lifecycle"}},
	{"Query for Reactors", "GET", "/api/v2/reactions", integMuteAny, []string{"Reactions/Lifecycle", "Reactions/ReactorPaging"}},
	{"Create a Reaction", "POST", "/api/v2/reactions", integMuteAny, []string{"Reactions/Lifecycle"}},
	{"Delete a Reaction", "DELETE", "/api/v2/reactions", integMuteAny, []string{"Reactions/Lifecycle"}},
	{"Query for Messages With Most Reactions", "GET", "/api/v2/reactions/messages/most", integMuteAny, []string{"Reactions/MostReacted"}},
}

// integAllScenarios is every integration scenario, by group.
func integAllScenarios() []integScenario {
	return slices.Concat(integChannelScenarios, integMessageScenarios, integUserScenarios, integRoleScenarios,
		integBlacklistScenarios, integWhitelistScenarios, integReactionScenarios, integAuthScenarios, integLimitScenarios)
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
	scenarios := map[string]integScenario{}
	for _, sc := range integAllScenarios() {
		if _, dup := scenarios[sc.name]; dup {
			t.Errorf("two scenarios are named %q", sc.name)
		}
		scenarios[sc.name] = sc
	}

	// The table itself: 39 distinct operations, each with a scenario that
	// exists, whose routes are exactly the emulator's 37.
	if n := len(integSpecOperations); n != 39 {
		t.Errorf("the table has %d operations, the spec 39", n)
	}
	names := map[string]bool{}
	routes := map[string]bool{}
	for _, op := range integSpecOperations {
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
	integCheckAgainstSpecFile(t)

	// The claims: run what has not run, then check every entry.
	for _, op := range integSpecOperations {
		for _, name := range op.Tests {
			sc, ok := scenarios[name]
			if !ok || integCoverage.ran(name) {
				continue
			}
			t.Run("run/"+name, func(t *testing.T) { integRunEmulator(t, sc, false) })
		}
	}
	for _, op := range integSpecOperations {
		for _, name := range op.Tests {
			if !integCoverage.covered(name, op.Name) {
				t.Errorf("scenario %q is listed for %q (%s %s) but never got a 2xx answer from that operation",
					name, op.Name, op.Method, op.Path)
			}
		}
	}
}

// integSpecFile is the request reference, next to the repository in the
// project's layout; the cross-check below is skipped where it is absent.
const integSpecFile = "../shared/spec/admin-api-v2.txt"

// integCheckAgainstSpecFile compares the table with the spec's own list of
// operations when the spec file is available: each operation is a title
// followed (two non-empty lines later) by "METHOD /api/v2/…".
func integCheckAgainstSpecFile(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(integSpecFile)
	if err != nil {
		t.Logf("spec cross-check skipped: %v", err)
		return
	}
	endpoint := regexp.MustCompile(`^(GET|POST|PUT|DELETE) (/api/v2/\S+)$`)
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var spec []string
	for i, l := range lines {
		if m := endpoint.FindStringSubmatch(l); m != nil && i >= 2 {
			spec = append(spec, lines[i-2]+"|"+m[1]+" "+m[2])
		}
	}
	var table []string
	for _, op := range integSpecOperations {
		table = append(table, op.Name+"|"+op.Method+" "+op.Path)
	}
	for _, op := range spec {
		if !slices.Contains(table, op) {
			t.Errorf("spec operation %q is not in the table", op)
		}
	}
	for _, op := range table {
		if !slices.Contains(spec, op) {
			t.Errorf("table operation %q is not in %s", op, integSpecFile)
		}
	}
	if len(spec) != 39 || (len(spec) == len(table) && !slices.Equal(spec, table)) {
		t.Errorf("the spec lists %d operations; the table must list the same in spec order", len(spec))
	}
}
