//go:build !go1.27

package chatadmin

// netHTTPResendsRefusedBodyless says whether, through a transport the SDK
// does not trust, net/http's HTTP/2 layer resends a refused request that
// has no body before the SDK's header guard can stop it. Go 1.26's bundled
// copy reports the resend's connection after the request's headers went
// out, and the guard stops it (h2trust_go127_test.go).
const netHTTPResendsRefusedBodyless = false
