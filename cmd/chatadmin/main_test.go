package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"
)

// leakChecked runs the tests, then fails the run if a goroutine was left
// behind (the emulators the scripts use must all be closed).
type leakChecked struct{ m *testing.M }

func (l leakChecked) Run() int {
	code := l.m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			return 1
		}
	}
	return code
}

// TestMain builds the chatadmin command once, without the race detector,
// and puts it first in $PATH for the scripts: they run the real main, in a
// real process (signals, terminals, exit codes), at the cost of a plain
// binary's start. Re-running the race-instrumented test binary for each of
// the scripts' hundreds of commands cost 74 s of CPU; the race detector
// still covers the CLI's code through the in-process tests (cli_test.go).
func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "chatadmin-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// $CHATADMIN_TEST_BIN runs the scripts against another build (an
	// older commit's, to see a new test fail before its fix).
	if bin := os.Getenv("CHATADMIN_TEST_BIN"); bin != "" {
		err = os.Symlink(bin, filepath.Join(dir, "chatadmin"))
	} else {
		err = buildCLI(filepath.Join(dir, "chatadmin"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.Setenv("PATH", dir+string(filepath.ListSeparator)+os.Getenv("PATH"))
	return leakChecked{m}.Run()
}

// buildCLI builds this package's command into out, with extra go build
// arguments (such as -ldflags).
func buildCLI(out string, args ...string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("building chatadmin for the scripts: %w", err)
	}
	cmd := exec.Command(goBin, append(append([]string{"build", "-o", out}, args...), ".")...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}

var update = flag.Bool("update", false, "rewrite the scripts' expected files with the actual output")

// fixedNow is the emulator's clock in the scripts, so that timestamps in
// the expected output do not change.
var fixedNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type srvKey struct{}

// TestScripts runs testdata/script/*.txtar against an emulator started
// for each script (demo data, a fixed clock), its URL and token in
// $CHATADMIN_BASE_URL and $CHATADMIN_TOKEN.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			srv := chatadmintest.NewServer(chatadmintest.WithDemoData(), chatadmintest.WithClock(func() time.Time { return fixedNow }),
				chatadmintest.WithRequestLogLimit(1<<20))
			env.Defer(srv.Close)
			env.Values[srvKey{}] = srv
			env.Setenv("CHATADMIN_BASE_URL", srv.URL)
			env.Setenv("EMULATOR_URL", srv.URL)
			env.Setenv("CHATADMIN_TOKEN", srv.Token())
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		// [ci]: the tests run under CI=true, where a tool a script
		// needs (curl) must be there rather than skipped.
		Condition: func(cond string) (bool, error) {
			if cond == "ci" {
				return os.Getenv("CI") != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"requests":  cmdRequests,
			"fault":     cmdFault,
			"exits":     cmdExits,
			"interrupt": cmdInterrupt,
			"genids":    cmdGenIDs,
			"genpng":    cmdGenPNG,
			"jsonvar":   cmdJSONVar,
			"printf":    cmdPrintf,
			"pty":       cmdPTY,
		},
	})
}

func server(ts *testscript.TestScript) *chatadmintest.Server {
	return ts.Value(srvKey{}).(*chatadmintest.Server)
}

