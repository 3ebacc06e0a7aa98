// Command releasecheck proves a release before it is tagged: it packs the
// working tree's three modules (the root, otel and redislimit) at one
// version into a module proxy on disk, the zips made by golang.org/x/mod/zip
// as the Go module mirror makes them, and then, from a throwaway module
// outside the repository, with GOFLAGS=-mod=mod, no replace and no
// workspace, does what a consumer does: go get all three, build and run a
// program that uses each, go install the chatadmin command at that version
// and run it.
//
//	go run ./internal/cmd/releasecheck            # from the repository root; CI runs it
//	go run ./internal/cmd/releasecheck -keep      # and print where the proxy and consumer are
//
// The consumer gets its other dependencies from the local module cache
// (which is itself a proxy) and then from $GOPROXY. Its go.sum cannot hold
// sums of the unpublished modules from sum.golang.org, so GONOSUMDB covers
// github.com/chatadmin/* for this check only; the packed zips are fresh
// in a private module cache on each run, never mixed with the user's own.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// The modules of the repository, by directory; the first is the root.
var moduleDirs = []string{".", "otel", "redislimit"}

func main() {
	log.SetFlags(0)
	log.SetPrefix("releasecheck: ")
	version := flag.String("version", "v0.1.0", "the version to pack the modules at (each nested module's go.mod must require the root at it)")
	keep := flag.Bool("keep", false, "keep the proxy, consumer and module cache directories and print where they are")
	dist := flag.String("dist", "", "also run the host's chatadmin binary that scripts/release.sh built in this directory")
	distVersion := flag.String("dist-version", "", "the version scripts/release.sh stamped the -dist binaries with")
	flag.Parse()

	work, err := os.MkdirTemp("", "releasecheck-")
	if err != nil {
		log.Fatal(err)
	}
	if *keep {
		defer fmt.Println("kept:", work)
	} else {
		defer os.RemoveAll(work)
	}
	if err := check(*version, work); err != nil {
		if !*keep {
			os.RemoveAll(work)
		}
		log.Fatal(err)
	}
	if *dist != "" {
		if err := checkDist(*dist, *distVersion); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("releasecheck: ok:", strings.Join(moduleDirs, ", "), "at", *version, "work as a consumer sees them")
}

// check packs the modules into work/proxy and runs the consumer in
// work/consumer with a module cache of its own in work/modcache.
func check(version, work string) error {
	proxy := filepath.Join(work, "proxy")
	var mods []packed
	for _, dir := range moduleDirs {
		m, err := pack(proxy, dir, version)
		if err != nil {
			return fmt.Errorf("packing %s: %w", dir, err)
		}
		mods = append(mods, m)
	}
	if err := checkRequires(mods, version); err != nil {
		return err
	}
	return consume(work, proxy, mods, version)
}

// checkDist runs the release binary of chatadmin built for this host.
func checkDist(dir, version string) error {
	bin := filepath.Join(dir, exe(fmt.Sprintf("chatadmin_%s_%s_%s", version, runtime.GOOS, runtime.GOARCH)))
	out, err := run(dir, os.Environ(), bin, "version")
	if err != nil {
		return err
	}
	if !strings.Contains(out, version) {
		return fmt.Errorf("%s version printed %q, want %s in it", bin, out, version)
	}
	return nil
}
