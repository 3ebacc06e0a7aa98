package route

import (
	"errors"
	"testing"
)

func TestExpand(t *testing.T) {
	for _, tc := range []struct {
		route  string
		params []string
		want   string
	}{
		{"/api/v2/channels", nil, "/api/v2/channels"},
		{"/api/v2/channel/:channelId/users", []string{"a b/c"}, "/api/v2/channel/a%20b%2Fc/users"},
		{"/api/v2/channel/:channelId", []string{".."}, "/api/v2/channel/%2E%2E"},
		{"/api/v2/channel/:channelId", []string{"."}, "/api/v2/channel/%2E"},
		{"/a/:x/b/:y", []string{"1", "é?#"}, "/a/1/b/%C3%A9%3F%23"},
	} {
		got, err := Expand(tc.route, tc.params)
		if err != nil || got != tc.want {
			t.Errorf("Expand(%q, %q) = %q, %v; want %q", tc.route, tc.params, got, err, tc.want)
		}
	}
}

func TestExpandRefuses(t *testing.T) {
	for _, tc := range []struct {
		params []string
		msg    string
	}{
		{[]string{""}, "is required"},
		{[]string{"a\xffb"}, "is not valid UTF-8"},
	} {
		_, err := Expand("/channel/:channelId", tc.params)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "channelId" || pe.Msg != tc.msg {
			t.Errorf("Expand(%q) error = %v; want channelId: %s", tc.params, err, tc.msg)
		}
	}
	if _, err := Expand("/a/:x/:y", []string{"1"}); err == nil {
		t.Error("a missing value was not refused")
	}
}

func TestGoName(t *testing.T) {
	for wire, want := range map[string]string{"channelId": "channelID", "userId": "userID", "name": "name"} {
		if got := GoName(wire); got != want {
			t.Errorf("GoName(%q) = %q, want %q", wire, got, want)
		}
	}
}
