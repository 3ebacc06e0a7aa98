package chatadmin

import (
	"strings"
	"time"
	"unicode/utf16"

	"github.com/chatadmin/chatadmin-go/internal/form"
)

// Server limits worth checking before sending: a request over them would be
// refused anyway, after a round trip and without saying which field.
const (
	MaxTags          = 10      // tags on a channel or message
	MaxUserIDs       = 100     // userIds in one ban, unban or mute call
	MaxTextLength    = 20000   // characters of a text message
	MaxCustomData    = 100000  // bytes of a custom message's data ("100 KB")
	MaxUploadSize    = 1 << 30 // bytes of an image or file upload
	MaxMetadataBytes = 5000    // bytes of a user's metadata
	MaxRegexs        = 10000   // regexs in one blacklist/whitelist call
	MaxPageLimit     = 100     // items in one page
)

// Every check names the value twice (see ValidationError): field as the
// caller wrote it in Go, wire as the server reads it.

// checkIDs validates a non-empty list (ids, regexs, permissions): at least
// one entry, at most max (0: no maximum), none empty.
func checkIDs(field, wire string, ids []string, max int) error {
	if len(ids) == 0 {
		return invalid(field, wire, "at least one entry is required")
	}
	if max > 0 && len(ids) > max {
		return invalid(field, wire, "at most %d entries per call, got %d", max, len(ids))
	}
	for i, id := range ids {
		if id == "" {
			return invalid(field, wire, "entry #%d is empty", i)
		}
	}
	return nil
}

// errNothingToUpdate refuses an update-like call whose request is nil or
// changes nothing: the SDK never sends an empty update.
func errNothingToUpdate() error { return invalid("req", "", "nothing to update") }

func checkRequired(field, wire, value string) error {
	if value == "" {
		return invalid(field, wire, "is required")
	}
	return nil
}

func checkTags(field, wire string, tags []string) error {
	if len(tags) > MaxTags {
		return invalid(field, wire, "at most %d tags, got %d", MaxTags, len(tags))
	}
	for i, t := range tags {
		if t == "" {
			return invalid(field, wire, "tag #%d is empty", i)
		}
	}
	return nil
}

// checkEnum accepts "" (not sent) and the allowed values of an enum type.
func checkEnum[T ~string](field, wire string, value T, allowed ...T) error {
	if value == "" {
		return nil
	}
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return invalid(field, wire, "%q is not one of %q", value, allowed)
}

func checkLimit(field, wire string, limit int) error {
	if limit < 0 {
		return invalid(field, wire, "must not be negative, got %d", limit)
	}
	if limit > MaxPageLimit {
		return invalid(field, wire, "must be at most %d, got %d", MaxPageLimit, limit)
	}
	return nil
}

func checkSkip(field, wire string, skip int) error {
	if skip < 0 {
		return invalid(field, wire, "must not be negative, got %d", skip)
	}
	return nil
}

// checkMaxChars counts characters the way the server (JavaScript) does: in
// UTF-16 code units, so an emoji outside the Basic Multilingual Plane
// counts twice.
func checkMaxChars(field, wire, value string, max int) error {
	n := 0
	for _, r := range value {
		n += utf16.RuneLen(r)
	}
	if n > max {
		return invalid(field, wire, "at most %d characters (UTF-16 code units), got %d", max, n)
	}
	return nil
}

// MuteForever mutes a channel or users until they are unmuted; the API
// spells it as a mute period of -1 ms.
const MuteForever time.Duration = -time.Millisecond

// mutePeriodMillis converts a mute period to the wire's milliseconds. A
// period is positive (rounded up to whole milliseconds, so a short mute is
// not turned into an unmute) or MuteForever.
//
// The rounding divides first: adding 999,999 ns before dividing overflowed
// for periods within a millisecond of the longest Duration and sent a
// negative period. Every positive Duration fits the wire once rounded: the
// longest is 9,223,372,036,855 ms (292 years), an exact integer for the
// server's JavaScript numbers (up to 2^53) and a date well inside their
// range.
func mutePeriodMillis(d time.Duration) (int64, error) {
	switch {
	case d == MuteForever:
		return -1, nil
	case d <= 0:
		return 0, invalid("period", "mutePeriod", "must be positive or MuteForever, got %s (use Unmute to unmute)", d)
	}
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		ms++
	}
	return ms, nil
}

// invalidUTF8InJSON finds the string in v that is not valid UTF-8 (which
// encoding/json would send as U+FFFD, changing it) and names it by its JSON
// path under root; nil when there is none. The path is built only for the
// value refused.
func invalidUTF8InJSON(root string, v any) error {
	if p, bad := form.BadUTF8(v); bad {
		path := strings.TrimPrefix(root+p, ".")
		return invalid(path, path, "is not valid UTF-8")
	}
	return nil
}
