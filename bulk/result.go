package bulk

import "time"

// Status is how an item ended.
type Status uint8

// The statuses of an item.
const (
	// Done: the operation succeeded.
	Done Status = iota + 1
	// Failed: the operation returned an error and did not take effect.
	Failed
	// Unknown: the operation may or may not have taken effect (its error
	// wraps chatadmin.ErrOutcomeUnknown, or the journal shows it was sent
	// without an outcome); check the server before trying again.
	Unknown
	// Skipped: the journal of an earlier run records the item done.
	Skipped
)

// String returns the status as the journal writes it.
func (s Status) String() string {
	switch s {
	case Done:
		return "done"
	case Failed:
		return "failed"
	case Unknown:
		return "unknown"
	case Skipped:
		return "skipped"
	}
	return "invalid"
}

// Result is the outcome of one item.
type Result[T any] struct {
	Item   T
	Key    string // the item's journal key (the id itself for string items)
	Status Status
	Err    error // set for Failed and Unknown
	// FromJournal is set when the status was read from the journal of an
	// earlier run and the item was not sent by this one.
	FromJournal bool
}

// Progress is a snapshot of a running job, passed by value to
// Job.OnProgress after every item.
type Progress struct {
	Done, Failed, Unknown, Skipped int64
	// Total is the number of items when known (a Slice), -1 otherwise.
	Total int64
	// Elapsed is the time since Run started.
	Elapsed time.Duration
	// Rate is the items per second this run finished (Done, Failed or
	// Unknown; skipped items cost nothing and are left out).
	Rate float64
	// ETA is the expected time left, or -1 when Total or Rate is unknown.
	ETA time.Duration
}

// Summary is the outcome of a run.
type Summary[T any] struct {
	Done, Failed, Unknown, Skipped int64
	// Total is the number of items when known in advance, -1 otherwise.
	Total   int64
	Elapsed time.Duration
	// UnknownKeys lists the keys of the Unknown items, for the user to
	// reconcile. It is kept even without Collect: these are the items that
	// need a human, and there are few of them (at most the items in flight
	// when something broke, unless the server keeps failing).
	UnknownKeys []string
	// Results holds every item's result, in the order they finished, when
	// Job.Collect is set.
	Results []Result[T]
	// Reconciled counts the Done items that an earlier run left unknown and
	// Job.Reconcile found had taken effect (they were not sent again).
	Reconciled int64
	// JournalSyncs is how many times the journal was fsynced.
	JournalSyncs int
}

// progress builds the Progress of s at elapsed.
func (s *Summary[T]) progress(elapsed time.Duration) Progress {
	p := Progress{Done: s.Done, Failed: s.Failed, Unknown: s.Unknown, Skipped: s.Skipped,
		Total: s.Total, Elapsed: elapsed, ETA: -1}
	ran := s.Done + s.Failed + s.Unknown
	if elapsed > 0 && ran > 0 {
		p.Rate = float64(ran) / elapsed.Seconds()
		if s.Total >= 0 {
			left := s.Total - ran - s.Skipped
			if left < 0 {
				left = 0
			}
			p.ETA = time.Duration(float64(left) / p.Rate * float64(time.Second))
		}
	}
	return p
}
