package bulk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ErrJournalMismatch is returned by Run when the journal file belongs to
// another job: resuming from it would skip or refuse the wrong items.
var ErrJournalMismatch = errors.New("bulk: the journal belongs to another job")

// ErrJournalCorrupt is returned by Run when a journal line other than the
// last cannot be read. Only the last line can be torn by a crash; anything
// else means the file was edited or damaged, and guessing could repeat an
// item.
var ErrJournalCorrupt = errors.New("bulk: journal corrupt")

// ErrJournalLocked is returned by Run, before anything is sent, when
// another run (in this process or another) holds the journal: two runs on
// one journal would both send every item not yet recorded. The lock goes
// with the run that holds it, even one killed with SIGKILL.
var ErrJournalLocked = errors.New("bulk: the journal is in use by another run")

const (
	journalFormat = 1
	// maxKeyBytes bounds a journal key; longer keys are refused before
	// sending, since a journal line must stay readable.
	maxKeyBytes = 1024
	// maxErrBytes bounds the error text of a record as written, escapes
	// included (an APIError can carry a large body, and an error that
	// quotes a key of control bytes grows sixfold when escaped).
	maxErrBytes = 512
	// maxJournalLine is the longest line the reader accepts. The writer
	// stays under it: a key escapes to at most 6 × maxKeyBytes, the error
	// to maxErrBytes, and the rest of a record is under 100 bytes; a
	// header's job name is bounded like a key.
	maxJournalLine = 8 << 10
)

// journalHeader is the first line of a journal.
type journalHeader struct {
	Format     int    `json:"bulkJournal"`
	Job        string `json:"job"`
	Idempotent bool   `json:"idempotent"`
	Created    string `json:"created"`
}

// journalRecord is every other line.
type journalRecord struct {
	Key    string `json:"k"`
	Status string `json:"s"`
	Err    string `json:"e,omitempty"`
	Format *int   `json:"bulkJournal,omitempty"` // set only on a header: a header in the middle is corruption
}

// statusStarted precedes an unsafe call; statusNotSent undoes it when the
// run's stop ended the call before it was sent (the item has no outcome).
const (
	statusStarted = "started"
	statusNotSent = "notsent"
)

// prior is what an earlier run recorded for a key.
type prior struct {
	status string // "started", "done", "failed" or "unknown"
	err    string
}

// journalFile is what the journal needs of *os.File; tests wrap it to watch
// the order of writes and fsyncs.
type journalFile interface {
	io.Writer
	Sync() error
	Close() error
}

// journal appends records with group commit: records are buffered, and
// sync writes and fsyncs everything appended so far; a caller that finds a
// sync in progress waits for it and, if its records were not covered, runs
// the next one with every record appended meanwhile.
type journal struct {
	f    journalFile
	lock *os.File // holds the run's exclusive lock until close

	mu      sync.Mutex
	cond    sync.Cond
	buf     []byte // appended, not yet written
	spare   []byte // the other buffer, reused while buf is written
	seq     uint64 // records appended
	durable uint64 // records written and fsynced
	syncing bool
	err     error // the first write or fsync error; the journal is dead after it
	syncs   int
}

// openJournal opens or creates the journal at path for job, locks it for
// the run, and returns the records of earlier runs. The lock is taken on
// its own handle before the file is read, and held until close: a second
// run on the same journal would send every item the first one has not
// recorded yet.
func openJournal(path, job string, idempotent bool, open func(string) (journalFile, error)) (_ *journal, _ map[string]prior, err error) {
	if err := validJobName(job); err != nil {
		return nil, nil, err
	}
	lock, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("bulk: opening journal: %w", err)
	}
	defer func() {
		if err != nil {
			lock.Close()
		}
	}()
	switch ok, err := lockFile(lock); {
	case err != nil:
		return nil, nil, fmt.Errorf("bulk: locking the journal %s: %w", path, err)
	case !ok:
		return nil, nil, fmt.Errorf("%w: %s", ErrJournalLocked, path)
	}
	data, err := io.ReadAll(lock)
	if err != nil {
		return nil, nil, fmt.Errorf("bulk: reading journal: %w", err)
	}
	priors, good, err := parseJournal(data, job, idempotent)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%s)", err, path)
	}
	if good < len(data) {
		// A torn last line: cut it off so that the next record starts on a
		// line of its own.
		if err := lock.Truncate(int64(good)); err != nil {
			return nil, nil, fmt.Errorf("bulk: cutting the torn last line of the journal: %w", err)
		}
	}
	f, err := open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("bulk: opening journal: %w", err)
	}
	j := &journal{f: f, lock: lock}
	j.cond.L = &j.mu
	if good == 0 {
		h, _ := json.Marshal(journalHeader{Format: journalFormat, Job: job, Idempotent: idempotent,
			Created: time.Now().UTC().Format(time.RFC3339)})
		j.buf = append(append(j.buf, h...), '\n')
		j.seq++
		if err := j.sync(j.seq); err != nil {
			f.Close()
			return nil, nil, err
		}
		// The file may be new: its directory entry must be durable too.
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return j, priors, nil
}

// openFile opens the journal for appending.
func openFile(path string) (journalFile, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("bulk: syncing the journal's directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("bulk: syncing the journal's directory: %w", err)
	}
	return nil
}

