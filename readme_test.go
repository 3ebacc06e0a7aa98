package chatadmin_test

import (
	"path/filepath"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/readmecheck"
)

// readmePrelude declares what the snippets and inline references of the
// README and docs/ take for granted.
const readmePrelude = `
var (
	ctx    context.Context
	token  string
	client *chatadmin.Client
	srv    *chatadmintest.Server
	out    io.Writer
)

func runWelcomeBot(context.Context, *chatadmin.Client) {}
`

// readmeImports are the packages the README and docs/ refer to.
var readmeImports = []string{"context", "errors", "fmt", "io", "os", "testing", "time", "net/http", "log/slog",
	"github.com/chatadmin/chatadmin-go", "github.com/chatadmin/chatadmin-go/bulk",
	"github.com/chatadmin/chatadmin-go/chatadmintest"}

// TestReadmeSnippetsCompile type-checks every Go snippet and every inline
// API reference of README.md against the current API. The nested modules'
// READMEs are checked by their own tests.
func TestReadmeSnippetsCompile(t *testing.T) {
	if err := readmecheck.CheckDoc("README.md", 3, readmeImports, readmePrelude); err != nil {
		t.Fatal(err)
	}
}

// TestDocsSnippetsCompile does the same for the pages of docs/ (not the
// generated docs/cli/ reference, which TestDocsCurrent in cmd/chatadmin
// keeps current).
func TestDocsSnippetsCompile(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil || len(pages) < 9 {
		t.Fatalf("docs/*.md: %d pages (%v), want the 9 or more the README links to", len(pages), err)
	}
	for _, page := range pages {
		t.Run(filepath.Base(page), func(t *testing.T) {
			if err := readmecheck.CheckDoc(page, 0, readmeImports, readmePrelude); err != nil {
				t.Fatal(err)
			}
		})
	}
}
