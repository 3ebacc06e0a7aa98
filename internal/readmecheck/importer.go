package readmecheck

import (
	"bufio"
	"bytes"
	"fmt"
	"go/build"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// exportImporter imports packages from the export data the go command
// builds (and caches) for paths and their dependencies, as seen from dir:
// type-checking them from source, the standard library included, cost
// tens of seconds of CPU per run.
func exportImporter(fset *token.FileSet, dir string, paths []string) (types.Importer, error) {
	files, err := exportFiles(dir, paths)
	if err != nil {
		return nil, err
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}), nil
}

// exportCache keeps what go list said, per directory and import list, for
// the life of the process: a test that checks several pages asks once.
var exportCache sync.Map // dir + "\x00" + sorted paths → map[string]string

// exportFiles maps the import paths of paths and their dependencies to
// their export data files.
func exportFiles(dir string, paths []string) (map[string]string, error) {
	sorted := slices.Sorted(slices.Values(paths))
	key := dir + "\x00" + strings.Join(sorted, " ")
	if files, ok := exportCache.Load(key); ok {
		return files.(map[string]string), nil
	}
	args := append([]string{"list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}\t{{.Export}}{{end}}"}, sorted...)
	cmd := exec.Command(goCommand(), args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -export %s: %v\n%s", strings.Join(paths, " "), err, stderr.Bytes())
	}
	files := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok {
			files[path] = file
		}
	}
	exportCache.Store(key, files)
	return files, nil
}

// goCommand is the go command of the toolchain running the test, as
// go/build finds it, so that the export data is in the format this
// importer reads; "go" on the PATH when there is none.
func goCommand() string {
	if build.Default.GOROOT != "" {
		bin := filepath.Join(build.Default.GOROOT, "bin", "go")
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	return "go"
}
