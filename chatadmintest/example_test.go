package chatadmintest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/chatadmin/chatadmin-go/chatadmintest"
)

// A test starts a server, points its client at s.URL with s.Token(), and
// can inspect what arrived with s.Requests().
func ExampleNewServer() {
	s := chatadmintest.NewServer()
	defer s.Close()

	req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v2/channel",
		strings.NewReader("channelId=lobby&type=standard&tags[]=public"))
	req.Header.Set("Authorization", "Bearer "+s.Token())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()

	fmt.Println(resp.StatusCode, s.Requests()[0].Route)
	// Output: 200 POST /api/v2/channel
}

// Faults script failures for retry tests.
func ExampleEmulator_InjectFault() {
	s := chatadmintest.NewServer()
	defer s.Close()
	s.InjectFault(chatadmintest.Fault{Route: "GET /api/v2/roles", Status: 503,
		Header: http.Header{"Retry-After": {"1"}}})

	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v2/roles", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	for range 2 {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	http.DefaultClient.CloseIdleConnections()
	// Output:
	// 503 1
	// 200
}
