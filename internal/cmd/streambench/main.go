// Command streambench measures streaming uploads and downloads through the
// SDK against a loopback server, next to the same transfers written by hand
// with net/http and a bare TCP io.Copy, all in one run (issue 6 §2, issue
// 19):
//
//	go run ./internal/cmd/streambench -runs 5          # 1 GiB a transfer
//	go run ./internal/cmd/streambench -size 4MiB -runs 1
//
// A run transfers the size up with the three clients, then down, each
// direction's three phases in an order rotated from run to run. For each
// run it prints the SDK's throughput over the hand-written net/http
// client's and over bare TCP's, and the same ratios of CPU time per byte
// (process: client and server); then their medians and spreads.
//
// The file is generated as it is read (a repeating pattern behind an
// io.ReaderAt), and the server counts what it receives and generates what
// it sends, so neither side holds the file: the process's peak RSS is what
// the transfers themselves cost. Peak RSS is VmHWM from /proc/self/status,
// reset before each phase through /proc/self/clear_refs so that each phase
// reports its own peak; the run's overall peak, the highest of those and
// of the start-up's, is printed at the end. (getrusage's ru_maxrss is no
// use here: under go run it includes the RSS of the go command that
// forked the program.)
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/internal/paired"
)

const token = "streambench-token"

func main() {
	size := flag.String("size", "1GiB", "bytes to upload and to download (suffixes KiB, MiB, GiB)")
	runs := flag.Int("runs", 5, "runs of every phase; per-run ratios, medians and spreads are reported")
	flag.Parse()
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "streambench:", err)
		os.Exit(2)
	}
	if err := run(n, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "streambench:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad -size %q", s)
	}
	return v * mult, nil
}

// pattern is the generated file: a 64 KiB block of pseudo-random bytes
// repeated, readable at any offset without holding more than the block.
type pattern struct{ block []byte }

func newPattern() *pattern {
	b := make([]byte, 64<<10)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return &pattern{b}
}

func (p *pattern) ReadAt(dst []byte, off int64) (int, error) {
	n := 0
	for n < len(dst) {
		i := int((off + int64(n)) % int64(len(p.block)))
		n += copy(dst[n:], p.block[i:])
	}
	return n, nil
}

// stream is an io.Reader of size bytes of the pattern.
func (p *pattern) stream(size int64) io.Reader { return io.NewSectionReader(p, 0, size) }

// server is the loopback API: it streams uploads into a counter and
// downloads out of the pattern.
type server struct {
	pat      *pattern
	size     int64
	received chan uploadResult
}

