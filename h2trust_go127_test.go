//go:build go1.27

package chatadmin

// netHTTPResendsRefusedBodyless: see h2trust_test.go. From Go 1.27 the
// resend goes out before the guard sees it; net/http resends only
// unprocessed requests there (internal/sendonce/h2_go127.go), so it is
// one commit, never two.
const netHTTPResendsRefusedBodyless = true
