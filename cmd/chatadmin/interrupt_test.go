package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliRun is the real chatadmin binary (the test binary, under the name
// testscript.Main gives it on $PATH) running against an emulator, with its
// stderr read line by line as it comes.
type cliRun struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	lines  chan string // stderr
	exited chan struct{}
	err    error
}

// emu is an emulator on a loopback port that counts the bans as they
// arrive: its own log has a request only once it is answered.
type emu struct {
	*chatadmintest.Emulator
	URL     string
	arrived atomic.Int64
}

func (e *emu) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/api/v2/users/ban" {
		e.arrived.Add(1)
	}
	e.Emulator.ServeHTTP(w, r)
}

func startCLI(t *testing.T, srv *emu, dir string, args ...string) *cliRun {
	t.Helper()
	bin, err := exec.LookPath("chatadmin")
	require.NoError(t, err)
	r := &cliRun{cmd: exec.Command(bin, args...), lines: make(chan string, 100), exited: make(chan struct{})}
	r.cmd.Dir = dir
	r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_CONFIG_HOME=" + dir,
		"CHATADMIN_BASE_URL=" + srv.URL, "CHATADMIN_TOKEN=" + srv.Token()}
	r.cmd.Stdout = &r.stdout
	stderr, err := r.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, r.cmd.Start())
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		close(r.lines)
		r.err = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() { _ = r.cmd.Process.Kill(); <-r.exited })
	return r
}

// waitLine returns the stderr lines up to the first that contains want.
func (r *cliRun) waitLine(t *testing.T, want string) []string {
	t.Helper()
	var seen []string
	for l := range r.lines {
		seen = append(seen, l)
		if strings.Contains(l, want) {
			return seen
		}
	}
	t.Fatalf("no stderr line with %q; stderr:\n%s", want, strings.Join(seen, "\n"))
	return nil
}

func (r *cliRun) exitCode(t *testing.T) int {
	t.Helper()
	for range r.lines {
	}
	<-r.exited
	var ee *exec.ExitError
	if errors.As(r.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -int(ws.Signal())
		}
		return ee.ExitCode()
	}
	require.NoError(t, r.err)
	return 0
}

func banSetup(t *testing.T, n int) (*emu, string) {
	srv := &emu{Emulator: chatadmintest.New()}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	srv.URL = hs.URL
	dir := t.TempDir()
	var b strings.Builder
	for i := range n {
		id := fmt.Sprintf("u%04d", i)
		srv.AddUser(id, id)
		b.WriteString(id + "\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ids.txt"), []byte(b.String()), 0o600))
	return srv, dir
}

func countRoute(srv *emu, _ string) int { return int(srv.arrived.Load()) }

const banRoute = "POST /api/v2/users/ban"

// TestInterruptStopsWaitingCallsAtOnce: SIGINT to a bulk job paced by
// --rate is acknowledged on stderr while the request in flight still runs;
// the calls waiting for the limiter send nothing and are not recorded
// failed, and the same command then finishes the job.
func TestInterruptStopsWaitingCallsAtOnce(t *testing.T) {
	srv, dir := banSetup(t, 30)
	r := startCLI(t, srv, dir, "users", "ban", "--yes", "--from-file", "ids.txt", "--rate", "4", "--concurrency", "8", "--journal", "ban.journal", "-o", "json")
	require.Eventually(t, func() bool { return countRoute(srv, banRoute) >= 2 }, 30*time.Second, time.Millisecond)
	// The next ban hangs for a while: the process cannot end before it.
	srv.InjectFault(chatadmintest.Fault{Route: banRoute, Delay: 2 * time.Second})
	require.Eventually(t, func() bool { return countRoute(srv, banRoute) >= 3 }, 30*time.Second, time.Millisecond)
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGINT))
	atSignal := countRoute(srv, banRoute)
	r.waitLine(t, "chatadmin: stopping: nothing more is sent")
	select {
	case <-r.exited:
		t.Fatal("the acknowledgement came only when the process ended")
	default: // acknowledged while the ban in flight still runs
	}
	assert.Equal(t, 130, r.exitCode(t))
	assert.LessOrEqual(t, countRoute(srv, banRoute), atSignal+1,
		"at most a call already past its wait when the signal came was sent after it")
	journal, err := os.ReadFile(filepath.Join(dir, "ban.journal"))
	require.NoError(t, err)
	assert.NotContains(t, string(journal), `"failed"`, "calls that never went out are not failures")
	assert.Contains(t, r.stdout.String(), `"interrupted": true`)

	r2 := startCLI(t, srv, dir, "users", "ban", "--yes", "--from-file", "ids.txt", "--concurrency", "8", "--journal", "ban.journal", "-o", "json")
	assert.Equal(t, 0, r2.exitCode(t))
	assert.Contains(t, r2.stdout.String(), `"failed": 0,`)
	assert.Contains(t, r2.stdout.String(), `"unknown": 0,`)
}

// TestSecondInterruptStopsNow: with every ban hanging in flight, the first
// SIGINT waits for them; the second cuts them off, and they are recorded
// unknown (a resumed run does them again), where before the second SIGINT
// killed the process and recorded nothing.
func TestSecondInterruptStopsNow(t *testing.T) {
	srv, dir := banSetup(t, 20)
	srv.InjectFault(chatadmintest.Fault{Route: banRoute, Delay: 3 * time.Second, Times: -1})
	r := startCLI(t, srv, dir, "users", "ban", "--yes", "--from-file", "ids.txt", "--concurrency", "4", "--journal", "ban.journal", "-o", "json")
	require.Eventually(t, func() bool { return countRoute(srv, banRoute) >= 4 }, 30*time.Second, time.Millisecond)
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGINT))
	r.waitLine(t, "chatadmin: stopping: nothing more is sent")
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGINT))
	r.waitLine(t, "chatadmin: stopping now")
	assert.Equal(t, 130, r.exitCode(t))
	journal, err := os.ReadFile(filepath.Join(dir, "ban.journal"))
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(journal), `"s":"unknown"`), "%s", journal)
	assert.Contains(t, r.stdout.String(), `"unknown": 4,`)
	assert.Equal(t, 4, countRoute(srv, banRoute))
}

// TestSecondRunOnALockedJournalExits2: a second CLI run on a journal that
// a running job holds exits 2 at once, names the journal and sends nothing.
func TestSecondRunOnALockedJournalExits2(t *testing.T) {
	srv, dir := banSetup(t, 20)
	srv.InjectFault(chatadmintest.Fault{Route: banRoute, Delay: 3 * time.Second, Times: -1})
	first := startCLI(t, srv, dir, "users", "ban", "--yes", "--from-file", "ids.txt", "--concurrency", "2", "--journal", "ban.journal")
	require.Eventually(t, func() bool { return countRoute(srv, banRoute) >= 2 }, 30*time.Second, time.Millisecond)
	second := startCLI(t, srv, dir, "users", "ban", "--yes", "--from-file", "ids.txt", "--journal", "ban.journal")
	lines := second.waitLine(t, "ban.journal")
	assert.Contains(t, strings.Join(lines, "\n"), "in use by another run")
	assert.Equal(t, 2, second.exitCode(t))
	assert.Equal(t, 2, countRoute(srv, banRoute), "the second run sent nothing")
	require.NoError(t, first.cmd.Process.Kill())
}
