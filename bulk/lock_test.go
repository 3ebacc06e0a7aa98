package bulk

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockChildEnv makes TestMain run lockChild: a run that holds the journal
// named by killJournalEnv, says so on stdout, and waits to be killed.
const lockChildEnv = "BULK_LOCK_CHILD"

func lockChild() int {
	job := &Job[string]{Name: "lock", Journal: os.Getenv(killJournalEnv), Concurrency: 1,
		Do: func(ctx context.Context, _ []string) error {
			fmt.Println("running")
			select {} // until SIGKILL
		}}
	_, err := job.Run(context.Background(), Slice([]string{"a"}))
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// TestSecondRunOnAJournalIsRefused runs a job in another process, then the
// same job on the same journal here: it is refused at once, names the
// journal and sends nothing. Once the other process is killed, its lock no
// longer counts.
func TestSecondRunOnAJournalIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock.jsonl")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), lockChildEnv+"=1", killJournalEnv+"="+path)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "running\n", line)

	var calls atomic.Int64
	job := &Job[string]{Name: "lock", Journal: path, Do: func(context.Context, []string) error { calls.Add(1); return nil }}
	sum, err := job.Run(context.Background(), Slice([]string{"a", "b"}))
	require.ErrorIs(t, err, ErrJournalLocked)
	assert.Contains(t, err.Error(), path)
	assert.Nil(t, sum)
	assert.Zero(t, calls.Load(), "a refused run sends nothing")

	require.NoError(t, child.Process.Kill()) // SIGKILL: no cleanup in the child
	_ = child.Wait()
	sum, err = job.Run(context.Background(), Slice([]string{"a", "b"}))
	require.NoError(t, err, "a dead process's lock does not block")
	assert.EqualValues(t, 1, sum.Done)
	assert.EqualValues(t, 1, sum.Unknown, "the killed run had started a")
}

// TestSecondRunInOneProcessIsRefused: the lock holds between two runs of
// one process too, and is released when a run ends.
func TestSecondRunInOneProcessIsRefused(t *testing.T) {
	path := journalPath(t)
	entered, release := make(chan struct{}), make(chan struct{})
	first := &Job[string]{Name: "lock", Idempotent: true, Journal: path, Concurrency: 1,
		Do: func(context.Context, []string) error { close(entered); <-release; return nil }}
	errc := make(chan error, 1)
	go func() { _, err := first.Run(context.Background(), Slice([]string{"a"})); errc <- err }()
	<-entered
	second := &Job[string]{Name: "lock", Idempotent: true, Journal: path, Do: func(context.Context, []string) error { return nil }}
	_, err := second.Run(context.Background(), Slice([]string{"a"}))
	require.ErrorIs(t, err, ErrJournalLocked)
	close(release)
	require.NoError(t, <-errc)
	sum, err := second.Run(context.Background(), Slice([]string{"a"}))
	require.NoError(t, err)
	assert.EqualValues(t, 1, sum.Skipped)
}
