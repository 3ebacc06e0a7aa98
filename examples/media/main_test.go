package main

import (
	"context"
	"image"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/chatadmin/chatadmin-go/examples/internal/exampleenv"
	"github.com/chatadmin/chatadmin-go/examples/internal/exampletest"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestMedia(t *testing.T) {
	out := filepath.Join(t.TempDir(), "downloads") // created by the example
	res := exampletest.Run(t, func(ctx context.Context, env *exampleenv.Env, w io.Writer) error {
		return run(ctx, env, out, w)
	})
	exampletest.RequireLines(t, res,
		"created channel media",
		"uploaded gradient.png (2000x1200) as image message",
		"uploaded notes.txt as file message",
		"downloading to "+out,
		"small   160x96", "medium  600x360", "large  1500x900", "full   2000x1200",
		"file   text/plain", "→ notes.txt",
		"closed channel media",
	)
	require.Empty(t, res.Refused)
	exampletest.RequireRoutes(t, res,
		"POST /api/v2/messages/images", "POST /api/v2/messages/files", "GET /api/v2/messages/:messageId/files")
	require.Equal(t, 4, res.Routes["GET /api/v2/messages/:messageId/images"])

	for name, width := range map[string]int{"small": 160, "medium": 600, "large": 1500, "full": 2000} {
		f, err := os.Open(filepath.Join(out, "image-"+name+".png"))
		require.NoError(t, err)
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		require.NoError(t, err, name)
		require.Equal(t, width, cfg.Width, name)
	}
	notes, err := os.ReadFile(filepath.Join(out, "notes.txt"))
	require.NoError(t, err)
	require.Equal(t, "Meeting notes\n- ship the SDK\n", string(notes))
}
