package chatadmin

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind: iterator
// breaks, cancelled uploads, failed downloads and retried calls must all
// clean up after themselves.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
