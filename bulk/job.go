package bulk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chatadmin/chatadmin-go"
)

// DefaultConcurrency is the number of calls a job keeps in flight when
// Job.Concurrency is 0.
const DefaultConcurrency = 8

// Defaults of the journal's batching.
const (
	DefaultJournalSyncRecords  = 1000
	DefaultJournalSyncInterval = 200 * time.Millisecond
)

// Job is one operation to run over many items. Fill in Name and Do (and
// Key for items that are not strings), then call Run; a Job may be run
// again, for example to resume from its journal.
type Job[T any] struct {
	// Name identifies the job in its journal: a journal written by a job of
	// another name is refused. Include what makes two jobs different, such
	// as the channel id ("channel.ban/lobby").
	Name string
	// Idempotent declares that doing an item twice is harmless (a ban, a
	// delete, an update to fixed values). It decides what a resumed run
	// does with items that failed or whose outcome is unknown: an
	// idempotent job runs them again; any other job reports them and never
	// sends them again (see the package documentation).
	Idempotent bool
	// ChunkSize is how many items one call of Do receives: 1 (the default)
	// for per-item calls, the API's own limit for list calls (e.g.
	// chatadmin.MaxUserIDs).
	ChunkSize int
	// Do performs the operation on a chunk. nil marks every item Done; an
	// error wrapping chatadmin.ErrOutcomeUnknown marks them Unknown; any
	// other error marks them Failed, which for a job that is not Idempotent
	// must mean that the operation surely did not take effect. Do is called
	// from up to Concurrency goroutines at once and must not keep chunk.
	Do func(ctx context.Context, chunk []T) error
	// Reconcile, for a job that is not Idempotent, settles on a resumed run
	// an item that an earlier run sent without learning its outcome
	// (recorded unknown, or started without an outcome): it asks the server
	// whether the operation took effect. true: it did, and the item is
	// Done; false: it did not, and this run sends it; an error: the server
	// cannot tell now, and the item stays Unknown. nil leaves such items
	// Unknown for a person. It is called from the workers, like Do, and may
	// itself make the call when the server refuses a second one (a channel
	// id that exists, a reaction already there). The helpers of this
	// package set it where the API can tell.
	Reconcile func(ctx context.Context, item T) (bool, error)
	// Key returns an item's identity in the journal and in results. It may
	// be nil for string items, whose key is the string itself.
	Key func(T) string
	// Concurrency bounds the calls of Do in flight; DefaultConcurrency when
	// 0.
	Concurrency int

	// Journal is the path of the journal file; "" runs without one.
	Journal string
	// JournalSyncRecords and JournalSyncInterval batch the fsyncs of
	// outcome records; DefaultJournalSyncRecords and
	// DefaultJournalSyncInterval when 0.
	JournalSyncRecords  int
	JournalSyncInterval time.Duration

	// Grace lets the calls already sent when ctx ends run for up to this
	// long before they are cancelled too; 0 cancels them with ctx. Calls
	// still waiting for the Client's rate limiter stop at once (see
	// chatadmin.StopSending). Closing Abort ends the Grace early.
	Grace time.Duration
	Abort <-chan struct{}

	// OnResult, when set, receives every item's result. OnProgress, when
	// set, receives a snapshot after every result. Both are called on the
	// goroutine that called Run, one call at a time, so they need no
	// locking; while they run no result is recorded, and once a few chunks
	// are waiting the workers block, so they must return quickly.
	OnResult   func(Result[T])
	OnProgress func(Progress)
	// Collect keeps every result in Summary.Results (memory grows with the
	// job: leave it off for large jobs and use OnResult).
	Collect bool

	// openFile is replaced by tests to watch writes and fsyncs.
	openFile func(string) (journalFile, error)
}

// chunk is a batch of items on its way to Do, or the results of one.
type chunk[T any] struct {
	items       []T
	keys        []string
	status      Status // for results
	err         error
	fromJournal bool
	noRecord    bool // an outcome the journal must not record
	unsent      bool // no outcome: the run's stop ended the call before it was sent
	reconcile   bool // an earlier run's unknown item, for Reconcile to settle
	reconciled  bool // Reconcile found it took effect
}

