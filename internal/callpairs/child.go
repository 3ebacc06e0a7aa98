package callpairs

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
)

// childEnv names the call a child process serves (ServeChild).
const childEnv = "CALLPAIRS_SERVE"

// ServeChild serves, when this process was started by a "server process"
// pair, that pair's call on a loopback port until its stdin closes, and
// then exits; otherwise it returns at once. A command that makes such
// pairs calls it first thing in main.
func ServeChild() {
	call := os.Getenv(childEnv)
	if call == "" {
		return
	}
	body, _, err := callFor(call)
	if err == nil {
		err = serve(body)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "callpairs server:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func serve(body []byte) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: answer(body)}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
	return srv.Close()
}

// startChild starts this program again as call's server and returns its
// base URL and a stop that ends it.
func startChild(call string) (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+call)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", nil, fmt.Errorf("callpairs: the server process did not start (does main call callpairs.ServeChild?): %q %v", line, err)
	}
	return strings.TrimSpace(line), stop, nil
}
