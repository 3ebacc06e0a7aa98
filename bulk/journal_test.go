package bulk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script is a Do that answers per id from a map (default: done) and counts
// the calls per id.
type script struct {
	mu     sync.Mutex
	answer map[string]error
	calls  map[string]int
}

func newScript(answer map[string]error) *script {
	return &script{answer: answer, calls: map[string]int{}}
}

func (s *script) do(ctx context.Context, c []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	for _, id := range c {
		s.calls[id]++
		if e := s.answer[id]; e != nil {
			err = e
		}
	}
	return err
}

var errNo = errors.New("no")

func unknownErr() error { return fmt.Errorf("reset: %w", chatadmin.ErrOutcomeUnknown) }

func journalPath(t *testing.T) string { return filepath.Join(t.TempDir(), "job.jsonl") }

func TestResumeSkipsDoneAndRetriesWhatIsSafe(t *testing.T) {
	path := journalPath(t)
	first := newScript(map[string]error{"u1": errNo, "u2": unknownErr()})
	job := &Job[string]{Name: "ban", Idempotent: true, Journal: path, Do: first.do}
	sum, err := job.Run(context.Background(), Slice(ids(5)))
	require.NoError(t, err)
	assert.EqualValues(t, 3, sum.Done)

	second := newScript(nil)
	job.Do, job.Collect = second.do, true
	sum, err = job.Run(context.Background(), Slice(ids(5)))
	require.NoError(t, err)
	assert.EqualValues(t, 3, sum.Skipped)
	assert.EqualValues(t, 2, sum.Done)
	assert.Equal(t, map[string]int{"u1": 1, "u2": 1}, second.calls, "only the failed and unknown items run again")
	for _, r := range sum.Results {
		assert.Equal(t, r.Status == Skipped, r.FromJournal, r.Key)
	}
}

func TestResumeOfAnUnsafeJobNeverResends(t *testing.T) {
	path := journalPath(t)
	first := newScript(map[string]error{"u1": errNo, "u2": unknownErr()})
	job := &Job[string]{Name: "post", Journal: path, Do: first.do}
	_, err := job.Run(context.Background(), Slice(ids(4)))
	require.NoError(t, err)
	// A crash after u3 was sent: started on disk, no outcome.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"k":"u4","s":"started"}` + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	second := newScript(nil)
	job.Do, job.Collect = second.do, true
	sum, err := job.Run(context.Background(), Slice(ids(6)))
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"u5": 1}, second.calls)
	byKey := map[string]Result[string]{}
	for _, r := range sum.Results {
		byKey[r.Key] = r
	}
	assert.Equal(t, Failed, byKey["u1"].Status)
	assert.ErrorContains(t, byKey["u1"].Err, "no")
	assert.Equal(t, Unknown, byKey["u2"].Status)
	assert.ErrorIs(t, byKey["u2"].Err, chatadmin.ErrOutcomeUnknown)
	assert.Equal(t, Unknown, byKey["u4"].Status)
	assert.ErrorIs(t, byKey["u4"].Err, chatadmin.ErrOutcomeUnknown)
	assert.True(t, byKey["u4"].FromJournal)
	assert.Equal(t, Skipped, byKey["u0"].Status)
	assert.Equal(t, Done, byKey["u5"].Status)
	assert.ElementsMatch(t, []string{"u2", "u4"}, sum.UnknownKeys)
}

