// Package bulk runs one Admin API operation over many items (ban 50,000
// spam accounts, add 20,000 users to a channel, delete what a channel sweep
// matches, rewrite every user's metadata) with bounded concurrency, a result
// per item, progress, and an optional journal that lets a crashed or
// cancelled job resume without repeating what it must not repeat.
//
// # Items, operations, results
//
// A Job reads its items from an Items value: Slice, Seq, Seq2 (for example
// an All iterator of the SDK) or Lines (one id per line of a reader). Items
// are streamed: the runner holds at most a few chunks per worker, never the
// whole input, and keeps no result unless Job.Collect asks for them.
//
// Job.Do is called once per chunk of at most Job.ChunkSize items (1 by
// default; chatadmin.MaxUserIDs for the channel calls that take a list of
// user ids) by at most Job.Concurrency goroutines at a time. Each item ends
// in one Status: Done (Do returned nil), Failed (Do returned an error: the
// operation did not take effect), Unknown (the error wraps
// chatadmin.ErrOutcomeUnknown: it may have taken effect), or Skipped (the
// journal says an earlier run did it). A chunk's error is every item's
// error, except that an idempotent job splits a chunk the server refused
// for what may be some items' fault (a 4xx other than the token, a
// permission or the rate limit) and does the halves again, down to single
// items, so that each item gets its own result. Rate limits are the Client's business: the runner only bounds how
// many calls are in flight.
//
// # The journal
//
// With Job.Journal set, the runner appends one JSON line per event to that
// file: a header naming the job, then {"k":key,"s":status} records. A run
// that finds the file resumes from it:
//
//   - items recorded done are skipped (Skipped);
//   - items recorded failed, unknown, or started without an outcome are run
//     again when the job is Idempotent, since repeating them is harmless;
//   - for a job that is not idempotent, they are reported as they stand
//     (Failed, or Unknown for the user to reconcile, with FromJournal set)
//     and never sent again.
//
// Reconciliation: for a job that is not idempotent, Job.Reconcile, when
// set, settles an earlier run's unknown items on resume by asking the
// server whether each took effect: Done if it did, sent now if it did not,
// Unknown (listed in Summary.UnknownKeys) if the server cannot tell. The
// helpers CreateChannels (a channel id that exists), CreateMessages with
// markers (a per-item tag found with the message query's tag filter),
// AddBlacklistRules and AddWhitelistRules (the rules listed by pattern) and
// AddReactions (the message's reactors) set it, so that their work is done
// exactly once across crashes on an API without idempotency keys. A call
// the server is still working on when the resumed run asks (a request
// stuck behind a gateway) can be missed: resume after such calls time out.
//
// A journal whose header names another job (or the same job with another
// Idempotent setting) is refused with ErrJournalMismatch.
//
// A run holds an exclusive lock on its journal (flock on Unix, LockFileEx
// on Windows) from before it reads the file until Run returns. A second run
// on the same journal, in this process or another, is refused at once with
// ErrJournalLocked and sends nothing: two runs would both send every item
// neither had recorded yet. The operating system drops the lock with its
// holder, so a run killed with SIGKILL does not block the next one.
//
// Durability, and why nothing unsafe is ever repeated: for a job that is not
// idempotent, the runner appends a "started" record for every item of a
// chunk and waits until the file is fsynced before it calls Do. If the
// process dies at any point after Do began, the started record is on disk,
// so the next run reports the item Unknown instead of sending it again. If
// it dies before the fsync returned, Do was never called, so running the
// item again is not a repetition. Concurrent workers share fsyncs (group
// commit): one fsync covers every record appended while the previous one was
// in progress.
//
// Outcome records (done, failed, unknown) are written and fsynced in
// batches: every Job.JournalSyncRecords records, every
// Job.JournalSyncInterval, whenever an unsafe chunk's started records are
// synced, and when the run ends (finished, cancelled or failed). Losing the
// last batch in a crash is safe: an idempotent item without an outcome is
// run again, an unsafe one has its started record and becomes Unknown.
//
// A crash can leave a torn last line; the next run ignores it and cuts it
// off before appending. Any other unreadable line is an error, since
// guessing could repeat an item.
//
// Resuming keeps the journal's keys in memory (one map entry per item the
// journal names), unlike the rest of the runner.
//
// # Cancelling
//
// When ctx ends, no new chunk starts; chunks already running finish and
// their outcomes are recorded and reported before Run returns ctx.Err().
// Calls still waiting for the Client's rate limiter stop at once and send
// nothing (Do's context carries chatadmin.StopSending); only calls already
// sent get Job.Grace to finish, and closing Job.Abort ends the Grace early
// (a second Ctrl-C). The SDK reports an unsafe call that was sent and then
// cancelled as chatadmin.ErrOutcomeUnknown, so it is recorded Unknown, not
// Failed.
//
// An item whose call the run's stop ended before it was sent is no outcome:
// it is not reported, and the journal records it "notsent" (undoing its
// "started" record), so that a resumed run does it. The SDK marks such a
// call with chatadmin.ErrNotSent; for a job that is not Idempotent, any
// error of Do other than ErrOutcomeUnknown says the same. A call of an
// idempotent job cut after it may have been sent is Unknown. Items read
// but not started are not reported either; a resumed run does them.
package bulk
