package redislimit_test

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/readmecheck"
)

// TestReadmeSnippetsCompile type-checks the snippets of this module's
// README, which the module's own tests can read wherever it is unpacked.
func TestReadmeSnippetsCompile(t *testing.T) {
	imports := []string{"github.com/chatadmin/chatadmin-go/redislimit", "github.com/redis/go-redis/v9"}
	if err := readmecheck.CheckDoc("README.md", 1, imports, "var tenant string\n"); err != nil {
		t.Fatal(err)
	}
}