func TestTornLastLineIsTolerated(t *testing.T) {
	for name, tail := range map[string]string{
		"cut record":    `{"k":"u2","s":"do`,
		"cut newline":   `{"k":"u2","s":"done"}`,
		"garbage":       "\x00\x00\x00",
		"bad last line": "{not json\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := journalPath(t)
			job := &Job[string]{Name: "ban", Idempotent: true, Journal: path, Do: newScript(nil).do}
			_, err := job.Run(context.Background(), Slice(ids(2)))
			require.NoError(t, err)
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString(tail)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			s := newScript(nil)
			job.Do = s.do
			sum, err := job.Run(context.Background(), Slice(ids(3)))
			require.NoError(t, err)
			assert.EqualValues(t, 2, sum.Skipped)
			assert.Equal(t, map[string]int{"u2": 1}, s.calls)

			// The torn line was cut off: the file reads cleanly again.
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			_, good, err := parseJournal(data, "ban", true)
			require.NoError(t, err)
			assert.Equal(t, len(data), good)
			assert.Equal(t, 1+3, bytes.Count(data, []byte("\n")), "header and three records")
		})
	}
}

func TestCorruptMiddleLineIsRefused(t *testing.T) {
	path := journalPath(t)
	job := &Job[string]{Name: "ban", Idempotent: true, Journal: path, Do: newScript(nil).do}
	_, err := job.Run(context.Background(), Slice(ids(3)))
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := bytes.SplitAfter(data, []byte("\n"))
	require.Len(t, lines, 1+3+1, "header, three records, and the empty tail")
	lines[2] = []byte("{\"k\":u1\"\n") // a record in the middle, not the last one
	require.NoError(t, os.WriteFile(path, bytes.Join(lines, nil), 0o600))
	_, err = job.Run(context.Background(), Slice(ids(3)))
	require.ErrorIs(t, err, ErrJournalCorrupt)
}

func TestForeignJournalIsRefused(t *testing.T) {
	path := journalPath(t)
	s := newScript(nil)
	_, err := (&Job[string]{Name: "channel.ban/a", Idempotent: true, Journal: path, Do: s.do}).Run(context.Background(), Slice(ids(2)))
	require.NoError(t, err)
	for _, job := range []*Job[string]{
		{Name: "channel.ban/b", Idempotent: true, Journal: path, Do: s.do},
		{Name: "channel.ban/a", Idempotent: false, Journal: path, Do: s.do},
	} {
		_, err := job.Run(context.Background(), Slice(ids(2)))
		require.ErrorIs(t, err, ErrJournalMismatch)
		assert.ErrorContains(t, err, `"channel.ban/a"`)
	}
	require.NoError(t, os.WriteFile(path, []byte("u1\nu2\n"), 0o600))
	_, err = (&Job[string]{Name: "x", Journal: path, Do: s.do}).Run(context.Background(), Slice(ids(1)))
	require.ErrorIs(t, err, ErrJournalCorrupt, "an id list passed as the journal is not overwritten")
	assert.Equal(t, 1, s.calls["u0"], "the refused runs sent nothing")
}

func TestOutcomesAreSyncedInBatches(t *testing.T) {
	job := &Job[string]{Name: "ban", Idempotent: true, Journal: journalPath(t), Concurrency: 4,
		JournalSyncRecords: 100, JournalSyncInterval: time.Hour, Do: newScript(nil).do}
	sum, err := job.Run(context.Background(), Slice(ids(1000)))
	require.NoError(t, err)
	assert.Equal(t, 1+10, sum.JournalSyncs, "the header, then one per 100 records")

	job.Journal, job.JournalSyncRecords = journalPath(t), 0
	sum, err = job.Run(context.Background(), Slice(ids(999)))
	require.NoError(t, err)
	assert.Equal(t, 1+1, sum.JournalSyncs, "the header, then once at the end")
}

// watchedFile records what reached the disk: the bytes written before the
// last Sync.
type watchedFile struct {
	journalFile
	mu              sync.Mutex
	written, synced []byte
	syncs           atomic.Int64
}

func (w *watchedFile) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.written = append(w.written, p...)
	w.mu.Unlock()
	return w.journalFile.Write(p)
}

func (w *watchedFile) Sync() error {
	err := w.journalFile.Sync()
	w.mu.Lock()
	w.synced = append(w.synced[:0], w.written...)
	w.mu.Unlock()
	w.syncs.Add(1)
	return err
}

