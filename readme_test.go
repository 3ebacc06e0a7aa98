package chatadmin_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/readmecheck"
)

// readmePrelude declares what the README's snippets take for granted.
const readmePrelude = `
var (
	ctx    context.Context
	token  string
	client *chatadmin.Client
	out    io.Writer
)

func runWelcomeBot(context.Context, *chatadmin.Client) {}
`

// otherModules marks the snippets that import a nested module; that
// module's own tests check them (otel/readme_test.go,
// redislimit/readme_test.go).
var otherModules = []string{"chatadminotel.", "redislimit."}

// TestReadmeSnippetsCompile type-checks every Go snippet of README.md
// against the current API.
func TestReadmeSnippetsCompile(t *testing.T) {
	md, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var mine []readmecheck.Block
	for _, b := range readmecheck.Blocks(string(md)) {
		if !containsAny(b.Code, otherModules) {
			mine = append(mine, b)
		}
	}
	if len(mine) < 5 {
		t.Fatalf("found %d Go snippets in README.md; the extraction is broken", len(mine))
	}
	imports := []string{"context", "errors", "fmt", "io", "os", "testing", "time",
		"github.com/chatadmin/chatadmin-go", "github.com/chatadmin/chatadmin-go/bulk",
		"github.com/chatadmin/chatadmin-go/chatadmintest"}
	if err := readmecheck.Check(".", mine, imports, readmePrelude); err != nil {
		t.Fatal(err)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
