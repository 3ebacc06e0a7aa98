package chatadmin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScrubQuotedTokenPrefix (issue 16, item 7): a server that quotes the
// first 12 or more characters of the token (a rejected token cut short)
// has them masked, in the text and through a client's *APIError; an
// unquoted or shorter prefix is ordinary text.
func TestScrubQuotedTokenPrefix(t *testing.T) {
	s := newScrubber(leakToken)
	for _, n := range []int{12, 20, len(leakToken) - 1} {
		for _, q := range []string{`"`, "'", "`", "&quot;", `\"`, "%22"} {
			in := "invalid token " + q + leakToken[:n] + q + " rejected"
			out := scrubText(s, in, false)
			assert.NotContains(t, out, leakToken[:12], "%d chars after %s", n, q)
			assert.Contains(t, out, redacted)
		}
	}
	for _, in := range []string{
		`token "` + leakToken[:11] + `"`, // too short to be a secret
		"token " + leakToken[:20],        // not quoted
	} {
		assert.Equal(t, in, scrubText(s, in, false))
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"status":"error","code":400100,"message":"token \"` + leakToken[:20] + `\" is invalid"}`))
	}))
	defer srv.Close()
	c, err := NewClient(leakToken, WithBaseURL(srv.URL))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, err = c.Roles.List(context.Background(), nil)
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.NotContains(t, err.Error(), leakToken[:12])
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, string(apiErr.Body), leakToken[:12])
}
