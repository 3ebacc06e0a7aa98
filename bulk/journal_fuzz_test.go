package bulk

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// memFile is a journalFile in memory.
type memFile struct{ bytes.Buffer }

func (*memFile) Sync() error  { return nil }
func (*memFile) Close() error { return nil }

// writeRead writes a header and one record with the journal's own writer
// and reads them back with its reader.
func writeRead(t *testing.T, job, key, status, errText string) (map[string]prior, error) {
	t.Helper()
	f := &memFile{}
	j := &journal{f: f}
	j.cond.L = &j.mu
	h := fmt.Appendf(nil, `{"bulkJournal":%d,"job":`, journalFormat)
	h = appendJSONString(h, job)
	j.buf = append(h, ",\"idempotent\":false}\n"...)
	j.seq++
	j.append(key, status, errText)
	j.append("next", "done", "") // the record under test is not the (forgivable) last line
	require.NoError(t, j.syncAll())
	priors, good, err := parseJournal(f.Bytes(), job, false)
	if err == nil {
		require.Equal(t, f.Len(), good, "nothing is cut off as torn")
	}
	return priors, err
}

// FuzzJournalWriterReader: whatever key (that validKey accepts) and error
// text a record carries, the reader reads back exactly the key, and the
// error text or a prefix of it.
func FuzzJournalWriterReader(f *testing.F) {
	ctl := strings.Repeat("\x01", 1000)
	f.Add("ban", ctl, fmt.Sprintf("chatadmin: user %q not found", ctl))
	f.Add("ban", strings.Repeat("é", 512), strings.Repeat("\"\\", 600))
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, job, key, errText string) {
		if validKey(key) != nil || validJobName(job) != nil {
			return
		}
		priors, err := writeRead(t, job, key, "failed", errText)
		require.NoError(t, err)
		p, ok := priors[key]
		require.True(t, ok, "the key reads back as itself")
		require.Equal(t, "failed", p.status)
		want := strings.ToValidUTF8(errText, "\uFFFD")
		require.True(t, utf8.ValidString(p.err))
		require.True(t, strings.HasPrefix(want, p.err), "the error text reads back whole or cut short")
		require.True(t, len(p.err) == len(want) || len(want)-len(p.err) > 0 && len(p.err) > maxErrBytes/6-4)
	})
}

// TestControlByteKeyWithQuotingErrorIsReadable is the case that made the
// reader refuse the writer's line: a 1,000-byte key of control bytes and
// an error that quotes it verbatim (a server message echoing the id).
func TestControlByteKeyWithQuotingErrorIsReadable(t *testing.T) {
	key := strings.Repeat("\x1b", 1000)
	priors, err := writeRead(t, "ban", key, "failed", fmt.Sprintf("chatadmin: 404 user %s not found", key))
	require.NoError(t, err)
	require.Contains(t, priors, key)
}

// TestJobNamesTheHeaderCannotHoldAreRefused: a name the header would
// garble (invalid UTF-8) or make unreadable (too long) is refused before
// the run starts, rather than making every resume "another job".
func TestJobNamesTheHeaderCannotHoldAreRefused(t *testing.T) {
	for _, name := range []string{"bad\xff", strings.Repeat("\x02", maxKeyBytes+1)} {
		job := &Job[string]{Name: name, Journal: journalPath(t), Do: newScript(nil).do}
		_, err := job.Run(t.Context(), Slice([]string{"a"}))
		require.Error(t, err)
	}
	name := strings.Repeat("\x02", maxKeyBytes)
	job := &Job[string]{Name: name, Journal: journalPath(t), Idempotent: true, Do: newScript(nil).do}
	_, err := job.Run(t.Context(), Slice([]string{"a"}))
	require.NoError(t, err)
	sum, err := job.Run(t.Context(), Slice([]string{"a"}))
	require.NoError(t, err)
	require.EqualValues(t, 1, sum.Skipped)
}
