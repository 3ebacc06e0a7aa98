package bulk

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Items is the input of a job: a sequence read once, and its length when
// known. Build one with Slice, Seq, Seq2 or Lines.
type Items[T any] struct {
	seq   iter.Seq2[T, error]
	total int64 // -1 when unknown
}

// Slice returns the items of s; their number is known, so Progress has a
// Total and an ETA.
func Slice[T any](s []T) Items[T] {
	return Items[T]{total: int64(len(s)), seq: func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}}
}

// Seq returns the items of an iterator, whose length is unknown.
func Seq[T any](s iter.Seq[T]) Items[T] {
	return Items[T]{total: -1, seq: func(yield func(T, error) bool) {
		for v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}}
}

// Seq2 returns the items of an iterator that can fail, such as the SDK's
// All methods. Its first error stops the job: no new item starts, and Run
// returns the error after the items in flight finish.
func Seq2[T any](s iter.Seq2[T, error]) Items[T] {
	return Items[T]{total: -1, seq: s}
}

// MaxLineBytes is the longest line Lines accepts. Ids are short; a longer
// line means the input is not a list of ids (a binary file, a JSON dump),
// and the job stops rather than send garbage.
const MaxLineBytes = 4096

// ErrLineTooLong is wrapped by the error of Lines for a line longer than
// MaxLineBytes.
var ErrLineTooLong = errors.New("bulk: line too long")

// Lines returns one item per line of r, with surrounding spaces (and a
// trailing "\r") trimmed and blank lines skipped. A line longer than
// MaxLineBytes, or a read error, stops the job with an error that names the
// line.
func Lines(r io.Reader) Items[string] {
	return Items[string]{total: -1, seq: func(yield func(string, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 512), MaxLineBytes+2) // room for "\r\n"
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			if len(line) > MaxLineBytes {
				yield("", fmt.Errorf("%w: line %d is longer than %d bytes", ErrLineTooLong, n, MaxLineBytes))
				return
			}
			if !yield(line, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("%w: line %d is longer than %d bytes", ErrLineTooLong, n+1, MaxLineBytes)
			} else {
				err = fmt.Errorf("bulk: reading line %d: %w", n+1, err)
			}
			yield("", err)
		}
	}}
}
