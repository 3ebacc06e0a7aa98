// Package ratebench runs the rate-limit figures of BENCHMARKS.md: many
// global bans (Users.Ban, one id each) against the emulator limited to a
// tenant rate, from one or several processes, with or without a client-side
// limiter. The commands internal/cmd/ratebench (no limiter, adaptive) and
// redislimit/internal/cmd/ratebench (also the shared Redis limiter) are
// thin mains over Main.
package ratebench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// binWidth is the resolution of the per-time counts.
const binWidth = 100 * time.Millisecond

// Config is one run, as the flags give it.
type Config struct {
	Rate     float64       // the emulator's tenant limit, requests per second
	Burst    int           // the emulator's bucket
	Requests int           // bans in all, over every process
	Workers  int           // concurrent calls per process
	Procs    int           // processes sharing the tenant
	Limiter  string        // the client-side limiter mode
	Warmup   time.Duration // the start left out of the steady-state figures
	Redis    string        // Redis address for the shared limiter ("" starts one, where supported)

	// Set by the parent for its children.
	child    bool
	url      string
	start    int64 // unix nanoseconds every process starts at
	first    int   // the first user index of this process
	redisKey string
}

// Env is what a limiter factory may use.
type Env struct {
	Config
	RedisKey string // unique to the run, shared by its processes
}

// Factory builds the limiter of a mode for one process; nil for none. The
// cleanup (may be nil) runs when the process is done.
type Factory func(env Env) (chatadmin.Limiter, func(), error)

// Result is what one process measured: per 100 ms bin since the common
// start, how many attempts succeeded, were throttled or failed otherwise,
// and how many calls ended in an error.
type Result struct {
	OK        []int `json:"ok"`
	Throttled []int `json:"throttled"`
	Other     []int `json:"other"`
	Failed    int   `json:"failed"`
	Calls     int   `json:"calls"`
}

// Main parses args and runs; it returns the exit code.
func Main(args []string, stdout, stderr io.Writer, factories map[string]Factory, prepare func(*Config) (func(), error)) int {
	cfg, err := parse(args, stderr, factories)
	if err != nil {
		return 2
	}
	if err := run(cfg, stdout, factories, prepare); err != nil {
		fmt.Fprintln(stderr, "ratebench:", err)
		return 1
	}
	return 0
}

func parse(args []string, stderr io.Writer, factories map[string]Factory) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("ratebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Float64Var(&cfg.Rate, "rate", 200, "the emulator's tenant limit, requests per second")
	fs.IntVar(&cfg.Burst, "burst", 20, "the emulator's bucket size")
	fs.IntVar(&cfg.Requests, "requests", 10_000, "bans in all")
	fs.IntVar(&cfg.Workers, "workers", 64, "concurrent calls per process")
	fs.IntVar(&cfg.Procs, "procs", 1, "processes sharing the tenant (the command starts itself)")
	fs.StringVar(&cfg.Limiter, "limiter", "adaptive", "client-side limiter: one of the modes this command knows")
	fs.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "the start left out of the steady-state figures")
	fs.StringVar(&cfg.Redis, "redis", "", "Redis address for -limiter redis (empty: start a redis-server from PATH)")
	fs.BoolVar(&cfg.child, "child", false, "internal: run as one of -procs processes")
	fs.StringVar(&cfg.url, "url", "", "internal: the emulator's URL")
	fs.Int64Var(&cfg.start, "start", 0, "internal: common start, unix nanoseconds")
	fs.IntVar(&cfg.first, "first", 0, "internal: first user index")
	fs.StringVar(&cfg.redisKey, "redis-key", "", "internal: the run's Redis key")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if _, ok := factories[cfg.Limiter]; !ok {
		fmt.Fprintf(stderr, "ratebench: unknown -limiter %q\n", cfg.Limiter)
		return cfg, errors.New("bad flag")
	}
	if cfg.Rate <= 0 || cfg.Requests < 1 || cfg.Workers < 1 || cfg.Procs < 1 {
		fmt.Fprintln(stderr, "ratebench: -rate, -requests, -workers and -procs must be positive")
		return cfg, errors.New("bad flag")
	}
	return cfg, nil
}

