package apicode

import "testing"

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
