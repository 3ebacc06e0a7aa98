// Package integration holds the SDK's integration suite: every method of
// the public API run against the chatadmintest emulator, over HTTP/1.1 and
// HTTP/2, and against a live tenant when CHATADMIN_LIVE=1 and
// CHATADMIN_BASE_URL and CHATADMIN_TOKEN are set. It uses nothing but the
// public API; the package itself is empty.
package integration
