// Command loadbench runs many concurrent calls through the SDK against a
// loopback server, next to the same calls written by hand with net/http
// over a transport with the SDK's default settings, in one run (issue 6
// §3):
//
//	go run ./internal/cmd/loadbench                     # 64 × 20,000 calls, 3 rounds
//	go run ./internal/cmd/loadbench -workers 8 -calls 200 -rounds 1
//
// Each phase gets a fresh server and a fresh client. It reports requests
// per second, the connections the server accepted (counted with
// http.Server.ConnState) and the sockets of the server's port left in
// TIME_WAIT (from /proc/net/tcp and tcp6) when the phase ends, before the
// client closes its idle connections.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatadmin/chatadmin-go"
)

const token = "loadbench-token"

// body is the answer to GET /api/v2/message/:messageId: a message with its
// channel and sender, as the API sends it (flat).
var body = []byte(`{"channel":{"channelId":"lobby","type":"standard","displayName":"Lobby","memberCount":12,` +
	`"messageCount":340,"createdAt":"2024-05-01T10:00:00.000Z","updatedAt":"2024-05-01T10:00:00.000Z"},` +
	`"message":{"messageId":"m1","channelId":"lobby","userId":"u1","type":"text","data":{"text":"hello"},` +
	`"channelSegment":41,"reactionsCount":0,"createdAt":"2024-05-01T10:00:00.000Z","updatedAt":"2024-05-01T10:00:00.000Z"},` +
	`"user":{"userId":"u1","displayName":"Ann","roles":["member"],"createdAt":"2024-01-01T00:00:00.000Z"}}`)

func main() {
	workers := flag.Int("workers", 64, "concurrent goroutines")
	calls := flag.Int("calls", 20_000, "calls per goroutine")
	rounds := flag.Int("rounds", 3, "rounds of each phase; medians are reported")
	order := flag.String("order", "sdk,raw", "the phases of a round, in order")
	flag.Parse()
	if err := run(*workers, *calls, *rounds, strings.Split(*order, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

type result struct {
	rps      float64
	conns    int64 // connections the server accepted in the phase
	steady   int64 // of those, accepted after the first tenth of the calls
	timeWait int
}

func run(workers, calls, rounds int, order []string) error {
	fmt.Printf("loadbench: %d goroutines × %d calls of GET /api/v2/message/:messageId, %d rounds, %s, GOMAXPROCS=%d\n",
		workers, calls, rounds, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("%-5s %-6s %12s %8s %14s %10s\n", "round", "client", "req/s", "conns", "after warm-up", "TIME_WAIT")
	results := map[string][]result{}
	for r := 1; r <= rounds; r++ {
		for _, name := range order {
			res, err := phase(name, workers, calls)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			results[name] = append(results[name], res)
			fmt.Printf("%-5d %-6s %12.0f %8d %14d %10d\n", r, name, res.rps, res.conns, res.steady, res.timeWait)
		}
	}
	sdk, raw := median(results["sdk"]), median(results["raw"])
	fmt.Printf("\nmedian req/s of %d rounds (conns and TIME_WAIT: highest)\n", rounds)
	fmt.Printf("%-6s %12s %8s %14s %10s %10s\n", "client", "req/s", "conns", "after warm-up", "TIME_WAIT", "sdk/raw")
	fmt.Printf("%-6s %12.0f %8d %14d %10d %10.2f\n", "sdk", sdk.rps, sdk.conns, sdk.steady, sdk.timeWait, sdk.rps/raw.rps)
	fmt.Printf("%-6s %12.0f %8d %14d %10d\n", "raw", raw.rps, raw.conns, raw.steady, raw.timeWait)
	limit := int64(workers + 8)
	fmt.Printf("connections opened by the SDK: %d (limit %d: %s)\n", sdk.conns, limit, map[bool]string{true: "ok", false: "OVER"}[sdk.conns <= limit])
	return nil
}

// phase runs workers × calls through one client against a fresh server.
func phase(name string, workers, calls int) (result, error) {
	var conns atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+token || !strings.HasPrefix(r.URL.Path, "/api/v2/message/") {
				http.Error(w, `{"status":"error","code":400100,"message":"Unauthorized"}`, http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body)
		}),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	port := ln.Addr().(*net.TCPAddr).Port

	var call func(ctx context.Context, id string) error
	var closeIdle func()
	switch name {
	case "sdk":
		c, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(base))
		if err != nil {
			return result{}, err
		}
		call = func(ctx context.Context, id string) error {
			m, err := c.Messages.Get(ctx, id)
			if err == nil && m.Message.MessageID != "m1" {
				err = fmt.Errorf("decoded %+v", m.Message)
			}
			return err
		}
		closeIdle = c.CloseIdleConnections
	default:
		hc := &http.Client{Transport: chatadmin.NewTransport()}
		call = func(ctx context.Context, id string) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v2/message/"+id, nil)
			if err != nil {
				return err
			}
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("User-Agent", "chatadmin-go/"+chatadmin.Version)
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				_, _ = io.Copy(io.Discard, resp.Body)
				return fmt.Errorf("status %s", resp.Status)
			}
			var m chatadmin.MessageResult
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
				return err
			}
			if m.Message == nil || m.Message.MessageID != "m1" {
				return fmt.Errorf("decoded %+v", m.Message)
			}
			return nil
		}
		closeIdle = hc.CloseIdleConnections
	}

	ctx := context.Background()
	var wg sync.WaitGroup
	var firstErr atomic.Value
	var done, warm atomic.Int64
	warmAt := int64(workers * calls / 10)
	warm.Store(-1)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for range calls {
				if err := call(ctx, "m1"); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if done.Add(1) == warmAt {
					warm.Store(conns.Load())
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := firstErr.Load().(error); err != nil {
		return result{}, err
	}
	res := result{rps: float64(workers*calls) / elapsed.Seconds(), conns: conns.Load(), timeWait: timeWait(port)}
	if w := warm.Load(); w >= 0 {
		res.steady = res.conns - w
	}
	closeIdle()
	return res, nil
}

// timeWait counts the loopback sockets of port in TIME_WAIT (state 06).
func timeWait(port int) int {
	n := 0
	hexPort := fmt.Sprintf(":%04X", port)
	for _, path := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "06" {
				continue
			}
			if strings.HasSuffix(fields[1], hexPort) || strings.HasSuffix(fields[2], hexPort) {
				n++
			}
		}
		f.Close()
	}
	return n
}

func median(rs []result) result {
	rps := make([]float64, len(rs))
	var out result
	for i, r := range rs {
		rps[i] = r.rps
		out.conns = max(out.conns, r.conns)
		out.steady = max(out.steady, r.steady)
		out.timeWait = max(out.timeWait, r.timeWait)
	}
	slices.Sort(rps)
	out.rps = rps[len(rps)/2]
	return out
}
