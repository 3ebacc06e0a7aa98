// Command loadbench runs many concurrent calls through the SDK against a
// loopback server, next to the same calls written by hand with net/http
// over a transport with the SDK's default settings, in one run (issue 6
// §3, issue 19):
//
//	go run ./internal/cmd/loadbench -runs 5            # 64 × 20,000 calls a phase
//	go run ./internal/cmd/loadbench -workers 8 -calls 200 -runs 1
//
// A run is an SDK phase and a raw phase; each phase gets a fresh server
// and a fresh client. Every worker first makes -warmup calls, which open
// the connections; then the timed calls are made in -turns turns, the two
// phases taking turns in an order rotated from turn to turn, so that the
// machine's drift during a run reaches both alike. It reports requests per
// second and CPU per call of the timed part, the connections the server accepted during warm-up and after it,
// the connections closed during the phase (http.Server.ConnState), and
// the sockets of the server's port left in TIME_WAIT (from /proc/net/tcp
// and tcp6) when the phase ends, before the client closes its idle
// connections. It ends with the SDK/raw ratios of each run, their medians
// and spreads.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/internal/paired"
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
	calls := flag.Int("calls", 20_000, "timed calls per goroutine")
	warmup := flag.Int("warmup", 20, "untimed calls per goroutine before the timed ones")
	runs := flag.Int("runs", 5, "runs, each an SDK and a raw phase; medians and spreads are reported")
	turns := flag.Int("turns", 10, "turns per run: the timed calls of each phase are split into this many, alternated")
	flag.Parse()
	if err := run(*workers, *calls, *warmup, *runs, max(1, min(*turns, *calls))); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

type result struct {
	rps      float64
	cpu      time.Duration // process CPU (client and server) per timed call
	warm     int64         // connections the server accepted during warm-up
	steady   int64         // connections it accepted during the timed calls
	closed   int64         // connections closed during the phase
	timeWait int
}

func run(workers, calls, warmup, runs, turns int) error {
	fmt.Printf("loadbench: %d goroutines × (%d warm-up + %d timed) calls of GET /api/v2/message/:messageId, in %d alternated turns, %d runs, %s, GOMAXPROCS=%d\n",
		workers, warmup, calls, turns, runs, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("%-4s %-6s %12s %12s %9s %12s %12s %8s %10s\n", "run", "client", "req/s", "cpu/call", "CPUs busy", "conns warm", "conns timed", "closed", "TIME_WAIT")
	var rps, cpu paired.Ratios
	maxConns := int64(0)
	names := []string{"sdk", "raw"}
	for r := range runs {
		phases := map[string]*phase{}
		for _, name := range names {
			p, err := newPhase(name)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			defer p.stop()
			if err := p.turn(workers, warmup); err != nil {
				return fmt.Errorf("%s: warm-up: %w", name, err)
			}
			p.warm = p.conns.Load()
			p.elapsed, p.cpu = 0, 0
			phases[name] = p
		}
		for t := range turns {
			n := calls/turns + btoi(t < calls%turns) // every timed call, in turns of nearly equal size
			for _, name := range paired.Order(names, r*turns+t) {
				if err := phases[name].turn(workers, n); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		res := map[string]result{}
		for _, name := range names {
			p := phases[name]
			n := workers * calls
			res[name] = result{rps: float64(n) / p.elapsed.Seconds(), cpu: p.cpu / time.Duration(max(n, 1)), warm: p.warm,
				steady: p.conns.Load() - p.warm, closed: p.closed.Load(), timeWait: timeWait(p.port)}
			p.stop()
		}
		for _, name := range paired.Order(names, r) {
			p := res[name]
			maxConns = max(maxConns, p.warm+p.steady)
			// CPUs busy is the process's share of the machine: well under
			// GOMAXPROCS means other processes had the CPUs, or the
			// client waited.
			fmt.Printf("%-4d %-6s %12.0f %12v %9.2f %12d %12d %8d %10d\n", r+1, name, p.rps, p.cpu,
				p.rps*p.cpu.Seconds(), p.warm, p.steady, p.closed, p.timeWait)
		}
		rps = append(rps, res["sdk"].rps/res["raw"].rps)
		if res["raw"].cpu > 0 {
			cpu = append(cpu, float64(res["sdk"].cpu)/float64(res["raw"].cpu))
		}
	}
	fmt.Printf("\nSDK/raw req/s:    %s\n", rps)
	if len(cpu) > 0 {
		fmt.Printf("SDK/raw cpu/call: %s\n", cpu)
	}
	limit := int64(workers + 8)
	fmt.Printf("most connections a phase opened: %d (limit %d: %s)\n", maxConns, limit, map[bool]string{true: "ok", false: "OVER"}[maxConns <= limit])
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phase is one client with its own server, for one run.
type phase struct {
	call          func(ctx context.Context, id string) error
	stop          func() // closes the client's idle connections and the server; idempotent
	port          int
	conns, closed atomic.Int64 // connections the server accepted and saw closed
	warm          int64        // connections accepted by the end of warm-up
	elapsed, cpu  time.Duration
}

// newPhase starts a server and the client name ("sdk" or "raw") for it.
func newPhase(name string) (*phase, error) {
	p := &phase{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
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
			switch s {
			case http.StateNew:
				p.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				p.closed.Add(1)
			}
		},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	p.port = ln.Addr().(*net.TCPAddr).Port

	var closeIdle func()
	switch name {
	case "sdk":
		c, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(base))
		if err != nil {
			_ = srv.Close()
			return nil, err
		}
		p.call = func(ctx context.Context, id string) error {
			m, err := c.Messages.Get(ctx, id)
			if err == nil && m.Message.MessageID != "m1" {
				err = fmt.Errorf("decoded %+v", m.Message)
			}
			return err
		}
		closeIdle = c.CloseIdleConnections
	default:
		hc := &http.Client{Transport: chatadmin.NewTransport()}
		p.call = func(ctx context.Context, id string) error {
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
	p.stop = sync.OnceFunc(func() {
		closeIdle()
		_ = srv.Close()
	})
	return p, nil
}

// turn has every worker make n calls, all starting together, and adds
// the time and process CPU they took to the phase's.
func (p *phase) turn(workers, n int) error {
	ctx := context.Background()
	var wg, ready sync.WaitGroup
	var firstErr atomic.Value
	start := make(chan struct{})
	ready.Add(workers)
	for range workers {
		wg.Go(func() {
			ready.Done()
			<-start
			for range n {
				if err := p.call(ctx, "m1"); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	ready.Wait()
	cpu0, t0 := paired.CPU(), time.Now()
	close(start)
	wg.Wait()
	p.elapsed += time.Since(t0)
	p.cpu += paired.CPU() - cpu0
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	return nil
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
