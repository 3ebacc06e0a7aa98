package chatadmin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestTimestampReadsWhatItAlwaysRead: RFC 3339 in its strict and lenient
// forms, epoch milliseconds and the empty forms, each read as time.Parse
// (or time.UnixMilli) reads it; nonsense is an error.
func TestTimestampReadsWhatItAlwaysRead(t *testing.T) {
	parse := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for in, want := range map[string]time.Time{
		`"2024-05-01T10:00:00Z"`:                parse("2024-05-01T10:00:00Z"),
		`"2024-05-01T10:00:00.123456789+02:00"`: parse("2024-05-01T10:00:00.123456789+02:00"),
		`"2024-05-01T10:00:00.5-07:30"`:         parse("2024-05-01T10:00:00.5-07:30"),
		`"2024-05-01T10:00:00,5Z"`:              parse("2024-05-01T10:00:00,5Z"), // time.Parse's comma, which the strict parser refuses
		`1714557600000`:                         time.UnixMilli(1714557600000).UTC(),
		`null`:                                  {},
		`""`:                                    {},
		`0`:                                     {},
	} {
		var ts Timestamp
		if assert.NoError(t, ts.UnmarshalJSON([]byte(in)), in) {
			assert.True(t, want.Equal(ts.Time), "%s: %v, want %v", in, ts.Time, want)
			_, wantOff := want.Zone()
			_, gotOff := ts.Zone()
			assert.Equal(t, wantOff, gotOff, in)
		}
	}
	for _, in := range []string{`"2024-05-01T10:00:00.000z"`, `"yesterday"`, `"2024-13-01T10:00:00Z"`, `true`, `"1714557600000"`, `1.5`} {
		var ts Timestamp
		assert.Error(t, ts.UnmarshalJSON([]byte(in)), in)
	}
}