func (w *watchedFile) durable(s string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Contains(w.synced, []byte(s))
}

func TestUnsafeItemsAreStartedDurablyBeforeTheyAreSent(t *testing.T) {
	w := &watchedFile{}
	var missing atomic.Int64
	job := &Job[string]{Name: "post", Journal: journalPath(t), Concurrency: 4, ChunkSize: 3,
		JournalSyncInterval: time.Hour,
		openFile: func(p string) (journalFile, error) {
			f, err := openFile(p)
			w.journalFile = f
			return w, err
		},
		Do: func(ctx context.Context, c []string) error {
			for _, id := range c {
				if !w.durable(`{"k":"` + id + `","s":"started"}`) {
					missing.Add(1)
				}
			}
			return nil
		}}
	sum, err := job.Run(context.Background(), Slice(ids(300)))
	require.NoError(t, err)
	assert.EqualValues(t, 300, sum.Done)
	assert.Zero(t, missing.Load(), "items sent before their started record was fsynced")
	assert.LessOrEqual(t, w.syncs.Load(), int64(1+100+1), "at most one fsync per chunk")

	// An idempotent job writes no started records.
	data, err := os.ReadFile(job.Journal)
	require.NoError(t, err)
	assert.Equal(t, 300, strings.Count(string(data), `"s":"started"`))
	job.Name, job.Idempotent, job.Journal = "ban", true, journalPath(t)
	job.Do = newScript(nil).do
	_, err = job.Run(context.Background(), Slice(ids(10)))
	require.NoError(t, err)
	data, err = os.ReadFile(job.Journal)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "started")
}

func TestCancelRecordsTheOutcomesOfItemsInFlight(t *testing.T) {
	path := journalPath(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var entered sync.WaitGroup
	entered.Add(2)
	job := &Job[string]{Name: "post", Journal: path, Concurrency: 2, JournalSyncInterval: time.Hour,
		Do: func(ctx context.Context, c []string) error {
			entered.Done()
			<-ctx.Done()
			return fmt.Errorf("%w: %w", chatadmin.ErrOutcomeUnknown, ctx.Err())
		}}
	go func() { entered.Wait(); cancel() }()
	sum, err := job.Run(ctx, Slice(ids(100)))
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualValues(t, 2, sum.Unknown)

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(data), `"s":"unknown"`), "outcomes are on disk after Run returns:\n%s", data)
	assert.Equal(t, 2, strings.Count(string(data), `"s":"started"`))

	s := newScript(nil)
	job.Do = s.do
	sum, err = job.Run(context.Background(), Slice(ids(100)))
	require.NoError(t, err)
	assert.EqualValues(t, 98, sum.Done)
	assert.EqualValues(t, 2, sum.Unknown)
	assert.ElementsMatch(t, []string{"u0", "u1"}, sum.UnknownKeys)
	assert.Len(t, s.calls, 98)
}

func TestKeysTheJournalCannotHoldAreRefused(t *testing.T) {
	s := newScript(nil)
	job := &Job[string]{Name: "ban", Idempotent: true, Journal: journalPath(t), Do: s.do, Collect: true}
	sum, err := job.Run(context.Background(), Slice([]string{"ok", "bad\xff", strings.Repeat("k", maxKeyBytes+1), `q"uo\te` + "\n"}))
	require.NoError(t, err)
	assert.EqualValues(t, 2, sum.Done)
	assert.EqualValues(t, 2, sum.Failed)
	assert.Equal(t, map[string]int{"ok": 1, `q"uo\te` + "\n": 1}, s.calls)

	s2 := newScript(nil)
	job.Do = s2.do
	sum, err = job.Run(context.Background(), Slice([]string{"ok", `q"uo\te` + "\n"}))
	require.NoError(t, err)
	assert.EqualValues(t, 2, sum.Skipped, "escaped keys read back as themselves")
}
