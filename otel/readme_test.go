package chatadminotel_test

import (
	"testing"

	"github.com/chatadmin/chatadmin-go/internal/readmecheck"
)

// TestReadmeSnippetsCompile type-checks the snippets of this module's
// README, which the module's own tests can read wherever it is unpacked.
func TestReadmeSnippetsCompile(t *testing.T) {
	prelude := `
var (
	token string
	tp    *sdktrace.TracerProvider
	mp    *sdkmetric.MeterProvider
)
`
	imports := []string{"github.com/chatadmin/chatadmin-go",
		"sdktrace go.opentelemetry.io/otel/sdk/trace", "sdkmetric go.opentelemetry.io/otel/sdk/metric"}
	if err := readmecheck.CheckDoc("README.md", 1, imports, prelude); err != nil {
		t.Fatal(err)
	}
}
