package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// bulkFlags are the flags of every verb that takes user or message ids.
type bulkFlags struct {
	fromFile    string
	concurrency int
	journal     string
}

// bulkFlags adds the bulk flags to cmd. --rate is the client's (app.rate):
// it paces every request of the command.
func (a *app) bulkFlags(cmd *cobra.Command, what string) *bulkFlags {
	f := &bulkFlags{}
	fl := cmd.Flags()
	fl.StringVar(&f.fromFile, "from-file", "", "read "+what+" ids from this file, one per line (- for stdin)")
	fl.IntVar(&f.concurrency, "concurrency", bulk.DefaultConcurrency, "calls in flight at once")
	fl.Float64Var(&a.rate, "rate", 0, "send at most this many requests per second (0: follow the server's 429s)")
	fl.StringVar(&f.journal, "journal", "", "record progress in this file; run the same command again to resume")
	return f
}

// idSource is where a verb's ids come from: the command line, or a file.
type idSource struct {
	args  []string
	items bulk.Items[string]
	total int64 // -1 when unknown
	close func()
}

// ids returns the ids of args or --from-file (not both). A file is read
// whole once before anything is sent, to count its ids (the progress bar's
// total) and to check them: a UTF-8 byte-order mark is dropped, UTF-16
// with a byte-order mark is decoded, and a line holding a NUL, another
// control character or bytes that are not UTF-8 is refused, by number,
// with exit status 2. Otherwise a BOM would become part of the first id
// and a UTF-16 file would send ids full of NULs: to "users update", which
// creates the users it does not find, new garbage users. Stdin (and any
// file that cannot be read twice, such as a pipe) is first copied to a
// temporary file, so that the same holds for it.
func (a *app) ids(f *bulkFlags, args []string, what string) (*idSource, error) {
	if f.fromFile == "" {
		if len(args) == 0 {
			return nil, usageErrorf("no %s ids: give them as arguments or with --from-file FILE (- for stdin)", what)
		}
		return &idSource{args: args, items: bulk.Slice(args), total: int64(len(args)), close: func() {}}, nil
	}
	if len(args) > 0 {
		return nil, usageErrorf("give %s ids as arguments or with --from-file, not both", what)
	}
	file, closeFile, err := a.openIDs(f.fromFile)
	if err != nil {
		return nil, err
	}
	total, err := checkIDs(decodeIDs(file))
	if err == nil {
		_, err = file.Seek(0, io.SeekStart)
	}
	if err != nil {
		closeFile()
		return nil, usageErrorf("--from-file %s: %v; nothing was sent", f.fromFile, err)
	}
	return &idSource{items: bulk.Lines(decodeIDs(file)), total: total, close: closeFile}, nil
}

// openIDs opens the ids file, or a temporary copy of stdin ("-") or of a
// file that is not a regular one.
func (a *app) openIDs(path string) (*os.File, func(), error) {
	var src io.Reader
	if path == "-" {
		a.stdinUsed = true
		src = a.stdin
	} else {
		file, err := os.Open(path)
		if err != nil {
			return nil, nil, usageErrorf("--from-file: %v", err)
		}
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			return file, func() { file.Close() }, nil
		}
		defer file.Close()
		src = file
	}
	tmp, err := os.CreateTemp("", "chatadmin-ids-*")
	if err != nil {
		return nil, nil, fmt.Errorf("--from-file %s: %w", path, err)
	}
	closeTmp := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, src); err != nil {
		closeTmp()
		return nil, nil, fmt.Errorf("--from-file %s: %w", path, err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		closeTmp()
		return nil, nil, fmt.Errorf("--from-file %s: %w", path, err)
	}
	return tmp, closeTmp, nil
}

// decodeIDs drops a UTF-8 byte-order mark and decodes UTF-16 that starts
// with one; other input passes as it is (and checkIDs judges it).
func decodeIDs(r io.Reader) io.Reader {
	return transform.NewReader(r, unicode.BOMOverride(encoding.Nop.NewDecoder()))
}

