package stream

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// stalled blocks in Read until released or closed.
type stalled struct{ release chan struct{} }

func (s stalled) Read([]byte) (int, error) { <-s.release; return 0, io.EOF }
func (s stalled) Close() error             { return nil }

func TestDetachGivesUpOnStall(t *testing.T) {
	src := stalled{make(chan struct{})}
	defer close(src.release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r := Detach(ctx, src)
	defer r.Close()
	_, err := r.Read(make([]byte, 8))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestDetachReadsAll(t *testing.T) {
	want := strings.Repeat("abc", 100000)
	r := Detach(context.Background(), io.NopCloser(strings.NewReader(want)))
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != want {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
}

func TestOpenWithinAndSniff(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := OpenWithin(ctx, func() (io.ReadCloser, error) { <-hang; return nil, errors.New("late") })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("open: %v", err)
	}
	ct, err := Sniff(context.Background(), func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("\x89PNG\r\n\x1a\n....")), nil
	})
	if err != nil || ct != "image/png" {
		t.Fatalf("sniff: %q %v", ct, err)
	}
}
