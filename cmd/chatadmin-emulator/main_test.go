package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8086": true, "localhost:1": true, "[::1]:80": true, "127.1.2.3:0": true,
		":8086": false, "0.0.0.0:8086": false, "[::]:1": false, "192.168.1.2:80": false, "example.com:80": false, "bad": false,
	} {
		require.Equal(t, want, isLoopback(addr), addr)
	}
}

func TestRefusesPublicAddress(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 2, run(context.Background(), []string{"-addr", "0.0.0.0:0"}, &out, &errb))
	require.Contains(t, errb.String(), "-public")
}

// lineWriter signals the first write (the URL line).
type lineWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	once sync.Once
	c    chan struct{}
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	w.once.Do(func() { close(w.c) })
	return n, err
}

func TestServeAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{c: make(chan struct{})}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-token", "tok", "-demo"}, out, io.Discard) }()
	select {
	case <-out.c:
	case <-time.After(5 * time.Second):
		t.Fatal("no URL line")
	}
	out.mu.Lock()
	line := out.buf.String()
	out.mu.Unlock()
	require.Contains(t, line, "token tok")
	url := strings.Fields(line)[3]
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), line)

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, url+"/api/v2/users?filter=flagged", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(body), "carol")

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code)
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown")
	}
}

func TestRateLimitFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{c: make(chan struct{})}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-rate-limit", "0.001", "-rate-burst", "2"}, out, io.Discard)
	}()
	defer func() {
		cancel()
		require.Equal(t, 0, <-done)
	}()
	<-out.c
	out.mu.Lock()
	url := strings.Fields(out.buf.String())[3]
	out.mu.Unlock()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	var statuses []int
	var retryAfter string
	for range 3 {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v2/roles", nil)
		req.Header.Set("Authorization", "Bearer chatadmintest-token")
		resp, err := (&http.Client{Transport: tr}).Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		retryAfter = resp.Header.Get("Retry-After")
	}
	require.Equal(t, []int{200, 200, 429}, statuses, "a burst of 2, then the limit")
	require.NotEmpty(t, retryAfter)
}