// Run runs the job over items and returns when every item read has ended
// or ctx has ended (after draining the calls in flight). Failed and
// Unknown items are not errors of Run: they are counted in the Summary and
// reported to OnResult. Run returns an error for a job that could not run
// or finish: a bad Job, a refused journal, an error of items, a journal
// write error, or ctx's error. The Summary is non-nil whenever any item
// was read.
func (j *Job[T]) Run(ctx context.Context, items Items[T]) (*Summary[T], error) {
	if j.Do == nil {
		return nil, errors.New("bulk: Job.Do is nil")
	}
	key := j.Key
	if key == nil {
		f, ok := any(func(s string) string { return s }).(func(T) string)
		if !ok {
			return nil, errors.New("bulk: Job.Key is nil and the items are not strings")
		}
		key = f
	}
	if j.Journal != "" && j.Name == "" {
		return nil, errors.New("bulk: a job with a journal needs a Name")
	}
	if items.seq == nil {
		return nil, errors.New("bulk: no items (use Slice, Seq, Seq2 or Lines)")
	}
	conc := j.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	size := max(j.ChunkSize, 1)

	var (
		jr     *journal
		priors map[string]prior
	)
	if j.Journal != "" {
		open := j.openFile
		if open == nil {
			open = openFile
		}
		var err error
		if jr, priors, err = openJournal(j.Journal, j.Name, j.Idempotent, open); err != nil {
			return nil, err
		}
	}

	start := time.Now()
	sum := &Summary[T]{Total: items.total}
	r := &run[T]{job: j, key: key, size: size, journal: jr, priors: priors}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	opCtx, stopOps := j.opContext(ctx)
	defer stopOps()

	work := make(chan chunk[T], conc)
	results := make(chan chunk[T], conc)
	var wg sync.WaitGroup
	wg.Go(func() { r.produce(runCtx, items, work, results) })
	for range conc {
		wg.Go(func() { r.work(ctx, runCtx, opCtx, work, results) })
	}
	go func() { wg.Wait(); close(results) }()

	syncEvery := uint64(j.JournalSyncRecords)
	if syncEvery == 0 {
		syncEvery = DefaultJournalSyncRecords
	}
	var tick <-chan time.Time
	if jr != nil {
		iv := j.JournalSyncInterval
		if iv <= 0 {
			iv = DefaultJournalSyncInterval
		}
		t := time.NewTicker(iv)
		defer t.Stop()
		tick = t.C
	}
	var jerr error
	for done := false; !done; {
		select {
		case c, ok := <-results:
			if !ok {
				done = true
				break
			}
			r.record(c, sum, start)
			if jr != nil && jerr == nil && jr.pending() >= syncEvery {
				jerr = jr.syncAll()
			}
		case <-tick:
			if jerr == nil {
				jerr = jr.syncAll()
			}
		}
		if jerr != nil {
			stopRun() // no new chunk: their outcomes could not be recorded
		}
	}
	sum.Elapsed = time.Since(start)
	if jr != nil {
		syncs, err := jr.close()
		sum.JournalSyncs = syncs
		if jerr == nil {
			jerr = err
		}
	}
	cerr := ctx.Err()
	if cerr != nil && errors.Is(r.srcErr, cerr) {
		cerr = nil // the items' iterator already reports it
	}
	return sum, errors.Join(r.srcErr, jerr, cerr)
}

// opContext is the context of the calls of Do: ctx, or with a Grace, a
// context that ends Grace after ctx.
func (j *Job[T]) opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if j.Grace <= 0 {
		return ctx, func() {}
	}
	opCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	finished := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			t := time.NewTimer(j.Grace)
			defer t.Stop()
			select {
			case <-t.C:
			case <-j.Abort:
			case <-finished:
			}
			cancel()
		case <-finished:
		}
	}()
	return opCtx, func() { close(finished); cancel() }
}

// run is the state of one Run shared by its goroutines.
type run[T any] struct {
	job     *Job[T]
	key     func(T) string
	size    int
	journal *journal
	priors  map[string]prior // read-only during the run
	srcErr  error            // written by produce before it returns
}