func run(cfg Config, stdout io.Writer, factories map[string]Factory, prepare func(*Config) (func(), error)) error {
	if cfg.child {
		res, err := runProcess(cfg, factories[cfg.Limiter])
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(res)
	}
	if prepare != nil {
		cleanup, err := prepare(&cfg)
		if err != nil {
			return err
		}
		if cleanup != nil {
			defer cleanup()
		}
	}
	srv := chatadmintest.NewServer(chatadmintest.WithRateLimit(cfg.Rate, cfg.Burst), chatadmintest.WithRequestLogLimit(1))
	defer srv.Close()
	for i := range cfg.Requests {
		srv.AddUser(userID(i), "")
	}
	cfg.url = srv.URL
	cfg.redisKey = fmt.Sprintf("ratebench:%d", time.Now().UnixNano())
	var results []Result
	if cfg.Procs == 1 {
		cfg.start = time.Now().UnixNano()
		res, err := runProcess(cfg, factories[cfg.Limiter])
		if err != nil {
			return err
		}
		results = append(results, res)
	} else {
		var err error
		if results, err = runChildren(cfg); err != nil {
			return err
		}
	}
	report(stdout, cfg, merge(results))
	if len(results) > 1 {
		shares(stdout, cfg, results)
	}
	return nil
}

// shares prints each process's successes, and the spread (the largest
// share over the smallest: 1.00 is a fair split), twice: over the whole
// run, which includes each limiter's first burst and its ramp, and from the
// end of the warmup, the steady state the targets are about. Both
// stop at the first bin where any process ran out of work: after it the
// others have the limit to themselves.
func shares(w io.Writer, cfg Config, results []Result) {
	end := -1
	for _, r := range results {
		last := 0
		for i, v := range r.OK {
			if v > 0 {
				last = i
			}
		}
		if end < 0 || last < end {
			end = last
		}
	}
	shareLine(w, "  shares, whole run to the first process's end:", results, 0, end)
	from := int(cfg.Warmup / binWidth)
	if end <= from {
		fmt.Fprintln(w, "  shares:      (a process finished within the warmup)")
		return
	}
	shareLine(w, fmt.Sprintf("  shares after %s, to the first process's end:", cfg.Warmup), results, from, end)
}

// shareLine prints the processes' successes in bins [from, end) and their
// spread.
func shareLine(w io.Writer, label string, results []Result, from, end int) {
	lo, hi := -1, 0
	fmt.Fprint(w, label)
	for _, r := range results {
		n := 0
		for i := from; i < end && i < len(r.OK); i++ {
			n += r.OK[i]
		}
		fmt.Fprintf(w, " %d", n)
		hi = max(hi, n)
		if lo < 0 || n < lo {
			lo = n
		}
	}
	if lo == 0 {
		fmt.Fprintln(w, "; spread: one process got nothing")
		return
	}
	fmt.Fprintf(w, "; spread %.2f×\n", float64(hi)/float64(lo))
}

func userID(i int) string { return "u" + strconv.Itoa(i) }

