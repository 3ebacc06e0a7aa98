package stream

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestOneShotOpensOnce(t *testing.T) {
	ct, open, err := OneShot(context.Background(), strings.NewReader("<html><body>hi"), "")
	if err != nil || !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("OneShot = %q, %v; want a sniffed text/html", ct, err)
	}
	rc, err := open()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(rc); string(b) != "<html><body>hi" {
		t.Errorf("read %q: the sniffed bytes were not kept", b)
	}
	if _, err := open(); !errors.Is(err, ErrReplay) {
		t.Errorf("second open = %v, want ErrReplay", err)
	}
	if ct, _, _ := OneShot(context.Background(), strings.NewReader("x"), "image/png"); ct != "image/png" {
		t.Errorf("a given type was replaced by %q", ct)
	}
}

func TestBodyClosesFile(t *testing.T) {
	var closed bool
	f := NewFile(context.Background(), func() (io.ReadCloser, error) {
		return closer{strings.NewReader("file"), &closed}, nil
	}, 4, 100, false, nil)
	b := Body([]byte("pre-"), f, []byte("-end"))
	if got, err := io.ReadAll(b); err != nil || string(got) != "pre-file-end" {
		t.Errorf("read %q, %v", got, err)
	}
	if err := b.Close(); err != nil || !closed {
		t.Errorf("Close = %v, file closed %v", err, closed)
	}
}

type closer struct {
	io.Reader
	closed *bool
}

func (c closer) Close() error { *c.closed = true; return nil }