// produce reads items, settles those the journal already knows, and sends
// the rest in chunks to the workers.
func (r *run[T]) produce(ctx context.Context, items Items[T], work, results chan<- chunk[T]) {
	defer close(work)
	var c chunk[T]
	send := func(ch chan<- chunk[T], v chunk[T]) bool {
		select {
		case ch <- v:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for item, err := range items.seq {
		if err != nil {
			r.srcErr = err
			break
		}
		if ctx.Err() != nil {
			return
		}
		k := r.key(item)
		if r.journal != nil {
			if err := validKey(k); err != nil {
				if !send(results, chunk[T]{items: []T{item}, keys: []string{k}, status: Failed, err: err, noRecord: true}) {
					return
				}
				continue
			}
			if settled, ok := r.settle(item, k); ok {
				to := results
				if settled.reconcile {
					to = work
				}
				if !send(to, settled) {
					return
				}
				continue
			}
		}
		if c.items == nil {
			c = chunk[T]{items: make([]T, 0, r.size), keys: make([]string, 0, r.size)}
		}
		c.items, c.keys = append(c.items, item), append(c.keys, k)
		if len(c.items) == r.size {
			if !send(work, c) {
				return
			}
			c = chunk[T]{}
		}
	}
	if len(c.items) > 0 {
		send(work, c)
	}
}

// settle returns the result of an item that this run must not send: done
// by an earlier run, or (for a job that is not idempotent) failed or of
// unknown outcome in it.
func (r *run[T]) settle(item T, k string) (chunk[T], bool) {
	p, ok := r.priors[k]
	if !ok {
		return chunk[T]{}, false
	}
	c := chunk[T]{items: []T{item}, keys: []string{k}, fromJournal: true, noRecord: true}
	switch {
	case p.status == "done":
		c.status = Skipped
	case r.job.Idempotent:
		return chunk[T]{}, false
	case p.status == "failed":
		c.status, c.err = Failed, fmt.Errorf("bulk: failed in an earlier run: %s", p.err)
	case r.job.Reconcile != nil:
		c = chunk[T]{items: []T{item}, keys: []string{k}, reconcile: true}
	case p.status == "unknown":
		c.status, c.err = Unknown, fmt.Errorf("%w (in an earlier run: %s)", chatadmin.ErrOutcomeUnknown, p.err)
	default: // started, no outcome
		c.status, c.err = Unknown, fmt.Errorf("%w: an earlier run sent it and stopped before its outcome", chatadmin.ErrOutcomeUnknown)
	}
	return c, true
}

// work runs chunks until work is closed. After the caller's ctx or runCtx
// ends it starts no chunk. Both are checked: a context derived from the
// caller's is cancelled only after the caller's Done is closed, so a Do
// that returned on the caller's Done could otherwise see runCtx still alive
// and start one more chunk.
func (r *run[T]) work(ctx, runCtx, opCtx context.Context, work <-chan chunk[T], results chan<- chunk[T]) {
	for c := range work {
		if ctx.Err() != nil || runCtx.Err() != nil {
			continue // not started: a resumed run does it
		}
		if c.reconcile {
			var send bool
			if c, send = r.reconcile(ctx, runCtx, opCtx, c); !send {
				if c.status != 0 {
					results <- c
				}
				continue
			}
		}
		if r.journal != nil && !r.job.Idempotent {
			// The started records must be on disk before anything is sent:
			// see "Durability" in the package documentation.
			var seq uint64
			for _, k := range c.keys {
				seq = r.journal.append(k, statusStarted, "")
			}
			if err := r.journal.sync(seq); err != nil {
				c.status, c.err, c.noRecord = Failed, err, true // not sent
				results <- c
				continue
			}
		}
		// Calls still waiting for the limiter when the run stops send
		// nothing; only those already sent get the Grace.
		r.do(ctx, runCtx, chatadmin.StopSending(opCtx, runCtx), c, results)
	}
}

// reconcile asks Reconcile about an earlier run's unknown item. It returns
// the item's result, or send when the item did not take effect and is to
// be sent now; neither (status 0) when this run stopped while asking: the
// journal still says unknown, and the next run asks again.
func (r *run[T]) reconcile(ctx, runCtx, opCtx context.Context, c chunk[T]) (_ chunk[T], send bool) {
	took, err := r.job.Reconcile(chatadmin.StopSending(opCtx, runCtx), c.items[0])
	switch {
	case err != nil && (runCtx.Err() != nil || ctx.Err() != nil):
		return chunk[T]{}, false
	case err != nil:
		c.status, c.err = Unknown, fmt.Errorf("%w: an earlier run sent it, and asking the server did not settle it: %w", chatadmin.ErrOutcomeUnknown, err)
		return c, false
	case took:
		c.status, c.reconciled = Done, true
		return c, false
	}
	c.reconcile = false
	return c, true
}

// do calls Do on c and sends its result. A chunk of an idempotent job that
// fails for what may be one item's fault (chunkSplittable) is halved and
// each half done again, down to single items, so that each item gets its
// own result rather than the chunk's error: one unknown or banned user
// among 100 costs about 2·log2(100) = 14 calls instead of failing 99 others.
func (r *run[T]) do(ctx, runCtx, sendCtx context.Context, c chunk[T], results chan<- chunk[T]) {
	err := r.job.Do(sendCtx, c.items)
	stopped := runCtx.Err() != nil || ctx.Err() != nil
	c.status, c.unsent, c.err = r.classify(err, stopped)
	if c.status == Failed && len(c.items) > 1 && r.job.Idempotent && !stopped && chunkSplittable(err) {
		mid := len(c.items) / 2
		r.do(ctx, runCtx, sendCtx, chunk[T]{items: c.items[:mid:mid], keys: c.keys[:mid:mid]}, results)
		r.do(ctx, runCtx, sendCtx, chunk[T]{items: c.items[mid:], keys: c.keys[mid:]}, results)
		return
	}
	results <- c
}

// chunkSplittable reports whether a chunk's error may be the fault of some
// of its items (an id the server refuses: unknown, banned, not banned,
// invalid), so that smaller chunks can succeed. Errors of the whole call
// (the token, a permission, the rate limit, the server) are not.
func chunkSplittable(err error) bool {
	if errors.Is(err, chatadmin.ErrInvalidInput) {
		return true
	}
	var ae *chatadmin.APIError
	if !errors.As(err, &ae) || ae.StatusCode < 400 || ae.StatusCode > 499 {
		return false
	}
	switch {
	case ae.StatusCode == 401, ae.StatusCode == 429, ae.StatusCode == 408:
		return false
	}
	switch ae.Code {
	case chatadmin.CodeUnauthorized, chatadmin.CodePermissionDenied, chatadmin.CodeForbidden, chatadmin.CodeRateLimited:
		return false
	}
	return true
}

// classify turns Do's error into the chunk's status. A call that the
// run's own stop ended before it was sent is no outcome (unsent): the
// resumed run does it. The SDK says so with chatadmin.ErrNotSent; for a job
// that is not idempotent, Do's contract says so of any error but
// ErrOutcomeUnknown. A call of an idempotent job cut by the stop after it
// may have been sent is Unknown: a resumed run does it again.
func (r *run[T]) classify(err error, stopped bool) (_ Status, unsent bool, _ error) {
	cut := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	switch {
	case err == nil:
		return Done, false, nil
	case errors.Is(err, chatadmin.ErrOutcomeUnknown):
		return Unknown, false, err
	case stopped && (errors.Is(err, chatadmin.ErrNotSent) || cut && !r.job.Idempotent):
		return 0, true, err
	case stopped && cut:
		return Unknown, false, fmt.Errorf("%w: stopped in flight: %w", chatadmin.ErrOutcomeUnknown, err)
	}
	return Failed, false, err
}

// record journals, counts and reports the results of a chunk.
func (r *run[T]) record(c chunk[T], sum *Summary[T], start time.Time) {
	j := r.job
	if c.unsent {
		if r.journal != nil && !j.Idempotent {
			// Undo the started records: the item was never sent.
			for _, k := range c.keys {
				r.journal.append(k, statusNotSent, "")
			}
		}
		return
	}
	var errText string
	if c.err != nil && r.journal != nil && !c.noRecord {
		errText = c.err.Error()
	}
	for i, item := range c.items {
		k := c.keys[i]
		if r.journal != nil && !c.noRecord {
			r.journal.append(k, c.status.String(), errText)
		}
		switch c.status {
		case Done:
			sum.Done++
			if c.reconciled {
				sum.Reconciled++
			}
		case Failed:
			sum.Failed++
		case Unknown:
			sum.Unknown++
			sum.UnknownKeys = append(sum.UnknownKeys, k)
		case Skipped:
			sum.Skipped++
		}
		res := Result[T]{Item: item, Key: k, Status: c.status, Err: c.err, FromJournal: c.fromJournal}
		if j.OnResult != nil {
			j.OnResult(res)
		}
		if j.Collect {
			sum.Results = append(sum.Results, res)
		}
		if j.OnProgress != nil {
			j.OnProgress(sum.progress(time.Since(start)))
		}
	}
}
