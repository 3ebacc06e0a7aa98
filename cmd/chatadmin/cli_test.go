package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/bulk"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// newTestApp is an app on buffers, its environment from env.
func newTestApp(env map[string]string) (*app, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}, &out, &errb
}

// kebab turns a Go method name into a verb: BanUsers -> ban-users.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestEveryOperationHasAVerb walks the Client's services by reflection:
// every exported method (Pages and All are --all of list) must be a verb
// of the service's command, so that an operation added to the SDK without
// a verb fails here.
func TestEveryOperationHasAVerb(t *testing.T) {
	a, _, _ := newTestApp(nil)
	root := a.rootCmd()
	ct := reflect.TypeFor[chatadmin.Client]()
	ops := 0
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type.Elem().Name(), "Service") {
			continue
		}
		svc, _, err := root.Find([]string{strings.ToLower(f.Name)})
		if err != nil || svc == root {
			t.Errorf("no command for service %s", f.Name)
			continue
		}
		for j := range f.Type.NumMethod() {
			m := f.Type.Method(j)
			if m.Name == "Pages" || m.Name == "All" {
				continue
			}
			ops++
			verb := kebab(m.Name)
			if c, _, err := svc.Find([]string{verb}); err != nil || c == svc {
				t.Errorf("no verb %s %s for %s.%s", svc.Name(), verb, f.Name, m.Name)
			}
		}
	}
	if ops != 39 {
		t.Errorf("found %d operations, the README's table has 39", ops)
	}
}

// TestDocsCurrent regenerates docs/cli into a temporary directory and
// fails if the committed reference differs (run `go run ./cmd/chatadmin
// gen-docs docs/cli` after changing a command).
func TestDocsCurrent(t *testing.T) {
	dir := t.TempDir()
	a, _, _ := newTestApp(nil)
	if err := genDocs(a.rootCmd(), dir); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "docs", "cli")
	want, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	have, _ := filepath.Glob(filepath.Join(committed, "*.md"))
	if len(want) != len(have) {
		t.Errorf("docs/cli has %d files, the commands make %d: run go run ./cmd/chatadmin gen-docs docs/cli", len(have), len(want))
	}
	for _, w := range want {
		wb, _ := os.ReadFile(w)
		hb, err := os.ReadFile(filepath.Join(committed, filepath.Base(w)))
		if err != nil || !bytes.Equal(wb, hb) {
			t.Errorf("docs/cli/%s is not current: run go run ./cmd/chatadmin gen-docs docs/cli", filepath.Base(w))
		}
	}
}

// TestLibraryDoesNotImportCLIDeps checks that the SDK package's import
// graph gains nothing from the CLI: programs that import the SDK must not
// compile cobra, the YAML encoder or x/term.
func TestLibraryDoesNotImportCLIDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goBin, "list", "-deps", "../..").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"spf13/cobra", "spf13/pflag", "progressbar", "isatty", "golang.org/x/term", "yaml", "go-internal"} {
			if strings.Contains(dep, bad) {
				t.Errorf("the chatadmin package depends on %s", dep)
			}
		}
	}
}

// TestBinaryToTerminalRefused: a download with no --out on a terminal is
// refused before anything is sent (a script's stdout never is one, so the
// scripts cannot show it).
func TestBinaryToTerminalRefused(t *testing.T) {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	a, out, errb := newTestApp(map[string]string{"CHATADMIN_BASE_URL": srv.URL, "CHATADMIN_TOKEN": srv.Token()})
	a.stdoutTTY = true
	if code := a.execute(context.Background(), []string{"messages", "get-file", "65000000daa66d2c7ddf743f"}); code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, errb)
	}
	if want := "chatadmin: refusing to write binary data to a terminal: give --out FILE or redirect stdout\n"; errb.String() != want {
		t.Errorf("stderr %q, want %q", errb, want)
	}
	if out.Len() != 0 || len(srv.Requests()) != 0 {
		t.Errorf("stdout %q, %d requests; want nothing", out, len(srv.Requests()))
	}
}

// TestTableByDefaultOnTerminal: a terminal gets a table, a pipe JSON.
func TestTableByDefaultOnTerminal(t *testing.T) {
	srv := chatadmintest.NewServer(chatadmintest.WithDemoData())
	defer srv.Close()
	env := map[string]string{"CHATADMIN_BASE_URL": srv.URL, "CHATADMIN_TOKEN": srv.Token()}
	for _, tty := range []bool{true, false} {
		a, out, errb := newTestApp(env)
		a.stdoutTTY = tty
		if code := a.execute(context.Background(), []string{"roles", "list"}); code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		if got := strings.HasPrefix(out.String(), "ROLE "); got != tty {
			t.Errorf("tty=%v: output %q", tty, out)
		}
	}
}

