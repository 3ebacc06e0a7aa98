package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/chatadmin/chatadmin-go"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConnectWithoutEnvStartsTheEmulator(t *testing.T) {
	t.Setenv(chatadmin.EnvBaseURL, "")
	t.Setenv(chatadmin.EnvToken, "")
	var out bytes.Buffer
	env, err := Connect(&out)
	require.NoError(t, err)
	defer env.Close()
	require.False(t, env.Live())
	require.Equal(t, "CHATADMIN_BASE_URL not set: running against the in-process emulator at "+env.Emulator.URL+"\n", out.String())
	require.Equal(t, "lobby", env.Name("lobby"))
	_, err = env.Client.Roles.List(context.Background(), nil)
	require.NoError(t, err)
}

func TestConnectRefusesHalfAConfiguration(t *testing.T) {
	for _, set := range []string{chatadmin.EnvBaseURL, chatadmin.EnvToken} {
		t.Setenv(chatadmin.EnvBaseURL, "")
		t.Setenv(chatadmin.EnvToken, "")
		t.Setenv(set, "x")
		_, err := Connect(io.Discard)
		require.ErrorContains(t, err, "set both CHATADMIN_BASE_URL and CHATADMIN_TOKEN", set)
	}
}

func TestConnectLiveNamesAreUnique(t *testing.T) {
	t.Setenv(chatadmin.EnvBaseURL, "https://chat.example.com")
	t.Setenv(chatadmin.EnvToken, "secret-token")
	var out bytes.Buffer
	env, err := Connect(&out)
	require.NoError(t, err)
	defer env.Close()
	require.True(t, env.Live())
	require.Equal(t, "using the live API at https://chat.example.com\n", out.String())
	require.Regexp(t, `^lobby-[0-9a-z]+$`, env.Name("lobby"))
	require.Equal(t, env.Name("a")[1:], env.Name("b")[1:], "one suffix per run")
}

func TestMainErrCleansUpAndReports(t *testing.T) {
	t.Setenv(chatadmin.EnvBaseURL, "")
	t.Setenv(chatadmin.EnvToken, "")
	boom := errors.New("boom")
	var cleaned bool
	env, err := Emulated()
	require.NoError(t, err)
	defer env.Close()
	err = mainErr(env, func(ctx context.Context, env *Env, w io.Writer) (err error) {
		defer Cleanup(w, "thing", &err, func(context.Context) error { cleaned = true; return errors.New("undo failed") })
		return boom
	}, io.Discard)
	require.True(t, cleaned)
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "cleanup (thing): undo failed")
}