// parseJournal reads a journal's bytes. It returns the records by key (the
// last record of a key wins) and the length of the well-formed prefix,
// which is shorter than data only when the last line is torn.
func parseJournal(data []byte, job string, idempotent bool) (map[string]prior, int, error) {
	priors := map[string]prior{}
	if len(data) == 0 {
		return priors, 0, nil
	}
	off, lineNo := 0, 0
	for off < len(data) {
		lineNo++
		end := bytes.IndexByte(data[off:], '\n')
		last := end < 0 || off+end+1 == len(data)
		if end < 0 {
			// No newline: the write of this line was cut short.
			return priors, off, nil
		}
		line := data[off : off+end]
		if len(line) > maxJournalLine {
			if last {
				return priors, off, nil
			}
			return nil, 0, fmt.Errorf("%w: line %d is too long", ErrJournalCorrupt, lineNo)
		}
		if lineNo == 1 {
			var h journalHeader
			if err := json.Unmarshal(line, &h); err != nil || h.Format == 0 {
				if last {
					return priors, 0, nil // a torn header: start afresh
				}
				return nil, 0, fmt.Errorf("%w: line 1 is not a bulk journal header", ErrJournalCorrupt)
			}
			if h.Format != journalFormat {
				return nil, 0, fmt.Errorf("%w: journal format %d, this version reads %d", ErrJournalMismatch, h.Format, journalFormat)
			}
			if h.Job != job || h.Idempotent != idempotent {
				return nil, 0, fmt.Errorf("%w: it is for job %q (idempotent %v), this is %q (idempotent %v)",
					ErrJournalMismatch, h.Job, h.Idempotent, job, idempotent)
			}
		} else {
			var r journalRecord
			err := json.Unmarshal(line, &r)
			if err == nil && (r.Format != nil || !knownStatus(r.Status)) {
				err = errors.New("not a record")
			}
			if err != nil {
				if last {
					return priors, off, nil
				}
				return nil, 0, fmt.Errorf("%w: line %d: %v", ErrJournalCorrupt, lineNo, err)
			}
			if r.Status == statusNotSent {
				delete(priors, r.Key)
			} else {
				priors[r.Key] = prior{status: r.Status, err: r.Err}
			}
		}
		off += end + 1
	}
	return priors, off, nil
}

func knownStatus(s string) bool {
	switch s {
	case statusStarted, statusNotSent, "done", "failed", "unknown":
		return true
	}
	return false
}

// validKey reports whether key can be written to the journal and read back
// as the same string.
func validKey(key string) error {
	if len(key) > maxKeyBytes {
		return fmt.Errorf("bulk: key of %d bytes is too long for the journal (at most %d)", len(key), maxKeyBytes)
	}
	if !utf8.ValidString(key) {
		return errors.New("bulk: key is not valid UTF-8 and cannot be journaled")
	}
	return nil
}

// append buffers one record and returns its sequence number. key must have
// passed validKey.
func (j *journal) append(key, status, errText string) uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	b := append(j.buf, `{"k":`...)
	b = appendJSONString(b, key)
	b = append(b, `,"s":"`...)
	b = append(b, status...)
	b = append(b, '"')
	if errText != "" {
		b = append(b, `,"e":`...)
		b = appendJSONStringMax(b, strings.ToValidUTF8(errText, "\uFFFD"), maxErrBytes)
	}
	j.buf = append(b, "}\n"...)
	j.seq++
	return j.seq
}

// pending returns how many records are not yet durable.
func (j *journal) pending() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq - j.durable
}

// syncAll makes every record appended so far durable.
func (j *journal) syncAll() error {
	j.mu.Lock()
	seq := j.seq
	j.mu.Unlock()
	return j.sync(seq)
}

// sync returns once record upto is written and fsynced (or the journal
// failed).
func (j *journal) sync(upto uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		if j.err != nil {
			return j.err
		}
		if j.durable >= upto {
			return nil
		}
		if !j.syncing {
			break
		}
		j.cond.Wait()
	}
	j.syncing = true
	buf, target := j.buf, j.seq
	j.buf = j.spare[:0]
	j.mu.Unlock()

	_, err := j.f.Write(buf)
	if err == nil {
		err = j.f.Sync()
	}

	j.mu.Lock()
	j.spare = buf[:0]
	j.syncing = false
	if err != nil {
		j.err = fmt.Errorf("bulk: writing journal: %w", err)
	} else {
		j.durable = target
		j.syncs++
	}
	j.cond.Broadcast()
	return j.err
}

// close syncs what is left and closes the file.
func (j *journal) close() (syncs int, err error) {
	err = j.syncAll()
	if cerr := j.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("bulk: closing journal: %w", cerr)
	}
	j.lock.Close() // releases the lock: only after the last record is written
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.syncs, err
}

// appendJSONString appends s as a JSON string. s is valid UTF-8.
func appendJSONString(b []byte, s string) []byte {
	return appendJSONStringMax(b, s, len(s)*6)
}

// appendJSONStringMax appends s as a JSON string whose escaped contents
// take at most limit bytes: s is cut at the last whole character that
// fits. s is valid UTF-8.
func appendJSONStringMax(b []byte, s string, limit int) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := len(b)
	for i := 0; i < len(s); {
		c := s[i]
		size, enc := 1, 1 // bytes of s, bytes written
		switch {
		case c == '"' || c == '\\':
			enc = 2
		case c < 0x20:
			enc = 6
		case c >= utf8.RuneSelf:
			_, size = utf8.DecodeRuneInString(s[i:])
			enc = size
		}
		if len(b)-start+enc > limit {
			break
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// validJobName refuses a name the journal's header could not hold and
// give back as itself: the next run would find it "for another job".
func validJobName(name string) error {
	if len(name) > maxKeyBytes {
		return fmt.Errorf("bulk: a job name of %d bytes is too long for the journal (at most %d)", len(name), maxKeyBytes)
	}
	if !utf8.ValidString(name) {
		return errors.New("bulk: the job name is not valid UTF-8 and cannot be journaled")
	}
	return nil
}