type uploadResult struct {
	n   int64
	crc uint32
	err error
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+token {
		http.Error(w, `{"status":"error","code":400100,"message":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	switch {
	case r.Method == http.MethodPost && (r.URL.Path == "/api/v2/messages/files" || r.URL.Path == "/api/v2/messages/images"):
		s.upload(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v2/messages/") && strings.HasSuffix(r.URL.Path, "/files"):
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(s.size, 10))
		_, _ = io.Copy(w, s.pat.stream(s.size))
	default:
		http.Error(w, `{"status":"error","code":400400,"message":"Not found"}`, http.StatusNotFound)
	}
}

// upload counts the body's bytes. Asked to check (X-Checksum), it reads
// the multipart body part by part as a real server would and checksums the
// file part; the timed phases skip that parsing, which would cost this
// two-core machine's CPU the same for the SDK and the hand-written client,
// so that the figures show what the clients cost.
func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Checksum") == "" {
		n, err := io.Copy(io.Discard, r.Body)
		if err == nil && n != r.ContentLength {
			err = fmt.Errorf("body of %d bytes, Content-Length %d", n, r.ContentLength)
		}
		if err == nil && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data; boundary=") {
			err = fmt.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		s.received <- uploadResult{n: n, err: err}
		s.reply(w, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var res uploadResult
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.err = err
			break
		}
		if part.FormName() == "file" {
			h := crc32.NewIEEE()
			res.n, res.err = io.Copy(h, part)
			res.crc = h.Sum32()
		}
	}
	s.received <- res
	s.reply(w, res.err)
}

// reply answers an upload as the API does: the new file message.
func (s *server) reply(w http.ResponseWriter, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{
		"messages": []any{map[string]any{"messageId": "m1", "channelId": "bench", "userId": "admin", "type": "file",
			"data": map[string]any{"fileId": "f1", "fileName": "big.bin"}}},
		"users": []any{map[string]any{"userId": "admin"}}}})
}

// tcpFloor is a bare TCP listener: for an upload it reads the socket to
// the end, for a download it writes size bytes and closes.
func tcpFloor(ln net.Listener, pat *pattern, size int64, done chan<- int64) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			var mode [1]byte
			if _, err := io.ReadFull(conn, mode[:]); err != nil {
				return
			}
			if mode[0] == 'u' {
				n, _ := io.Copy(io.Discard, conn)
				done <- n
				return
			}
			_, _ = io.Copy(conn, pat.stream(size))
		}()
	}
}

type phase struct {
	name string
	run  func() (int64, error)
}

type measured struct {
	mibps float64
	cpu   time.Duration // process CPU time of the transfer
	hwm   int64         // KiB
}

func run(size int64, runs int) error {
	pat := newPattern()
	srv := &server{pat: pat, size: size, received: make(chan uploadResult, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	tcpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer tcpLn.Close()
	tcpUploaded := make(chan int64, 1)
	go tcpFloor(tcpLn, pat, size, tcpUploaded)

	client, err := chatadmin.NewClient(token, chatadmin.WithBaseURL(base))
	if err != nil {
		return err
	}
	// The hand-written client gets the SDK's default transport settings.
	raw := &http.Client{Transport: chatadmin.NewTransport()}
	ctx := context.Background()

	if err := check(ctx, client, srv, pat); err != nil {
		return fmt.Errorf("correctness check: %w", err)
	}
	// The peak of the whole run is the highest of the peaks between
	// resets: this one (start-up and the check) and each phase's.
	runPeak := peakRSSKiB()

	sdkUpload := func() (int64, error) {
		f := chatadmin.FileFromReaderAt(pat, size, "big.bin")
		f.ContentType = "application/octet-stream"
		if _, err := client.Messages.CreateFile(ctx, "bench", &chatadmin.FileMessageRequest{File: f}); err != nil {
			return 0, err
		}
		return uploaded(srv, size)
	}
	rawUpload := func() (int64, error) {
		body, length, ct := rawMultipart(pat, size)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v2/messages/files", body)
		if err != nil {
			return 0, err
		}
		req.ContentLength = length
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", ct)
		resp, err := raw.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("raw upload: %s", resp.Status)
		}
		return uploaded(srv, size)
	}
	tcpUpload := func() (int64, error) {
		conn, err := net.Dial("tcp", tcpLn.Addr().String())
		if err != nil {
			return 0, err
		}
		if _, err := conn.Write([]byte{'u'}); err != nil {
			conn.Close()
			return 0, err
		}
		_, err = io.Copy(conn, pat.stream(size))
		conn.Close()
		if err != nil {
			return 0, err
		}
		if n := <-tcpUploaded; n != size {
			return n, fmt.Errorf("tcp upload: server got %d bytes", n)
		}
		return size, nil
	}
	sdkDownload := func() (int64, error) {
		d, err := client.Messages.GetFile(ctx, "m1")
		if err != nil {
			return 0, err
		}
		return d.WriteTo(io.Discard)
	}
	rawDownload := func() (int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v2/messages/m1/files", nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := raw.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return io.Copy(io.Discard, resp.Body)
	}
	tcpDownload := func() (int64, error) {
		conn, err := net.Dial("tcp", tcpLn.Addr().String())
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		if _, err := conn.Write([]byte{'d'}); err != nil {
			return 0, err
		}
		return io.Copy(io.Discard, conn)
	}

	dirs := []struct {
		name   string
		phases []phase
	}{
		{"upload", []phase{{"sdk", sdkUpload}, {"raw net/http", rawUpload}, {"raw tcp", tcpUpload}}},
		{"download", []phase{{"sdk", sdkDownload}, {"raw net/http", rawDownload}, {"raw tcp", tcpDownload}}},
	}
	fmt.Printf("streambench: %d bytes (%s) per transfer, %d runs, %s, GOMAXPROCS=%d\n",
		size, formatSize(size), runs, runtime.Version(), runtime.GOMAXPROCS(0))
	fmt.Printf("%-4s %-9s %-13s %10s %14s %14s\n", "run", "direction", "client", "MiB/s", "CPU s/GiB", "peak RSS MiB")
	type ratios struct{ speedHTTP, speedTCP, cpuHTTP, cpuTCP paired.Ratios }
	sums := make([]ratios, len(dirs))
	peaks := map[string]int64{}
	for r := range runs {
		for d, dir := range dirs {
			got := map[string]measured{}
			for _, p := range paired.Order(dir.phases, r) {
				m, err := measure(p, size)
				if err != nil {
					return fmt.Errorf("%s %s: %w", dir.name, p.name, err)
				}
				got[p.name] = m
				runPeak = max(runPeak, m.hwm)
				peaks[dir.name+" "+p.name] = max(peaks[dir.name+" "+p.name], m.hwm)
				fmt.Printf("%-4d %-9s %-13s %10.0f %14.3f %14.1f\n", r+1, dir.name, p.name, m.mibps,
					m.cpu.Seconds()/(float64(size)/(1<<30)), float64(m.hwm)/1024)
			}
			sdk, http, tcp := got["sdk"], got["raw net/http"], got["raw tcp"]
			sums[d].speedHTTP = append(sums[d].speedHTTP, sdk.mibps/http.mibps)
			sums[d].speedTCP = append(sums[d].speedTCP, sdk.mibps/tcp.mibps)
			if http.cpu > 0 && tcp.cpu > 0 {
				sums[d].cpuHTTP = append(sums[d].cpuHTTP, float64(sdk.cpu)/float64(http.cpu))
				sums[d].cpuTCP = append(sums[d].cpuTCP, float64(sdk.cpu)/float64(tcp.cpu))
			}
		}
	}

	fmt.Println("\nSDK throughput over the others' (higher is better; per run, median, spread):")
	for d, dir := range dirs {
		fmt.Printf("  %-8s SDK/net/http %s\n", dir.name, sums[d].speedHTTP)
		fmt.Printf("  %-8s SDK/tcp      %s\n", dir.name, sums[d].speedTCP)
	}
	if len(sums[0].cpuTCP) > 0 {
		fmt.Println("SDK CPU per byte over the others' (lower is better):")
		for d, dir := range dirs {
			fmt.Printf("  %-8s SDK/net/http %s\n", dir.name, sums[d].cpuHTTP)
			fmt.Printf("  %-8s SDK/tcp      %s\n", dir.name, sums[d].cpuTCP)
		}
	}
	fmt.Println("highest peak RSS of any run:")
	for _, dir := range dirs {
		for _, p := range dir.phases {
			fmt.Printf("  %-8s %-13s %.1f MiB\n", dir.name, p.name, float64(peaks[dir.name+" "+p.name])/1024)
		}
	}
	fmt.Printf("\nwhole run: peak RSS %.1f MiB (VmHWM, all phases, the check and the server)\n", float64(runPeak)/1024)
	client.CloseIdleConnections()
	raw.CloseIdleConnections()
	return nil
}

// measure runs one phase from a clean heap and a reset peak-RSS mark.
func measure(p phase, size int64) (measured, error) {
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	cpu0, start := paired.CPU(), time.Now()
	n, err := p.run()
	elapsed, cpu := time.Since(start), paired.CPU()-cpu0
	if err != nil {
		return measured{}, err
	}
	if n != size {
		return measured{}, fmt.Errorf("moved %d of %d bytes", n, size)
	}
	return measured{mibps: float64(size) / (1 << 20) / elapsed.Seconds(), cpu: cpu, hwm: peakRSSKiB()}, nil
}

func uploaded(srv *server, size int64) (int64, error) {
	res := <-srv.received
	if res.err != nil {
		return res.n, res.err
	}
	if res.n < size {
		return res.n, fmt.Errorf("server got %d bytes, less than the file's %d", res.n, size)
	}
	return size, nil
}

// rawMultipart is the upload a hand-written client streams: the same
// multipart framing as the SDK's, around the generated file.
func rawMultipart(pat *pattern, size int64) (io.Reader, int64, string) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	_ = mw.WriteField("channelId", "bench")
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", "big.bin"))
	h.Set("Content-Type", "application/octet-stream")
	_, _ = mw.CreatePart(h)
	pre := bytes.Clone(head.Bytes())
	head.Reset()
	_ = mw.Close()
	trailer := head.Bytes()
	return io.MultiReader(bytes.NewReader(pre), pat.stream(size), bytes.NewReader(trailer)),
		int64(len(pre)) + size + int64(len(trailer)), mw.FormDataContentType()
}

// check sends 1 MiB each way through the SDK and compares checksums, so
// that the timed phases are known to move the right bytes.
func check(ctx context.Context, client *chatadmin.Client, srv *server, pat *pattern) error {
	const n = 1 << 20
	want := crc32.ChecksumIEEE(mustRead(pat.stream(n)))
	f := chatadmin.FileFromReaderAt(io.NewSectionReader(pat, 0, n), n, "check.bin")
	if _, err := client.Messages.CreateFile(ctx, "bench", &chatadmin.FileMessageRequest{File: f},
		chatadmin.WithHeader("X-Checksum", "1")); err != nil {
		return err
	}
	res := <-srv.received
	if res.err != nil || res.n != n || res.crc != want {
		return fmt.Errorf("upload: server got %d bytes, crc %08x, want %d, %08x (%v)", res.n, res.crc, n, want, res.err)
	}
	old := srv.size
	srv.size = n
	defer func() { srv.size = old }()
	d, err := client.Messages.GetFile(ctx, "m1")
	if err != nil {
		return err
	}
	h := crc32.NewIEEE()
	got, err := d.WriteTo(h)
	if err != nil || got != n || h.Sum32() != want {
		return fmt.Errorf("download: got %d bytes, crc %08x, want %d, %08x (%v)", got, h.Sum32(), n, want, err)
	}
	return nil
}

func mustRead(r io.Reader) []byte {
	b, err := io.ReadAll(r)
	if err != nil {
		panic(err)
	}
	return b
}

// resetPeakRSS resets VmHWM to the current RSS (Linux 4.0+).
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSSKiB is VmHWM, the peak resident set since the last reset.
func peakRSSKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kib
			}
		}
	}
	return -1
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
