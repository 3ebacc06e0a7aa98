package bulk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The kill -9 test re-runs this test binary as the job's process: with
// killChildEnv set, TestMain calls killChild instead of the tests.
const (
	killChildEnv   = "BULK_KILL9_CHILD"
	killChannel    = "kill9"
	killJournalEnv = "BULK_KILL9_JOURNAL"
	killItemsEnv   = "BULK_KILL9_ITEMS"
)

// soak runs TestKill9ResumeRepeatsNothing at the size BENCHMARKS.md §7
// reports, 10,000 items; .ci/run does so once, without the race detector.
// The default, 2,000 items, still kills the job with hundreds of items
// done and eight in flight, which is what the test is about, at a fifth of
// the cost under -race.
var soak = flag.Bool("soak", false, "run the kill -9 test with 10,000 items instead of 2,000")

// killItems is the size of the kill -9 job.
func killItems() int {
	if n, err := strconv.Atoi(os.Getenv(killItemsEnv)); err == nil && n > 0 {
		return n // in the child, as the test said
	}
	if *soak {
		return 10000
	}
	return 2000
}

func killItemIDs() []string {
	s := make([]string, killItems())
	for i := range s {
		s[i] = fmt.Sprintf("item%05d", i)
	}
	return s
}

// killChild posts one message per item, a job that is not safe to repeat,
// and prints its summary as JSON.
func killChild() int {
	c, err := chatadmin.NewClientFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	job := &Job[string]{Name: "messages.post/" + killChannel, Journal: os.Getenv(killJournalEnv), Concurrency: 8,
		Do: func(ctx context.Context, c1 []string) error {
			_, err := c.Messages.Create(ctx, killChannel, &chatadmin.MessageCreateRequest{Text: c1[0]})
			return err
		}}
	sum, err := job.Run(context.Background(), Slice(killItemIDs()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(sum); err != nil {
		return 1
	}
	return 0
}

func startChild(t *testing.T, srv *chatadmintest.Server, journal string, stdout *bytes.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killChildEnv+"=1", killJournalEnv+"="+journal, killItemsEnv+"="+strconv.Itoa(killItems()),
		chatadmin.EnvBaseURL+"="+srv.URL, chatadmin.EnvToken+"="+srv.Token())
	cmd.Stdout, cmd.Stderr = stdout, os.Stderr
	require.NoError(t, cmd.Start())
	return cmd
}

func countDone(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"s":"done"`)) {
			n++
		}
	}
	return n
}

// TestKill9ResumeRepeatsNothing kills a job that is not safe to repeat
// halfway with SIGKILL, resumes it from its journal, and checks against
// the emulator that no item was posted twice and none was lost: every item
// is posted once, or listed as outcome-unknown (posted at most once).
func TestKill9ResumeRepeatsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("posts 2,000 messages")
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	srv := chatadmintest.NewServer()
	defer srv.Close()
	c, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Channels.Create(ctx, killChannel, nil)
	require.NoError(t, err)
	journal := filepath.Join(t.TempDir(), "post.jsonl")

	var out1 bytes.Buffer
	first := startChild(t, srv, journal, &out1)
	exited := make(chan error, 1)
	go func() { exited <- first.Wait() }()
	var killed bool
	for !killed {
		select {
		case err := <-exited:
			t.Fatalf("the job ended before it could be killed (%v): make it longer", err)
		case <-time.After(5 * time.Millisecond):
			if countDone(t, journal) >= killItems()/2 {
				require.NoError(t, first.Process.Kill()) // SIGKILL
				killed = true
			}
		}
	}
	<-exited
	doneAtKill := countDone(t, journal)

	var out2 bytes.Buffer
	second := startChild(t, srv, journal, &out2)
	require.NoError(t, second.Wait())
	var sum Summary[string]
	require.NoError(t, json.Unmarshal(out2.Bytes(), &sum), out2.String())

	posted := map[string]int{}
	for m, err := range c.Messages.All(ctx, killChannel, &chatadmin.MessageListOptions{First: chatadmin.MaxPageLimit}) {
		require.NoError(t, err)
		posted[m.Text()]++
	}
	unknown := map[string]bool{}
	for _, k := range sum.UnknownKeys {
		unknown[k] = true
	}
	var twice, lost int
	for _, id := range killItemIDs() {
		switch n := posted[id]; {
		case n > 1:
			twice++
		case n == 0 && !unknown[id]:
			lost++
		}
	}
	t.Logf("kill -9 at %d done records; resumed: skipped %d, done %d, failed %d, unknown %d; items done twice: %d; lost: %d; unknown: %d (posted %d of them)",
		doneAtKill, sum.Skipped, sum.Done, sum.Failed, sum.Unknown, twice, lost, len(unknown), countPosted(posted, sum.UnknownKeys))
	assert.Zero(t, twice, "items done twice")
	assert.Zero(t, lost, "items lost")
	assert.Zero(t, sum.Failed)
	assert.EqualValues(t, killItems(), sum.Skipped+sum.Done+sum.Unknown)
	assert.GreaterOrEqual(t, sum.Skipped, int64(killItems()/2))
	assert.Positive(t, sum.Done, "the resumed run finished the job")
}

func countPosted(posted map[string]int, keys []string) int {
	n := 0
	for _, k := range keys {
		n += posted[k]
	}
	return n
}