// checkIDs counts the ids bulk.Lines would yield, and refuses a line that
// is too long, not UTF-8, or holds a control character.
func checkIDs(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), bulk.MaxLineBytes+2)
	var n, line int64
	for sc.Scan() {
		line++
		id := strings.TrimSpace(sc.Text())
		if id == "" {
			continue
		}
		if err := checkID(id); err != nil {
			return 0, fmt.Errorf("line %d %v", line, err)
		}
		n++
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return 0, fmt.Errorf("line %d is longer than %d bytes: not a list of ids", line+1, bulk.MaxLineBytes)
	}
	return n, sc.Err()
}

// checkID refuses an id that no one could have meant.
func checkID(id string) error {
	for i, r := range id {
		switch {
		case r == 0:
			return fmt.Errorf("holds a NUL byte: is the file UTF-16 without a byte-order mark? Save it as UTF-8")
		case r == utf8.RuneError && !strings.HasPrefix(id[i:], "\uFFFD"):
			return fmt.Errorf("is not UTF-8 text (byte 0x%02x at column %d)", id[i], i+1)
		case unsafeRune(r):
			return fmt.Errorf("holds the control character U+%04X at column %d: ids are printable text", r, i+1)
		}
	}
	return nil
}

// direct reports whether a verb should make its call directly instead of
// through the bulk runner: the ids came from the command line, fit in
// calls (at most `calls` of them), and no journal was asked for.
func (s *idSource) direct(f *bulkFlags, calls int64) bool {
	return s.args != nil && f.journal == "" && s.total <= calls
}

// bulkRun is a job over ids: run calls the SDK (a bulk helper, or a Job)
// with the options the CLI builds.
type bulkRun func(ctx context.Context, c *chatadmin.Client, items bulk.Items[string], o *bulk.Options) (*bulk.Summary[string], error)

// bulkSummary is what a bulk verb prints on stdout (JSON or YAML).
type bulkSummary struct {
	Total       int64    `json:"total"`
	Done        int64    `json:"done"`
	Failed      int64    `json:"failed"`
	Unknown     int64    `json:"unknown"`
	Skipped     int64    `json:"skipped"`
	UnknownKeys []string `json:"unknownIds,omitempty"`
	Interrupted bool     `json:"interrupted,omitempty"`
}

