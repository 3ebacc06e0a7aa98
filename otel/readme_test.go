package chatadminotel_test

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
		if strings.Contains(b.Code, "chatadminotel.") {
			mine = append(mine, b)
		}
	}
	if len(mine) == 0 {
		t.Fatal("no README snippet uses chatadminotel")
	}
	prelude := `
var (
	token string
	tp    *sdktrace.TracerProvider
	mp    *sdkmetric.MeterProvider
)
`
	imports := []string{"github.com/chatadmin/chatadmin-go",
		"sdktrace go.opentelemetry.io/otel/sdk/trace", "sdkmetric go.opentelemetry.io/otel/sdk/metric"}
	if err := readmecheck.Check(".", mine, imports, prelude); err != nil {
		t.Fatal(err)
	}
}
