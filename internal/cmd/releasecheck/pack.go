package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// packed is one module written to the proxy.
type packed struct {
	dir  string        // its directory in the repository
	path string        // its module path
	mod  *modfile.File // its go.mod
}

// pack writes the module in dir at version to the proxy directory in the
// layout of the GOPROXY protocol: @v/list, .info, .mod and .zip.
func pack(proxy, dir, version string) (packed, error) {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return packed{}, err
	}
	mf, err := modfile.ParseLax(filepath.Join(dir, "go.mod"), gomod, nil)
	if err != nil {
		return packed{}, err
	}
	if mf.Module == nil {
		return packed{}, fmt.Errorf("%s/go.mod has no module line", dir)
	}
	mv := module.Version{Path: mf.Module.Mod.Path, Version: version}
	escaped, err := module.EscapePath(mv.Path)
	if err != nil {
		return packed{}, err
	}
	at := filepath.Join(proxy, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return packed{}, err
	}
	var zbuf bytes.Buffer
	files, err := tracked(dir)
	switch {
	case err == nil:
		err = zip.Create(&zbuf, mv, files)
	default:
		// Not a git checkout: pack the directory as it is.
		fmt.Fprintf(os.Stderr, "releasecheck: %v; packing every file in %s\n", err, dir)
		err = zip.CreateFromDir(&zbuf, mv, dir)
	}
	if err != nil {
		return packed{}, err
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{version, time.Now().UTC().Truncate(time.Second)})
	for name, data := range map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": info,
		version + ".mod":  gomod,
		version + ".zip":  zbuf.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(at, name), data, 0o644); err != nil {
			return packed{}, err
		}
	}
	fmt.Printf("packed %s@%s (%d bytes)\n", mv.Path, version, zbuf.Len())
	return packed{dir: dir, path: mv.Path, mod: mf}, nil
}

// tracked lists the files of the module in dir that git tracks or would
// track (untracked files that .gitignore does not exclude): what a tag of
// the working tree would hold, without build outputs. Files of nested
// modules (directories with their own go.mod) are left out, as the module
// zip format requires.
func tracked(dir string) ([]zip.File, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = dir
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w", dir, err)
	}
	var names []string
	nested := map[string]bool{}
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" {
			continue
		}
		names = append(names, name)
		if path.Base(name) == "go.mod" && name != "go.mod" {
			nested[path.Dir(name)] = true
		}
	}
	var files []zip.File
	for _, name := range names {
		if inNested(name, nested) {
			continue
		}
		fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name)))
		if os.IsNotExist(err) {
			continue // deleted in the working tree, not yet in the index
		}
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		files = append(files, diskFile{name: name, full: filepath.Join(dir, filepath.FromSlash(name)), fi: fi})
	}
	return files, nil
}

// inNested reports whether name lies in one of the nested module
// directories.
func inNested(name string, nested map[string]bool) bool {
	for d := path.Dir(name); d != "." && d != "/"; d = path.Dir(d) {
		if nested[d] {
			return true
		}
	}
	return false
}

// diskFile is a zip.File read from the working tree.
type diskFile struct {
	name, full string
	fi         os.FileInfo
}

func (f diskFile) Path() string                 { return f.name }
func (f diskFile) Lstat() (os.FileInfo, error)  { return f.fi, nil }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(f.full) }

// checkRequires refuses nested modules that would not build for a
// consumer: each must require the root at version, and no replace of the
// root may remain (a consumer's build ignores it).
func checkRequires(mods []packed, version string) error {
	root := mods[0].path
	for _, m := range mods[1:] {
		found := false
		for _, r := range m.mod.Require {
			if r.Mod.Path == root {
				found = true
				if r.Mod.Version != version {
					return fmt.Errorf("%s/go.mod requires %s %s, want %s", m.dir, root, r.Mod.Version, version)
				}
			}
		}
		if !found {
			return fmt.Errorf("%s/go.mod does not require %s", m.dir, root)
		}
		for _, r := range m.mod.Replace {
			if r.Old.Path == root {
				return fmt.Errorf("%s/go.mod replaces %s: a consumer's build ignores that replace; the go.work at the root serves development", m.dir, root)
			}
		}
	}
	return nil
}