// TestProgressBar: the bar shows done/total, rate and ETA, fits the
// width, and clear erases it (the summary line must start on a clean
// line).
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := &progressBar{w: &b, width: 60, total: 200}
	bar.update(bulk.Progress{Done: 50, Failed: 1, Rate: 10, Total: -1})
	line := b.String()
	if !strings.HasPrefix(line, "\r[") || !strings.Contains(line, " 51/200  10/s  ETA 15s  1 failed") || !strings.HasSuffix(line, "\x1b[K") {
		t.Errorf("bar %q", line)
	}
	// It leaves barMargin columns free: a full line wraps when the
	// terminal echoes ^C after it, and clear would miss the first part.
	if n := len(strings.TrimSuffix(strings.TrimPrefix(line, "\r"), "\x1b[K")); n > 60-barMargin || barMargin < 2 {
		t.Errorf("bar is %d columns, the terminal %d: no room for ^C", n, 60)
	}
	if filled := strings.Count(line, "="); filled == 0 || filled > 60/4 {
		t.Errorf("%d of the bar filled for a quarter done: %q", filled, line)
	}
	// Within redrawEvery of the last draw, nothing is drawn.
	b.Reset()
	bar.update(bulk.Progress{Done: 51, Rate: 10})
	if b.Len() != 0 {
		t.Errorf("redrawn at once: %q", b.String())
	}
	bar.last = time.Time{}
	bar.update(bulk.Progress{Done: 52, Rate: 10})
	b.Reset()
	bar.clear()
	if b.String() != "\r\x1b[K" {
		t.Errorf("clear wrote %q", b.String())
	}
	b.Reset()
	bar.clear()
	if b.Len() != 0 {
		t.Errorf("second clear wrote %q", b.String())
	}
	// An unknown total (ids from stdin): counts and rate, no bar, no ETA.
	b.Reset()
	(&progressBar{w: &b, width: 60, total: -1}).update(bulk.Progress{Done: 7, Rate: 3})
	if got := b.String(); got != "\r 7  3/s\x1b[K" {
		t.Errorf("unknown total: %q", got)
	}
}

// TestCleanToken covers the token file rules.
func TestCleanToken(t *testing.T) {
	for in, want := range map[string]string{"abc\n": "abc", "abc\r\n": "abc", "abc": "abc", "a b\n": "a b"} {
		if got, err := cleanToken(in); err != nil || got != want {
			t.Errorf("cleanToken(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "abc\n\n", "a\rb", "abc\r", "a\x00b", "a\tb", "abc\x7f"} {
		if _, err := cleanToken(in); err == nil {
			t.Errorf("cleanToken(%q) accepted", in)
		}
	}
}

// TestShellQuote: what the dry run prints is read back by sh as the same
// words.
func TestShellQuote(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"plain", "it's", "a b", "$HOME", "`id`", "'", "", "x\ny", `back\slash`, "tags[]=a", "!"} {
		out, err := exec.Command(sh, "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("shellQuote(%q) = %s read back as %q (%v)", s, shellQuote(s), out, err)
		}
	}
}

// TestRateFlagIsTheLimiterCeiling: --rate of a bulk verb paces the
// client's requests (the adaptive limiter starts at the ceiling); without
// it the client still has the limiter, unpaced until throttled (reported as
// rate 0: not pacing).
func TestRateFlagIsTheLimiterCeiling(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want float64
	}{{[]string{"--rate", "7"}, 7}, {nil, 0}} {
		a, _, _ := newTestApp(map[string]string{"CHATADMIN_BASE_URL": "https://chat.example.test", "CHATADMIN_TOKEN": "t"})
		ban, _, err := a.rootCmd().Find([]string{"users", "ban"})
		if err != nil {
			t.Fatal(err)
		}
		if err := ban.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		c, err := a.client()
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Stats().LimiterRate; got != tc.want {
			t.Errorf("%v: limiter rate %g, want %g", tc.args, got, tc.want)
		}
	}
}

// syncBuffer is a bytes.Buffer written by one goroutine and read by
// another, that signals its first write.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.once.Do(func() { close(w.first) })
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestEmulatorCommand: `chatadmin emulator` prints export lines that work
// for the next command, and shuts down cleanly when its context ends (as
// on Ctrl-C).
func TestEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{first: make(chan struct{})}
	a := &app{stdin: strings.NewReader(""), stdout: out, stderr: io.Discard, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- a.execute(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--demo", "--token", "tok"})
	}()
	select {
	case <-out.first:
	case code := <-done:
		t.Fatalf("emulator exited %d", code)
	}
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		env[k] = v
	}
	if env["CHATADMIN_TOKEN"] != "tok" || !strings.HasPrefix(env["CHATADMIN_BASE_URL"], "http://127.0.0.1:") {
		t.Fatalf("exports %v", env)
	}
	b, stdout, errb := newTestApp(env)
	if code := b.execute(context.Background(), []string{"users", "list", "--filter", "flagged", "-o", "jsonl"}); code != 0 || !strings.Contains(stdout.String(), `"publicId":"carol"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errb)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("emulator exit %d after its context ended", code)
	}
}