// runBulk runs a job over src with the bulk runner: progress on a
// terminal, one stderr line per failed item, a summary line at the end,
// and the exit code's class from the counts.
func (a *app) runBulk(ctx context.Context, c *chatadmin.Client, verb string, f *bulkFlags, src *idSource, run bulkRun) error {
	defer src.close()
	if f.concurrency < 1 {
		return usageErrorf("--concurrency must be at least 1, got %d", f.concurrency)
	}
	o := &bulk.Options{Concurrency: f.concurrency, Journal: f.journal,
		// On Ctrl-C the calls already sent get this long to finish, so
		// that they are recorded done rather than cut off; a second
		// Ctrl-C (abortOf) cuts them off at once.
		Grace: 10 * time.Second, Abort: abortOf(ctx)}
	if a.dryRun && f.journal != "" {
		// A dry run must not record items as done: the real run would
		// skip them.
		fmt.Fprintf(a.stderr, "chatadmin: --dry-run: not using the journal %s\n", f.journal)
		o.Journal = ""
	}
	var bar *progressBar
	if a.stderrTTY && !a.dryRun {
		width, _, err := term.GetSize(a.stderrFd)
		if err != nil || width <= 0 {
			width = 80
		}
		bar = &progressBar{w: a.stderr, width: width, total: src.total}
		o.OnProgress = bar.update
	}
	asJSON := a.output == "json" || a.output == "jsonl"
	o.OnResult = func(r bulk.Result[string]) {
		if r.Status != bulk.Failed && r.Status != bulk.Unknown {
			return
		}
		if bar != nil {
			bar.clear()
		}
		a.printItemError(r, asJSON)
	}
	sum, err := run(ctx, c, src.items, o)
	if bar != nil {
		bar.clear()
	}
	if sum == nil {
		if errors.Is(err, bulk.ErrJournalMismatch) || errors.Is(err, bulk.ErrJournalCorrupt) || errors.Is(err, bulk.ErrJournalLocked) {
			return &usageError{err}
		}
		return err
	}
	total := src.total
	if total < 0 {
		total = sum.Done + sum.Failed + sum.Unknown + sum.Skipped
	}
	out := bulkSummary{Total: total, Done: sum.Done, Failed: sum.Failed, Unknown: sum.Unknown, Skipped: sum.Skipped,
		UnknownKeys: sum.UnknownKeys, Interrupted: errors.Is(err, context.Canceled)}
	line := fmt.Sprintf("%s: %d done, %d failed, %d unknown, %d skipped of %d in %s", verb, sum.Done, sum.Failed, sum.Unknown,
		sum.Skipped, total, sum.Elapsed.Round(time.Millisecond))
	if out.Interrupted {
		line += " (interrupted"
		if f.journal != "" {
			line += "; run the same command to resume"
		}
		line += ")"
	}
	if !a.dryRun {
		fmt.Fprintln(a.stderr, line)
		if a.format() != "table" {
			if perr := a.print(out, nil); perr != nil && err == nil {
				err = perr
			}
		}
	}
	switch {
	case err != nil:
		return err
	case sum.Unknown > 0:
		return &bulkError{exitUnknown, fmt.Sprintf("chatadmin: %d item(s) may or may not have taken effect: %s", sum.Unknown, strings.Join(sum.UnknownKeys, " "))}
	case sum.Failed > 0 && sum.Done+sum.Skipped == 0:
		return &bulkError{exitAPI, fmt.Sprintf("chatadmin: all %d item(s) failed", sum.Failed)}
	case sum.Failed > 0:
		return &bulkError{exitPartial, fmt.Sprintf("chatadmin: %d of %d item(s) failed", sum.Failed, total)}
	}
	return nil
}

// printItemError writes one failed item's line on stderr.
func (a *app) printItemError(r bulk.Result[string], asJSON bool) {
	if asJSON {
		obj := map[string]any{"id": r.Key, "outcome": r.Status.String(), "message": strings.TrimPrefix(r.Err.Error(), "chatadmin: ")}
		var ae *chatadmin.APIError
		if errors.As(r.Err, &ae) {
			obj["status"], obj["code"], obj["apiMessage"] = ae.StatusCode, ae.Code, ae.Message
		}
		_ = writeJSONLine(a.stderr, map[string]any{"error": obj})
		return
	}
	fmt.Fprintf(a.stderr, "chatadmin: %s %s: %s\n", termSafe(r.Key), r.Status, termSafe(strings.TrimPrefix(r.Err.Error(), "chatadmin: ")))
}

// idJob is an idempotent bulk Job over ids with the CLI's options: every
// verb the CLI runs in bulk is a call the SDK classes as safe to repeat.
func idJob(name string, chunk int, o *bulk.Options, do func(ctx context.Context, ids []string) error) *bulk.Job[string] {
	return &bulk.Job[string]{Name: name, Idempotent: true, ChunkSize: chunk, Do: do,
		Concurrency: o.Concurrency, Journal: o.Journal, Grace: o.Grace, Abort: o.Abort, OnResult: o.OnResult, OnProgress: o.OnProgress}
}

// jobName names a channel job as the bulk package's helpers do
// ("channel.ban/<channelID>"), so that a journal written by a program using
// bulk.BanChannelUsers resumes here too, and the other way round.
func jobName(prefix string) func(string) string {
	return func(ch string) string { return prefix + ch }
}
