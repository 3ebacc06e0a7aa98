package chatadmin

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Timestamp is a time from the API. It decodes RFC 3339 strings and
// tolerates what else servers send for "no time": null, "" and 0.
type Timestamp struct{ time.Time }

// UnmarshalJSON accepts RFC 3339 strings, null, "" and epoch milliseconds.
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	// A page holds several times per item: the strict RFC 3339 parser
	// reads the bytes where they are, without the string time.Parse needs,
	// and what it accepts, time.Parse reads the same.
	if len(data) > 2 && data[0] == '"' && data[len(data)-1] == '"' && t.Time.UnmarshalText(data[1:len(data)-1]) == nil {
		return nil
	}
	s := string(bytes.Trim(data, `"`))
	switch {
	case s == "null" || s == "" || s == "0":
		t.Time = time.Time{}
		return nil
	case data[0] != '"':
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return err
		}
		t.Time = time.UnixMilli(ms).UTC()
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

// MarshalJSON writes RFC 3339 with milliseconds, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
}

// Ptr returns a pointer to v, for the optional fields of requests, where
// nil means "not sent" and a pointer to a zero value is sent:
//
//	req := &chatadmin.UserUpdateRequest{DisplayName: chatadmin.Ptr("")} // clears the name
func Ptr[T any](v T) *T { return &v }
