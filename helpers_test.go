package chatadmin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/h2non/gock.v1"
)

const (
	testBase  = "https://api.test"
	testToken = "test-token-5ecret"
)

// newTestClient returns a Client whose transport is intercepted by gock.
// It makes one attempt per call, so an unmatched request fails at once
// instead of being retried with real backoff. gock is global: tests that
// use it must not call t.Parallel.
func newTestClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithBaseURL(testBase), WithMaxAttempts(1), WithRetryWait(time.Millisecond, time.Millisecond)}, opts...)
	c, err := NewClient(testToken, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	gock.InterceptClient(c.hc)
	t.Cleanup(func() {
		defer gock.Off()
		defer gock.RestoreClient(c.hc)
		if !gock.IsDone() {
			for _, m := range gock.Pending() {
				t.Errorf("expected request not made: %s %s", m.Request().Method, m.Request().URLStruct)
			}
		}
		for _, r := range gock.GetUnmatchedRequests() {
			t.Errorf("unexpected request: %s %s", r.Method, r.URL)
		}
		gock.CleanUnmatchedRequest()
	})
	return c
}

// wire is the exact request an endpoint method must send.
type wire struct {
	Method      string
	Path        string     // escaped path, compared exactly
	Query       url.Values // the decoded query string; nil means none
	ContentType string     // "" means no Content-Type header
	Form        url.Values // decoded form body, key by key
	JSON        string     // JSON body, compared as JSON values
	NoBody      bool       // the request must have no body
	// Body checks any other body (multipart); it returns a description of
	// the mismatch, or "" when the body is right.
	Body func(contentType string, body []byte) string
}

// mismatches records why registered mocks did not match, so that a test
// failure says what differed instead of only "cannot match".
var mismatches sync.Map

// expect registers a gock mock that matches only the exact request w
// (method, path, query, Authorization, User-Agent, Content-Type, body),
// and returns its response for the test to fill.
func expect(t *testing.T, w wire) *gock.Response {
	t.Helper()
	mock := gock.New(testBase)
	mock.SetMatcher(gock.NewEmptyMatcher())
	mock.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		problem := w.mismatch(req)
		if problem != "" {
			mismatches.Store(t.Name(), problem)
			return false, nil
		}
		return true, nil
	})
	t.Cleanup(func() {
		if v, ok := mismatches.LoadAndDelete(t.Name()); ok && !mock.Mock.Done() {
			t.Errorf("%s %s: request did not match: %s", w.Method, w.Path, v)
		}
	})
	return mock.Reply(200)
}

func (w wire) mismatch(req *http.Request) string {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	switch {
	case req.Method != w.Method:
		return fmt.Sprintf("method %s, want %s", req.Method, w.Method)
	case req.URL.EscapedPath() != w.Path:
		return fmt.Sprintf("path %s, want %s", req.URL.EscapedPath(), w.Path)
	case req.Header.Get("Authorization") != "Bearer "+testToken:
		return fmt.Sprintf("Authorization %q", req.Header.Get("Authorization"))
	case !strings.HasPrefix(req.Header.Get("User-Agent"), "chatadmin-go/"):
		return fmt.Sprintf("User-Agent %q", req.Header.Get("User-Agent"))
	}
	gotQuery := req.URL.Query()
	if len(gotQuery) == 0 {
		gotQuery = nil
	}
	if !reflect.DeepEqual(gotQuery, w.Query) {
		return fmt.Sprintf("query %v, want %v", gotQuery, w.Query)
	}
	ct := req.Header.Get("Content-Type")
	if w.Body != nil {
		return w.Body(ct, body)
	}
	if ct != w.ContentType {
		return fmt.Sprintf("Content-Type %q, want %q", ct, w.ContentType)
	}
	switch {
	case w.NoBody:
		if len(body) != 0 {
			return fmt.Sprintf("body %q, want none", body)
		}
	case w.Form != nil:
		got, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Sprintf("form body %q: %v", body, err)
		}
		if !reflect.DeepEqual(got, w.Form) {
			return fmt.Sprintf("form %v, want %v", got, w.Form)
		}
	case w.JSON != "":
		var got, want any
		if err := json.Unmarshal(body, &got); err != nil {
			return fmt.Sprintf("JSON body %q: %v", body, err)
		}
		if err := json.Unmarshal([]byte(w.JSON), &want); err != nil {
			return "bad JSON in test: " + err.Error()
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("JSON %s, want %s", body, w.JSON)
		}
	default:
		if len(body) != 0 {
			return fmt.Sprintf("body %q, want none", body)
		}
	}
	return ""
}

// fixture returns testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return data
}

// replyFixture answers mock with testdata/name as JSON.
func replyFixture(t *testing.T, r *gock.Response, name string) {
	t.Helper()
	r.SetHeader("Content-Type", "application/json").BodyString(string(fixture(t, name)))
}
