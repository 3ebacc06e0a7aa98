package stream

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
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

func TestFileChecksItsSize(t *testing.T) {
	open := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	errOver := errors.New("over")
	over := func() error { return errOver }
	for _, tc := range []struct {
		src         string
		size, limit int64
		ok          bool
	}{
		{"abcd", 4, 0, true},
		{"abcd", 5, 0, false}, // shorter than its size
		{"abcd", 3, 0, false}, // longer than its size
		{"abcd", -1, 4, true},
		{"abcde", -1, 4, false}, // over the limit of an unmeasured source
	} {
		f := NewFile(context.Background(), open(tc.src), tc.size, tc.limit, false, over)
		_, err := io.ReadAll(f)
		f.Close()
		if (err == nil) != tc.ok {
			t.Errorf("%q size %d limit %d: %v", tc.src, tc.size, tc.limit, err)
		}
	}
	// A stalled source is closed when the context ends.
	src := stalled{make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	f := NewFile(ctx, func() (io.ReadCloser, error) { return src, nil }, -1, 10, true, over)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := f.Read(make([]byte, 4))
	close(src.release)
	f.Close()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("stalled read: %v", err)
	}
}

func TestSniffReaderKeepsTheBytes(t *testing.T) {
	ct, r, err := SniffReader(context.Background(), strings.NewReader("\x89PNG\r\n\x1a\nrest"))
	if err != nil || ct != "image/png" {
		t.Fatalf("%q %v", ct, err)
	}
	if b, _ := io.ReadAll(r); string(b) != "\x89PNG\r\n\x1a\nrest" {
		t.Errorf("read %q", b)
	}
	src := stalled{make(chan struct{})}
	defer close(src.release)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, _, err := SniffReader(ctx, src); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stalled: %v", err)
	}
}

// TestMultipart: pre, a file and trailer make a body mime/multipart reads
// back, fields first.
func TestMultipart(t *testing.T) {
	ct, pre, trailer, err := Multipart(url.Values{"tags[]": {"a", "b"}, "channelId": {"lobby"}}, "a.txt", "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(ct)
	body := string(pre) + "hello" + string(trailer)
	r := multipart.NewReader(strings.NewReader(body), params["boundary"])
	var got []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		got = append(got, p.FormName()+"="+string(b)+";"+p.FileName())
	}
	if want := "channelId=lobby; tags[]=a; tags[]=b; file=hello;a.txt"; strings.Join(got, " ") != want {
		t.Errorf("parts %q, want %q", strings.Join(got, " "), want)
	}
}
