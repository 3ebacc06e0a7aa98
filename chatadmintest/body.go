package chatadmintest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/chatadmin/chatadmin-go/internal/apicode"
	"github.com/chatadmin/chatadmin-go/internal/qs"
)

// maxBody is body-parser's default limit for form and JSON bodies (100 KiB);
// larger bodies get 413 "Payload too large.".
const maxBody = 100 << 10

// call is one request on its way through a handler.
type call struct {
	r     *http.Request
	route *route
	path  map[string]string // path parameters, percent-decoded
	query map[string]any    // qs.ParseQuery of the query string
	body  map[string]any    // form or JSON body (or multipart text fields)
	file  *uploadFile       // the multipart "file" part
	image *imageSet         // prepared by prepareImage
	now   time.Time
}

// uploadFile is the "file" part of a multipart upload.
type uploadFile struct {
	name        string
	contentType string
	data        []byte
}

// mediaType returns the lower-cased media type of the Content-Type header,
// "" when absent, or an error when it does not parse.
func mediaType(r *http.Request) (string, map[string]string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", nil, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	return strings.ToLower(mt), params, err
}

// parseRequest fills c.query and c.body according to the route's body kind.
func parseRequest(e *Emulator, c *call) error {
	c.query = qs.ParseQuery(c.r.URL.RawQuery)
	c.body = map[string]any{}
	switch c.route.kind {
	case bodyQuery:
		return nil
	case bodyNone:
		n, _ := io.Copy(io.Discard, io.LimitReader(c.r.Body, 1))
		if n > 0 {
			return errBadRequest("This endpoint takes no request body.")
		}
		return nil
	case bodyForm:
		return parseSmallBody(c, "application/x-www-form-urlencoded", func(b []byte) error {
			m, err := qs.Parse(string(b))
			switch {
			case errors.Is(err, qs.ErrTooManyParameters):
				return &apiError{status: http.StatusRequestEntityTooLarge, code: apicode.Business, message: "Too many parameters."}
			case err != nil:
				return errBadRequest("The input exceeded the depth.")
			}
			c.body = m
			return nil
		})
	case bodyJSON:
		return parseSmallBody(c, "application/json", func(b []byte) error {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return errBadRequest("Invalid JSON body.")
			}
			if _, err := dec.Token(); err != io.EOF {
				return errBadRequest("Invalid JSON body.")
			}
			m, ok := v.(map[string]any)
			if !ok {
				return errBadRequest("The JSON body must be an object.")
			}
			c.body = m
			return nil
		})
	case bodyMultipart:
		return parseMultipart(e, c)
	}
	return nil
}

// parseSmallBody enforces the Content-Type and the 100 KiB limit. Like
// body-parser, a request without a body (and without a Content-Type) is
// taken as empty parameters; a Content-Type, when present, must be the
// route's.
func parseSmallBody(c *call, want string, parse func([]byte) error) error {
	mt, _, err := mediaType(c.r)
	if err != nil || (mt != "" && mt != want) {
		return errBadRequest("Content-Type must be " + want + ".")
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return errBadRequest("Could not read the request body.")
	}
	if len(b) > maxBody {
		return errTooLarge()
	}
	if len(b) == 0 {
		return nil
	}
	if mt == "" {
		return errBadRequest("Content-Type must be " + want + ".")
	}
	return parse(b)
}

// parseMultipart streams a multipart/form-data body: text fields become
// c.body (with bracket keys understood as qs does), the part named "file"
// becomes c.file. At most the upload limit + 1 bytes of the file are read.
func parseMultipart(e *Emulator, c *call) error {
	mt, params, err := mediaType(c.r)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return errBadRequest("Content-Type must be multipart/form-data.")
	}
	mr := multipart.NewReader(c.r.Body, params["boundary"])
	var pairs [][2]string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errBadRequest("Malformed multipart body.")
		}
		name := part.FormName()
		if part.FileName() != "" || name == "file" {
			if name != "file" || c.file != nil {
				return errBadRequest("Unexpected field: " + name + ".")
			}
			limit := e.cfg.maxUploadSize
			data, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				return errBadRequest("Malformed multipart body.")
			}
			if int64(len(data)) > limit {
				return errTooLarge()
			}
			c.file = &uploadFile{name: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}
			continue
		}
		if len(pairs) >= qs.ParameterLimit {
			return &apiError{status: http.StatusRequestEntityTooLarge, code: apicode.Business, message: "Too many parameters."}
		}
		val, err := io.ReadAll(io.LimitReader(part, maxBody+1))
		if err != nil {
			return errBadRequest("Malformed multipart body.")
		}
		if len(val) > maxBody {
			return errTooLarge()
		}
		pairs = append(pairs, [2]string{name, string(val)})
	}
	m, err := qs.ParsePairs(pairs)
	if err != nil {
		return errBadRequest("The input exceeded the depth.")
	}
	c.body = m
	return nil
}