// requests [-route 'METHOD /path'] [-distinct FIELD] N: the emulator
// received N requests (of that route) since the script started or the
// last "requests -reset". With -distinct, N is the number of distinct
// values of a form field among them.
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 1 && args[0] == "-reset" {
		server(ts).ResetRequests()
		return
	}
	route, distinct := "", ""
	for len(args) > 2 {
		switch args[0] {
		case "-route":
			route = args[1]
		case "-distinct":
			distinct = args[1]
		default:
			ts.Fatalf("usage: requests [-reset] [-route R] [-distinct FIELD] N")
		}
		args = args[2:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: requests [-reset] [-route R] [-distinct FIELD] N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	n := 0
	seen := map[string]bool{}
	for _, r := range server(ts).Requests() {
		if route != "" && r.Route != route {
			continue
		}
		n++
		if distinct != "" {
			for _, kv := range strings.Split(string(r.Body), "&") {
				if k, v, _ := strings.Cut(kv, "="); k == distinct {
					seen[v] = true
				}
			}
		}
	}
	if distinct != "" {
		n = len(seen)
	}
	if (n == want) == neg {
		ts.Fatalf("got %d requests (route %q, distinct %q), want %s%d", n, route, distinct, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// fault ROUTE [-status N] [-body FILE] [-delay D] [-drop before|after]
// [-times N]: inject an emulator fault; -body answers FILE's bytes with
// -status (a hostile server, when the status is 200).
func cmdFault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fault ROUTE [-status N] [-delay D] [-times N]")
	}
	f := chatadmintest.Fault{Route: args[0]}
	for rest := args[1:]; len(rest) >= 2; rest = rest[2:] {
		switch rest[0] {
		case "-status":
			n, err := strconv.Atoi(rest[1])
			ts.Check(err)
			f.Status = n
		case "-body":
			f.Body = ts.ReadFile(rest[1])
		case "-delay":
			d, err := time.ParseDuration(rest[1])
			ts.Check(err)
			f.Delay = d
		case "-drop":
			switch rest[1] {
			case "before":
				f.Drop = chatadmintest.DropBeforeHandler
			case "after":
				f.Drop = chatadmintest.DropAfterHandler
			case "gateway": // the handler acts, then -status (a gateway's 502 or 504) is the answer
				f.Drop = chatadmintest.FailAfterHandler
			default:
				ts.Fatalf("fault: -drop before|after|gateway")
			}
		case "-times":
			n, err := strconv.Atoi(rest[1])
			ts.Check(err)
			f.Times = n
		default:
			ts.Fatalf("fault: unknown option %s", rest[0])
		}
	}
	server(ts).InjectFault(f)
}

// exits N ARGS...: run chatadmin ARGS and check its exit code; stdout and
// stderr are then those of the run, as after exec.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: exits N args...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec("chatadmin", args[1:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("chatadmin %s: exit code %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// interrupt -after N -route R -exit CODE ARGS...: start chatadmin ARGS,
// send it SIGINT once the emulator has answered N requests of route R,
// and check its exit code. Its stdout and stderr go to
// interrupt.stdout and interrupt.stderr in $WORK.
func cmdInterrupt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 6 || args[0] != "-after" || args[2] != "-route" || args[4] != "-exit" {
		ts.Fatalf("usage: interrupt -after N -route R -exit CODE args...")
	}
	after, err := strconv.Atoi(args[1])
	ts.Check(err)
	route := args[3]
	want, err := strconv.Atoi(args[5])
	ts.Check(err)
	bin, err := exec.LookPath("chatadmin")
	ts.Check(err)
	cmd := exec.Command(bin, args[6:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "XDG_CONFIG_HOME", "CHATADMIN_BASE_URL", "CHATADMIN_TOKEN"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ts.Check(cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	count := func() int {
		n := 0
		for _, r := range server(ts).Requests() {
			if r.Route == route && r.Status != 0 {
				n++
			}
		}
		return n
	}
	for count() < after {
		select {
		case err := <-exited:
			ts.Fatalf("chatadmin exited before %d requests (%v): %s", after, err, stderr.String())
		case <-time.After(time.Millisecond):
		}
	}
	ts.Check(cmd.Process.Signal(syscall.SIGINT))
	err = <-exited
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	}
	ts.Check(os.WriteFile(ts.MkAbs("interrupt.stdout"), stdout.Bytes(), 0o666))
	ts.Check(os.WriteFile(ts.MkAbs("interrupt.stderr"), stderr.Bytes(), 0o666))
	if got != want {
		ts.Fatalf("exit code %d, want %d; stderr:\n%s", got, want, stderr.String())
	}
}

// genids PREFIX N FILE: write N ids PREFIX0000… one per line.
func cmdGenIDs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: genids PREFIX N FILE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%04d\n", args[0], i)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(b.String()), 0o666))
}

// genpng FILE: write a 4x4 PNG.
func cmdGenPNG(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: genpng FILE")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), evidencePNG, 0o666))
}

// evidencePNG is a 4×4 image with a red diagonal, as image/png encoded it
// on Go 1.26: fixed bytes, because the encoder's output (and so the byte
// counts the scripts expect) differs between Go releases.
var evidencePNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x04\x00\x00\x00\x04\b\x06\x00\x00\x00\xa9\xf1\x9e~" +
	"\x00\x00\x00\x16IDATx\x9cb\xfa\xcf\xc0\xf0\x9f\x01\x1d\x90&\b\b\x00\x00\xff\xff\x0f\xcb\a\xfb\xce\xd9MB" +
	"\x00\x00\x00\x00IEND\xaeB`\x82")

// jsonvar VAR PATH: set $VAR to the value at the dotted PATH of the last
// command's stdout (a JSON object; a number in PATH indexes an array), so
// that a script can use the id a server made up.
func cmdJSONVar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jsonvar VAR PATH")
	}
	var v any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &v))
	for _, p := range strings.Split(args[1], ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			ts.Check(err)
			if i >= len(x) {
				ts.Fatalf("jsonvar: index %d out of range", i)
			}
			v = x[i]
		default:
			ts.Fatalf("jsonvar: no %s in stdout", args[1])
		}
	}
	s, ok := v.(string)
	if !ok {
		ts.Fatalf("jsonvar: %s is %v, not a string", args[1], v)
	}
	ts.Setenv(args[0], s)
}

// printf FILE "GO STRING": write the Go-quoted string's bytes to FILE
// (txtar files cannot hold a lone CR).
func cmdPrintf(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: printf FILE GO-QUOTED-STRING")
	}
	b, err := strconv.Unquote(args[1])
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b), 0o600))
}