// runChildren starts the command -procs times, each with its share of the
// users and the same start time, and collects their results.
func runChildren(cfg Config) ([]Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	start := time.Now().Add(time.Second).UnixNano() // time for the children to start
	results := make([]Result, cfg.Procs)
	errs := make([]error, cfg.Procs)
	var wg sync.WaitGroup
	first := 0
	for p := range cfg.Procs {
		n := cfg.Requests / cfg.Procs
		if p < cfg.Requests%cfg.Procs {
			n++
		}
		args := []string{"-child", "-url", cfg.url, "-start", strconv.FormatInt(start, 10),
			"-first", strconv.Itoa(first), "-requests", strconv.Itoa(n),
			"-workers", strconv.Itoa(cfg.Workers), "-procs", strconv.Itoa(cfg.Procs),
			"-rate", strconv.FormatFloat(cfg.Rate, 'f', -1, 64), "-burst", strconv.Itoa(cfg.Burst),
			"-limiter", cfg.Limiter, "-redis", cfg.Redis, "-redis-key", cfg.redisKey}
		first += n
		cmd := exec.Command(exe, args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[p] = json.NewDecoder(bufio.NewReader(out)).Decode(&results[p])
			_, _ = io.Copy(io.Discard, out)
			if err := cmd.Wait(); err != nil && errs[p] == nil {
				errs[p] = fmt.Errorf("process %d: %w", p, err)
			}
		}()
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// runProcess bans its users with Workers concurrent calls through one
// Client and counts every attempt's answer by time.
func runProcess(cfg Config, factory Factory) (Result, error) {
	lim, cleanup, err := factory(Env{Config: cfg, RedisKey: cfg.redisKey})
	if err != nil {
		return Result{}, err
	}
	if cleanup != nil {
		defer cleanup()
	}
	start := time.Unix(0, cfg.start)
	ct := &countingTransport{next: chatadmin.NewTransport(), start: start}
	opts := []chatadmin.Option{chatadmin.WithBaseURL(cfg.url), chatadmin.WithHTTPClient(&http.Client{Transport: ct})}
	switch {
	case lim != nil:
		opts = append(opts, chatadmin.WithRateLimiter(lim))
	case cfg.Limiter == "none":
		opts = append(opts, chatadmin.WithoutRateLimiter())
	}
	client, err := chatadmin.NewClient(chatadmintest.DefaultToken, opts...)
	if err != nil {
		return Result{}, err
	}
	defer client.CloseIdleConnections()
	time.Sleep(time.Until(start))

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.Requests {
					return
				}
				if err := client.Users.Ban(context.Background(), userID(cfg.first+i)); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	res := ct.result()
	res.Failed, res.Calls = int(failed.Load()), cfg.Requests
	return res, nil
}

// countingTransport counts each attempt's answer in its time bin.
type countingTransport struct {
	next  http.RoundTripper
	start time.Time

	mu                   sync.Mutex
	ok, throttled, other []int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	bin := int(time.Since(c.start) / binWidth)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.ok) <= bin {
		c.ok, c.throttled, c.other = append(c.ok, 0), append(c.throttled, 0), append(c.other, 0)
	}
	switch {
	case err != nil:
		c.other[bin]++
	case resp.StatusCode == http.StatusTooManyRequests:
		c.throttled[bin]++
	case resp.StatusCode/100 == 2:
		c.ok[bin]++
	default:
		c.other[bin]++
	}
	return resp, err
}

func (c *countingTransport) result() Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Result{OK: c.ok, Throttled: c.throttled, Other: c.other}
}

// merge adds the processes' bins.
func merge(rs []Result) Result {
	var m Result
	add := func(dst *[]int, src []int) {
		for len(*dst) < len(src) {
			*dst = append(*dst, 0)
		}
		for i, v := range src {
			(*dst)[i] += v
		}
	}
	for _, r := range rs {
		add(&m.OK, r.OK)
		add(&m.Throttled, r.Throttled)
		add(&m.Other, r.Other)
		m.Failed += r.Failed
		m.Calls += r.Calls
	}
	return m
}

// report prints the figures: the whole run, and the steady state from the
// end of the warmup to the last success.
func report(w io.Writer, cfg Config, r Result) {
	last := 0
	for i, v := range r.OK {
		if v > 0 {
			last = i
		}
	}
	from := int(cfg.Warmup / binWidth)
	sum := func(bins []int, lo, hi int) int {
		n := 0
		for i := lo; i <= hi && i < len(bins); i++ {
			n += bins[i]
		}
		return n
	}
	allOK, allThr, allOther := sum(r.OK, 0, last), sum(r.Throttled, 0, len(r.Throttled)), sum(r.Other, 0, len(r.Other))
	fmt.Fprintf(w, "limiter=%s procs=%d workers=%d limit=%g rps burst=%d calls=%d\n",
		cfg.Limiter, cfg.Procs, cfg.Workers, cfg.Rate, cfg.Burst, r.Calls)
	fmt.Fprintf(w, "  whole run:   %.1f s, %d ok, %d throttled (%.2f%% of %d attempts), %d other, %d calls failed\n",
		float64(last+1)*binWidth.Seconds(), allOK, allThr, pct(allThr, allOK+allThr+allOther),
		allOK+allThr+allOther, allOther, r.Failed)
	if last < from {
		fmt.Fprintf(w, "  after %s:    (the run ended within the warmup)\n", cfg.Warmup)
		return
	}
	ok, thr, other := sum(r.OK, from, last), sum(r.Throttled, from, last), sum(r.Other, from, last)
	secs := float64(last+1-from) * binWidth.Seconds()
	fmt.Fprintf(w, "  after %s:    achieved %.1f rps (%.3f × limit), %.2f%% throttled (%d of %d attempts)\n",
		cfg.Warmup, float64(ok)/secs, float64(ok)/secs/cfg.Rate, pct(thr, ok+thr+other), thr, ok+thr+other)
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
