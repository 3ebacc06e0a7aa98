package integration_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	chatadmin "github.com/chatadmin/chatadmin-go"
)

// The SDK checks the server's limits before sending (tags, user ids per
// call, text and metadata sizes…) so that an
// over-limit request fails with a *ValidationError naming the field and
// nothing is sent. These cases probe inputs that the SDK measures
// differently from the server: such an input must be accepted by the
// server or refused by the SDK, never let through by the SDK and then
// refused by the server. Each case is over the server's limit as the server
// counts, so the SDK must refuse it before sending.
var limitScenarios = []scenarioFunc{
	{name: "Limits/ClientChecksMatchServer", run: limitsClientChecksMatchServer},
}

func TestIntegrationLimits(t *testing.T) { runGroup(t, limitScenarios) }

// wantClientRefused passes when the SDK refused the input itself, and
// fails (naming the mismatch) when it let through what the server refused.
func wantClientRefused(t *testing.T, err error, field, mismatch string) {
	t.Helper()
	var ve *chatadmin.ValidationError
	if errors.As(err, &ve) {
		if ve.WireField != field {
			t.Fatalf("refused on field %q, want %q: %v", ve.WireField, field, err)
		}
		return
	}
	t.Fatalf("%s: got %v, want a client-side ValidationError", mismatch, err)
}

func limitsClientChecksMatchServer(t *testing.T, it *env) {
	room := it.ID("room")
	it.createChannel(t, room, it.ID("tag"))

	t.Run("text length in UTF-16 units", func(t *testing.T) {
		// The server counts JavaScript characters (UTF-16 code units): an
		// emoji outside the BMP is two. 10,001 emoji are 10,001 runes but
		// 20,002 units, over MaxTextLength.
		emoji := strings.Repeat("😀", chatadmin.MaxTextLength/2+1)
		_, err := it.post(room, emoji)
		wantClientRefused(t, err, "data.text", "the SDK's MaxTextLength check must count UTF-16 code units, as the server does; "+
			"the server UTF-16 code units; a text of 10,001 astral emoji passes the client check and the server refuses it")
	})

	t.Run("user metadata size as the form delivers it", func(t *testing.T) {
		// Metadata travels as a form, so the server sees every scalar as a
		// string: 1234567 arrives as "1234567", two bytes longer as JSON.
		meta := chatadmin.Metadata{"n": 1234567, "ok": true, "pad": ""}
		size, _ := json.Marshal(meta)
		meta["pad"] = strings.Repeat("x", chatadmin.MaxMetadataBytes-len(size))
		_, err := it.Client.Users.Update(it.Ctx, it.ID("meta-user"), &chatadmin.UserUpdateRequest{Metadata: meta})
		wantClientRefused(t, err, "metadata", "the SDK must measure user metadata as the form delivers it; "+
			"the server as the form delivers it, with every scalar a string; metadata of exactly MaxMetadataBytes by the "+
			"SDK's count, with a number and a bool, passes the client check and the server refuses it")
	})
}
