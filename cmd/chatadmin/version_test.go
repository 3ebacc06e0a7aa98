package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVersionFromBuild builds chatadmin with the -X flags release builds
// use, which win over the build info; and, in a git clone, with VCS
// stamping, where `version` reports the clone's commit from the build info.
func TestVersionFromBuild(t *testing.T) {
	dir := t.TempDir()
	read := func(bin string) versionInfo {
		t.Helper()
		out, err := exec.Command(bin, "version", "-o", "json").Output()
		if err != nil {
			t.Fatalf("%s version: %v", bin, err)
		}
		var v versionInfo
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		return v
	}

	t.Run("vcs", func(t *testing.T) { testVersionFromVCS(t, read) })

	rel := filepath.Join(dir, "release")
	if err := buildCLI(rel, "-buildvcs=true", "-ldflags", "-X main.version=v9.8.7 -X main.commit=0123abc -X main.date=2026-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	if v := read(rel); v.Version != "v9.8.7" || v.Commit != "0123abc" || v.Date != "2026-01-02T03:04:05Z" || v.Modified {
		t.Errorf("release build: %+v", v)
	}
	out, err := exec.Command(rel, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "chatadmin v9.8.7\n  commit  0123abc\n  date    2026-01-02T03:04:05Z\n  go      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if string(out) != want {
		t.Errorf("--version:\n%s\nwant:\n%s", out, want)
	}
}

// testVersionFromVCS: go build stamps vcs.revision and vcs.time only in a
// clone whose .git is a directory (not in a git worktree, whose .git is a
// file); CI's fresh clone is one.
func testVersionFromVCS(t *testing.T, read func(string) versionInfo) {
	if st, err := os.Stat(filepath.Join("..", "..", ".git")); err != nil || !st.IsDir() {
		t.Skip("not a git clone with a .git directory: go build stamps no VCS information")
	}
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	head, err := exec.Command(git, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	vcs := filepath.Join(t.TempDir(), "vcs")
	if err := buildCLI(vcs, "-buildvcs=true"); err != nil {
		t.Fatal(err)
	}
	v := read(vcs)
	if v.Commit != strings.TrimSpace(string(head)) || v.Date == "" || v.Version == "" {
		t.Errorf("from build info: %+v, want commit %s and a date", v, head)
	}
	if v.Go != runtime.Version() || v.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("go %q on %q, want %q on %s/%s", v.Go, v.Platform, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}

}
