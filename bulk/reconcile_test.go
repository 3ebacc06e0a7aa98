package bulk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reconcileChildEnv makes TestMain run reconcileChild: 1,000 channel
// creates, then 1,000 message creates with markers, each job with its
// journal in the directory the variable names.
const (
	reconcileChildEnv = "BULK_RECONCILE_CHILD"
	reconcileItems    = 1000
	reconcileChannel  = "recon"
)

func reconcileChild() int {
	dir := os.Getenv(reconcileChildEnv)
	c, err := chatadmin.NewClientFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	chans := make([]ChannelCreate, reconcileItems)
	msgs := make([]MessageCreate, reconcileItems)
	for i := range reconcileItems {
		chans[i] = ChannelCreate{ChannelID: fmt.Sprintf("ch%04d", i)}
		k := fmt.Sprintf("m%04d", i)
		msgs[i] = MessageCreate{Key: k, Request: &chatadmin.MessageCreateRequest{Text: k}}
	}
	out := json.NewEncoder(os.Stdout)
	s1, err := CreateChannels(ctx, c, Slice(chans), &Options{Concurrency: 8, Journal: filepath.Join(dir, "channels.jsonl")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = out.Encode(s1)
	s2, err := CreateMessages(ctx, c, reconcileChannel, Slice(msgs), true, &Options{Concurrency: 8, Journal: filepath.Join(dir, "messages.jsonl")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = out.Encode(s2)
	return 0
}

// TestKill9ReconcileLeavesNothingUnknown kills a job of unsafe creates
// (channels, then messages with markers) ten times at random points, with
// the emulator acting on some creates and then failing them (a gateway's
// 504, a dropped connection), and resumes it: every channel and message
// exists exactly once, and no item is left unknown, because each resumed
// run asks the server about the items the earlier ones could not settle.
func TestKill9ReconcileLeavesNothingUnknown(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 2,000 channels and messages, 11 processes")
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx := context.Background()
	_, err = c.Channels.Create(ctx, reconcileChannel, nil)
	require.NoError(t, err)
	dir := t.TempDir()
	seed := time.Now().UnixNano()
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("seed %d", seed)

	run := func() (*exec.Cmd, *bytes.Buffer) {
		var out bytes.Buffer
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), reconcileChildEnv+"="+dir,
			chatadmin.EnvBaseURL+"="+srv.URL, chatadmin.EnvToken+"="+srv.Token())
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		require.NoError(t, cmd.Start())
		return cmd, &out
	}
	for i := range 10 {
		// Some creates act and then fail: their outcome is unknown to the
		// job, which must settle them later. Every create takes 5 ms, so
		// that the kills land in the middle of the job.
		srv.ClearFaults()
		for _, route := range []string{"POST /api/v2/channel", "POST /api/v2/message"} {
			srv.InjectFault(chatadmintest.Fault{Route: route, Drop: chatadmintest.FailAfterHandler})
			srv.InjectFault(chatadmintest.Fault{Route: route, Drop: chatadmintest.DropAfterHandler})
			srv.InjectFault(chatadmintest.Fault{Route: route, Delay: 5 * time.Millisecond, Times: -1})
		}
		cmd, _ := run()
		time.Sleep(time.Duration(100+rnd.IntN(300)) * time.Millisecond)
		_ = cmd.Process.Kill() // SIGKILL (it may have finished already)
		_ = cmd.Wait()
		t.Logf("kill %d: %d channels, %d messages in the journals as done", i+1,
			countDone(t, filepath.Join(dir, "channels.jsonl")), countDone(t, filepath.Join(dir, "messages.jsonl")))
	}
	srv.ClearFaults()
	cmd, out := run()
	require.NoError(t, cmd.Wait())
	var sums []Summary[string]
	for sc := bufio.NewScanner(out); sc.Scan(); {
		var s Summary[string]
		require.NoError(t, json.Unmarshal(sc.Bytes(), &s))
		sums = append(sums, s)
	}
	require.Len(t, sums, 2, out.String())
	if testing.Verbose() {
		j, _ := os.ReadFile(filepath.Join(dir, "channels.jsonl"))
		for _, l := range bytes.Split(j, []byte("\n")) {
			if bytes.Contains(l, []byte(`"unknown"`)) {
				t.Logf("%s", l)
			}
		}
	}
	for _, s := range sums {
		assert.Zero(t, s.Unknown, "unknown left: %v", s.UnknownKeys)
		assert.Zero(t, s.Failed)
		assert.EqualValues(t, reconcileItems, s.Done+s.Skipped)
	}
	t.Logf("last run: channels done %d (reconciled %d), skipped %d; messages done %d (reconciled %d), skipped %d",
		sums[0].Done, sums[0].Reconciled, sums[0].Skipped, sums[1].Done, sums[1].Reconciled, sums[1].Skipped)

	channels := map[string]int{}
	for ch, err := range c.Channels.All(ctx, nil) {
		require.NoError(t, err)
		channels[ch.Channel.ChannelID]++
	}
	posted := map[string]int{}
	for m, err := range c.Messages.All(ctx, reconcileChannel, &chatadmin.MessageListOptions{First: chatadmin.MaxPageLimit}) {
		require.NoError(t, err)
		posted[m.Text()]++
	}
	var twice, lost int
	for i := range reconcileItems {
		for _, n := range []int{channels[fmt.Sprintf("ch%04d", i)], posted[fmt.Sprintf("m%04d", i)]} {
			switch {
			case n > 1:
				twice++
			case n == 0:
				lost++
			}
		}
	}
	assert.Zero(t, twice, "created twice")
	assert.Zero(t, lost, "lost")
}

// TestResumeReconcilesRulesAndReactions: a blacklist add, a whitelist add
// and a reaction add that took effect behind a gateway's 504 are Unknown
// in the first run; the resumed run asks the server, settles them Done
// without sending them again, and sends the items that never took effect.
func TestResumeReconcilesRulesAndReactions(t *testing.T) {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	ctx := context.Background()
	_, err = c.Channels.Create(ctx, "room", nil)
	require.NoError(t, err)
	m, err := c.Messages.Create(ctx, "room", &chatadmin.MessageCreateRequest{Text: "hi"})
	require.NoError(t, err)
	dir := t.TempDir()
	o := func(name string) *Options { return &Options{Concurrency: 1, Journal: filepath.Join(dir, name)} }
	const (
		blRoute = "POST /api/v2/blacklist/records"
		wlRoute = "POST /api/v2/whitelist/records"
		rxRoute = "POST /api/v2/reactions"
	)
	for _, route := range []string{blRoute, wlRoute, rxRoute} {
		srv.InjectFault(chatadmintest.Fault{Route: route, Drop: chatadmintest.FailAfterHandler})
		srv.InjectFault(chatadmintest.Fault{Route: route, Status: 503}) // did not act: failed, not resent
	}
	words := Slice([]string{"spam", "scam", "junk"})
	hosts := Slice([]string{`example\.com`, `example\.org`, `example\.net`})
	reactions := Slice([]Reaction{{m.MessageID, "like"}, {m.MessageID, "love"}, {m.MessageID, "wow"}})
	first := func() (bl, wl *Summary[string], rx *Summary[Reaction]) {
		bl, err := AddBlacklistRules(ctx, c, words, chatadmin.MatchAnywhere, o("bl"))
		require.NoError(t, err)
		wl, err = AddWhitelistRules(ctx, c, hosts, o("wl"))
		require.NoError(t, err)
		rx, err = AddReactions(ctx, c, srv.AdminUserID(), reactions, o("rx"))
		require.NoError(t, err)
		return bl, wl, rx
	}
	bl, wl, rx := first()
	for _, counts := range [][3]int64{{bl.Done, bl.Unknown, bl.Failed}, {wl.Done, wl.Unknown, wl.Failed}, {rx.Done, rx.Unknown, rx.Failed}} {
		assert.Equal(t, [3]int64{1, 1, 1}, counts, "done, unknown, failed")
	}
	srv.ResetRequests()
	bl, wl, rx = first()
	for _, s := range []struct{ unknown, reconciled, skipped int64 }{{bl.Unknown, bl.Reconciled, bl.Skipped}, {wl.Unknown, wl.Reconciled, wl.Skipped},
		{rx.Unknown, rx.Reconciled, rx.Skipped}} {
		assert.Zero(t, s.unknown)
		assert.EqualValues(t, 1, s.reconciled)
		assert.EqualValues(t, 1, s.skipped)
	}
	for _, route := range []string{blRoute, wlRoute, rxRoute} {
		n := 0
		for _, r := range srv.Requests() {
			if r.Route == route {
				n++
			}
		}
		assert.Zero(t, n, "%s: nothing sent again (the failed item is reported, not resent)", route)
	}
	rules, err := c.Blacklist.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, rules, 2)
}
