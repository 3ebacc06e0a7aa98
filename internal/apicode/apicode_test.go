package apicode

import (
	"fmt"
	"testing"
)

func TestStatus(t *testing.T) {
	for code, status := range map[int]int{400000: 400, 400001: 400, 400100: 401, 400300: 403, 400303: 403,
		400305: 400, 400309: 400, 400311: 429, 400315: 409, 400316: 400, 400400: 404, 400900: 409, 500000: 422} {
		if got := Status(code); got != status {
			t.Errorf("Status(%d) = %d, want %d", code, got, status)
		}
	}
}

func TestForStatus(t *testing.T) {
	for status, code := range map[int]int{400: BadRequest, 401: Unauthorized, 404: NotFound, 429: RateLimited, 418: Business} {
		if got := ForStatus(status); got != code {
			t.Errorf("ForStatus(%d) = %d, want %d", status, got, code)
		}
	}
}

func TestParseBody(t *testing.T) {
	yes := func([]byte) bool { return true }
	for body, want := range map[string]string{
		`{"status":"error","code":400400,"message":"Not found.","data":{"detail":["no lobby"]}}`: `400400 "Not found." [no lobby] map[]`,
		`{"code":"400400","data":{"detail":"one"}}`:                                              `400400 "" [one] map[]`,
		`{"code":400400,"data":{"detail":{"channelId":"lobby"}}}`:                                `400400 "" [] map[channelId:lobby]`,
		`<html>bad gateway</html>`:                                                               `0 "" [] map[]`,
		`{"code":[1],"message":2}`:                                                               `0 "" [] map[]`,
	} {
		b := ParseBody([]byte(body), yes)
		if got := fmt.Sprintf("%d %q %v %v", b.Code, b.Message, b.Details, b.Fields); got != want {
			t.Errorf("%s: %s, want %s", body, got, want)
		}
	}
	b := ParseBody([]byte(`{"code":1,"data":{"detail":{"a":1}}}`), func([]byte) bool { return false })
	if b.Fields != nil {
		t.Error("a detail object decoded although refused")
	}
}
