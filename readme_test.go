package chatadmin_test

import (
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

// TestReadmeSnippetsCompile type-checks every Go snippet of README.md
// against the current API. The nested modules' READMEs are checked by
// their own tests.
func TestReadmeSnippetsCompile(t *testing.T) {
	imports := []string{"context", "errors", "fmt", "io", "os", "testing", "time",
		"github.com/chatadmin/chatadmin-go", "github.com/chatadmin/chatadmin-go/bulk",
		"github.com/chatadmin/chatadmin-go/chatadmintest"}
	if err := readmecheck.CheckFile("README.md", 5, imports, readmePrelude); err != nil {
		t.Fatal(err)
	}
}
