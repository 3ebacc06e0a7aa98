package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/mod/modfile"
)

// consumerMain uses each of the three modules: the client against the
// emulator, the OpenTelemetry observer, and the Redis limiter as a
// chatadmin.Limiter (built, not dialled: the check needs no Redis).
const consumerMain = `package main

import (
	"context"
	"fmt"
	"log"

	chatadmin "github.com/chatadmin/chatadmin-go"
	"github.com/chatadmin/chatadmin-go/chatadmintest"
	chatadminotel "github.com/chatadmin/chatadmin-go/otel"
	"github.com/chatadmin/chatadmin-go/redislimit"
	"github.com/redis/go-redis/v9"
)

func main() {
	srv := chatadmintest.NewServer()
	defer srv.Close()
	obs, err := chatadminotel.New()
	if err != nil {
		log.Fatal(err)
	}
	var lim chatadmin.Limiter
	lim, err = redislimit.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:0"}), redislimit.Config{Key: "releasecheck", Rate: 10})
	if err != nil {
		log.Fatal(err)
	}
	_ = lim
	client, err := chatadmin.NewClient(srv.Token(), chatadmin.WithBaseURL(srv.URL), chatadmin.WithObserver(obs))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Users.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("consumer ok:", len(page.Items), "user(s)")
}
`

// consume plays the consumer in work/consumer.
func consume(work, proxy string, mods []packed, version string) error {
	env, err := consumerEnv(work, proxy)
	if err != nil {
		return err
	}
	dir := filepath.Join(work, "consumer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goLine := "1.25.0"
	if g := mods[0].mod.Go; g != nil {
		goLine = g.Version
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/releasecheck/consumer\n\ngo "+goLine+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(consumerMain), 0o644); err != nil {
		return err
	}
	get := []string{"get"}
	for _, m := range mods {
		get = append(get, m.path+"@"+version)
	}
	if _, err := run(dir, env, "go", get...); err != nil {
		return err
	}
	if err := checkConsumerMod(dir, mods, version); err != nil {
		return err
	}
	bin := filepath.Join(work, "bin")
	if _, err := run(dir, env, "go", "build", "-o", filepath.Join(bin, exe("consumer")), "."); err != nil {
		return err
	}
	if _, err := run(dir, env, filepath.Join(bin, exe("consumer"))); err != nil {
		return err
	}

	// go install pkg@version ignores the module in its directory; run it
	// from one without a go.mod, as a user would.
	cli := mods[0].path + "/cmd/chatadmin"
	if _, err := run(work, env, "go", "install", cli+"@"+version); err != nil {
		return err
	}
	chatadmin := filepath.Join(bin, exe("chatadmin"))
	info, err := run(work, env, "go", "version", "-m", chatadmin)
	if err != nil {
		return err
	}
	if !strings.Contains(info, "\tmod\t"+mods[0].path+"\t"+version+"\t") {
		return fmt.Errorf("%s was not built from %s %s:\n%s", chatadmin, mods[0].path, version, info)
	}
	out, err := run(work, env, chatadmin, "version")
	if err != nil {
		return err
	}
	if !strings.Contains(out, version) {
		return fmt.Errorf("chatadmin version printed %q, want %s in it", out, version)
	}
	return nil
}

// consumerEnv is the environment of a consumer outside the repository:
// no workspace, -mod=mod, the local proxy first, then the user's module
// cache (a proxy too, so nothing already downloaded is fetched again), then
// the user's GOPROXY. The module cache is the check's own, so the packed
// zips never reach the user's cache, and a later run with a changed tree is
// not served the zips of an earlier one.
func consumerEnv(work, proxy string) ([]string, error) {
	out, err := exec.Command("go", "env", "GOPROXY", "GOMODCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("go env printed %q", out)
	}
	upstream, cache := lines[0], lines[1]
	chain := []string{fileURL(proxy), fileURL(filepath.Join(cache, "cache", "download"))}
	if upstream != "" && upstream != "off" {
		chain = append(chain, upstream)
	}
	set := map[string]string{
		"GOWORK":     "off",
		"GOFLAGS":    "-mod=mod -modcacherw",
		"GOPROXY":    strings.Join(chain, ","),
		"GOMODCACHE": filepath.Join(work, "modcache"),
		"GOBIN":      filepath.Join(work, "bin"),
		// The packed modules are not in sum.golang.org yet: their sums
		// are taken from the zips. Everything else is checked as usual,
		// and GONOPROXY stays empty so that the local proxy is asked.
		"GONOSUMDB":  "github.com/chatadmin/*",
		"GONOPROXY":  "",
		"GOPRIVATE":  "",
		"GOINSECURE": "",
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !has(set, k) {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env, nil
}

func has(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// fileURL is the file:// URL of a local directory, as GOPROXY wants it.
func fileURL(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x
	}
	return "file://" + p
}

// checkConsumerMod checks what go get wrote: all three modules at version,
// and no replace.
func checkConsumerMod(dir string, mods []packed, version string) error {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return err
	}
	if len(mf.Replace) > 0 {
		return fmt.Errorf("the consumer's go.mod has a replace:\n%s", data)
	}
	got := map[string]string{}
	for _, r := range mf.Require {
		got[r.Mod.Path] = r.Mod.Version
	}
	for _, m := range mods {
		if got[m.path] != version {
			return fmt.Errorf("the consumer requires %s %q, want %s:\n%s", m.path, got[m.path], version, data)
		}
	}
	return nil
}

// run runs name with args in dir, echoing the command and its output, and
// returns the output.
func run(dir string, env []string, name string, args ...string) (string, error) {
	fmt.Printf("$ %s %s\n", filepath.Base(name), strings.Join(args, " "))
	var buf bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout = io.MultiWriter(os.Stdout, &buf)
	cmd.Stderr = io.MultiWriter(os.Stderr, &buf)
	if err := cmd.Run(); err != nil {
		return buf.String(), fmt.Errorf("%s %s (in %s): %w", name, strings.Join(args, " "), dir, err)
	}
	return buf.String(), nil
}

// exe adds the executable suffix of the host.
func exe(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}
