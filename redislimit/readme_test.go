package redislimit_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/readmecheck"
)

// TestReadmeSnippetsCompile type-checks the snippets of this module's
// README, which the module's own tests can read wherever it is unpacked.
func TestReadmeSnippetsCompile(t *testing.T) {
	md, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var mine []readmecheck.Block
	for _, b := range readmecheck.Blocks(string(md)) {
		if strings.Contains(b.Code, "redislimit.") {
			mine = append(mine, b)
		}
	}
	if len(mine) == 0 {
		t.Fatal("no README snippet uses redislimit")
	}
	imports := []string{"github.com/chatadmin/chatadmin-go/redislimit", "github.com/redis/go-redis/v9"}
	if err := readmecheck.Check(".", mine, imports, "var tenant string\n"); err != nil {
		t.Fatal(err)
	}
}
