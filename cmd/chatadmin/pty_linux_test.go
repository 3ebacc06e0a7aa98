package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what a person's terminal is to
// chatadmin. x/sys (already a dependency, through x/term) does it in a few
// lines, where a pty package would add a module for the tests' sake.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlockpt: %w", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("ptsname: %w", err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// ptyBuffer collects what chatadmin writes to its terminal.
type ptyBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (p *ptyBuffer) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.Write(b)
}

func (p *ptyBuffer) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.b.String()
}

// pty [-answer TEXT] EXIT ARGS...: run chatadmin ARGS on a new terminal (its
// stdin, stdout and stderr, and its controlling terminal), type TEXT and
// Enter once it asks "[y/N]", and check its exit code. What the terminal
// showed (CRLF turned to LF) is in pty.out in $WORK.
func cmdPTY(ts *testscript.TestScript, neg bool, args []string) {
	answer, hasAnswer := "", false
	if len(args) > 1 && args[0] == "-answer" {
		answer, hasAnswer, args = args[1], true, args[2:]
	}
	if neg || len(args) < 1 {
		ts.Fatalf("usage: pty [-answer TEXT] EXIT args...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	bin, err := exec.LookPath("chatadmin")
	ts.Check(err)
	master, slave, err := openPTY()
	ts.Check(err)
	defer master.Close()
	cmd := exec.Command(bin, args[1:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "XDG_CONFIG_HOME", "CHATADMIN_BASE_URL", "CHATADMIN_TOKEN", "CHATADMIN_CONFIG"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = cmd.Start()
	slave.Close()
	ts.Check(err)
	var out ptyBuffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				return // EIO once chatadmin has exited
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(20 * time.Second)
	asked := false
	for done := false; !done; {
		select {
		case err = <-exited:
			done = true
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			<-read
			ts.Fatalf("chatadmin did not exit; the terminal shows:\n%s", out.String())
		case <-time.After(5 * time.Millisecond):
			if hasAnswer && !asked && strings.Contains(out.String(), "[y/N] ") {
				asked = true
				_, werr := master.Write([]byte(answer + "\n"))
				ts.Check(werr)
			}
		}
	}
	<-read
	shown := strings.ReplaceAll(out.String(), "\r\n", "\n")
	ts.Check(os.WriteFile(ts.MkAbs("pty.out"), []byte(shown), 0o666))
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	}
	if hasAnswer && !asked {
		ts.Fatalf("chatadmin did not ask; the terminal shows:\n%s", shown)
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d; the terminal shows:\n%s", got, want, shown)
	}
}
