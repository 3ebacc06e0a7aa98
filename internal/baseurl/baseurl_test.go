package baseurl

import "testing"

func TestCheck(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.example.com/":    "https://api.example.com",
		"https://api.example.com/v/":  "https://api.example.com/v",
		"http://127.0.0.1:8080":       "http://127.0.0.1:8080",
		"http://localhost/":           "http://localhost",
		"http://[::1]:9/":             "http://[::1]:9",
		"":                            "",
		"api.example.com":             "",
		"ftp://api.example.com":       "",
		"https://u:p@api.example.com": "",
		"https://api.example.com/?q":  "",
		"https://api.example.com/#f":  "",
		"http://api.example.com":      "",
	} {
		u, err := Check(raw, false)
		switch {
		case want == "" && err == nil:
			t.Errorf("%q accepted as %s", raw, u)
		case want != "" && (err != nil || u.String() != want):
			t.Errorf("%q: %v, %v; want %s", raw, u, err, want)
		}
	}
	if _, err := Check("http://api.example.com", true); err != nil {
		t.Errorf("insecure http refused: %v", err)
	}
}
