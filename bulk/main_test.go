package bulk

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(killChildEnv) != "" {
		os.Exit(killChild())
	}
	if os.Getenv(reconcileChildEnv) != "" {
		os.Exit(reconcileChild())
	}
	if os.Getenv(lockChildEnv) != "" {
		os.Exit(lockChild())
	}
	goleak.VerifyTestMain(m)
}
