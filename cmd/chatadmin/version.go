package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Release builds set these with -ldflags "-X main.version=v1.2.3
// -X main.commit=<sha> -X main.date=<RFC 3339 build time>"; without them
// the module's build info answers, which `go install …@v1.2.3` and a build
// in a git checkout fill in (module version, vcs.revision, vcs.time).
var (
	version string
	commit  string
	date    string
)

// versionInfo is what `chatadmin version` reports.
type versionInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Modified bool   `json:"modified,omitempty"` // built from a checkout with uncommitted changes
	Date     string `json:"date,omitempty"`     // the build's (release builds) or the commit's time
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			v.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		v.Version = version
	}
	if commit != "" {
		v.Commit, v.Modified = commit, false
	}
	if date != "" {
		v.Date = date
	}
	return v
}

// text is the version as --version and `chatadmin version` print it.
func (v versionInfo) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "chatadmin %s\n", v.Version)
	if v.Commit != "" {
		mod := ""
		if v.Modified {
			mod = " (modified)"
		}
		fmt.Fprintf(&b, "  commit  %s%s\n", v.Commit, mod)
	}
	if v.Date != "" {
		fmt.Fprintf(&b, "  date    %s\n", v.Date)
	}
	fmt.Fprintf(&b, "  go      %s %s\n", v.Go, v.Platform)
	return b.String()
}

// versionCmd is `chatadmin version`: text, or the -o format when one is
// asked for.
func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "Print chatadmin's version, commit, date and Go version", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			if a.output == "" || a.output == "table" {
				_, err := fmt.Fprint(a.stdout, v.text())
				return err
			}
			return a.print(v, nil)
		}}
}
