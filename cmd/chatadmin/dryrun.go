package main

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// dryRunTransport is the http.RoundTripper of --dry-run: it prints each
// request as a curl command and answers it itself, so that the SDK call
// completes and nothing leaves the machine. The Authorization header is
// printed as "Bearer $CHATADMIN_TOKEN" in double quotes, for the shell to
// fill in; every other value is single-quoted.
type dryRunTransport struct {
	mu sync.Mutex
	w  io.Writer
	// files maps an upload's file name to the path the user gave, so that
	// the curl command reads the same file.
	files map[string]string
}

// uploadPath records the path of a file the command will upload.
func (d *dryRunTransport) uploadPath(name, path string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.files == nil {
		d.files = map[string]string{}
	}
	d.files[name] = path
}

// skippedHeaders are set by curl itself or meaningless to replay.
var skippedHeaders = []string{"Authorization", "Content-Length", "Accept-Encoding"}

// RoundTrip renders req and returns a synthetic 200.
func (d *dryRunTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var b strings.Builder
	b.WriteString("curl")
	if req.Method != http.MethodGet {
		b.WriteString(" -X " + req.Method)
	}
	b.WriteString(" " + shellQuote(req.URL.String()))
	if req.Header.Get("Authorization") != "" {
		b.WriteString(` -H "Authorization: Bearer $CHATADMIN_TOKEN"`)
	}
	if req.Body != nil {
		defer req.Body.Close()
	}
	ct := req.Header.Get("Content-Type")
	mediaType, params, _ := mime.ParseMediaType(ct)
	for _, k := range sortedKeys(req.Header) {
		if slices.Contains(skippedHeaders, k) || (k == "Content-Type" && mediaType == "multipart/form-data") {
			continue
		}
		for _, v := range req.Header[k] {
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if req.Body != nil && mediaType == "multipart/form-data" {
		// Streamed part by part: the file's bytes are read and dropped,
		// never held, however large the upload.
		if err := d.writeForm(&b, req.Body, params["boundary"]); err != nil {
			return nil, err
		}
	} else if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("dry run: reading the request body: %w", err)
		}
		if len(body) > 0 {
			b.WriteString(" --data-binary " + shellQuote(string(body)))
		}
	}
	d.mu.Lock()
	fmt.Fprintln(d.w, b.String())
	d.mu.Unlock()
	return syntheticResponse(req), nil
}

// writeForm renders a multipart body as -F options: text fields with
// --form-string (curl would read a value starting with @ or < as a file),
// the file part as -F name=@path;type=...;filename=....
func (d *dryRunTransport) writeForm(b *strings.Builder, body io.Reader, boundary string) error {
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dry run: reading the multipart body: %w", err)
		}
		if p.FileName() != "" {
			d.mu.Lock()
			path := d.files[p.FileName()]
			d.mu.Unlock()
			if path == "" {
				path = p.FileName()
			}
			// curl splits an unquoted -F value at ";": the path
			// "evidence;2024.png" would upload the file "evidence". Quoted,
			// curl reads it whole.
			spec := p.FormName() + "=@" + curlQuote(path)
			if t := p.Header.Get("Content-Type"); t != "" {
				spec += ";type=" + t
			}
			spec += ";filename=" + curlQuote(p.FileName())
			b.WriteString(" -F " + shellQuote(spec))
			if _, err := io.Copy(io.Discard, p); err != nil {
				return fmt.Errorf("dry run: reading the upload: %w", err)
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, 1<<20))
		if err != nil {
			return fmt.Errorf("dry run: reading the multipart body: %w", err)
		}
		b.WriteString(" --form-string " + shellQuote(p.FormName()+"="+string(v)))
	}
}

// curlQuote double-quotes a file name in a -F value as curl parses it,
// with a backslash before each " and \.
func curlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && safeShell.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var safeShell = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// syntheticResponse is the least answer each route needs for the SDK to
// decode a result: the SDK refuses an answer that lacks what the method
// promises (a list, an id), so each route gets one with exactly that.
func syntheticResponse(req *http.Request) *http.Response {
	p := strings.TrimPrefix(req.URL.Path, "/api/v2")
	get, post, put, del := req.Method == http.MethodGet, req.Method == http.MethodPost, req.Method == http.MethodPut, req.Method == http.MethodDelete
	body := `{}`
	switch {
	case get && (strings.HasSuffix(p, "/images") || strings.HasSuffix(p, "/files")):
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/octet-stream"}}, Body: http.NoBody, ContentLength: 0, Request: req}
	case get && strings.HasPrefix(p, "/message/"):
		body = `{"message":{"messageId":"dry-run"}}`
	case post && (p == "/message" || p == "/messages/images" || p == "/messages/files"):
		body = `{"messages":[{"messageId":"dry-run"}]}`
	case post && p == "/messages":
		body = `{"messages":[]}`
	case post && p == "/channels":
		body = `{"results":[]}`
	case post && p == "/channel":
		body = `{"channel":{"channelId":"dry-run"}}`
	case post && p == "/channel/displayName":
		body = `{"channelId":"dry-run"}`
	case get && p == "/users":
		body = `{"users":[]}`
	case put && p == "/users", del && strings.HasSuffix(p, "/flags"):
		body = `{"userId":"dry-run"}`
	case get && p == "/roles":
		body = `{"roles":[]}`
	case get && strings.HasSuffix(p, "/records"):
		body = `{"results":[]}`
	case put && strings.Contains(p, "/records/"):
		body = `{"ruleId":"dry-run"}`
	case get && p == "/reactions":
		body = `{"reactions":[]}`
	case post && p == "/reactions":
		body = `{"addedId":"dry-run"}`
	case del && p == "/reactions":
		body = `{"removedId":"dry-run"}`
	case get && p == "/reactions/messages/most":
		body = `[]`
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}
}
