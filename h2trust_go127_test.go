//go:build go1.27

package chatadmin

// newTransportRetriesUnprocessed: see h2trust_test.go. From Go 1.27 an
// unsafe call's refused stream is an unknown outcome, as through any
// transport the SDK does not trust.
const newTransportRetriesUnprocessed = false
