package stream

import (
	"bytes"
	"maps"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"slices"
)

// Multipart frames a multipart/form-data body around one file: the text
// fields (sorted by name) and the file part's header (pre), and the closing
// boundary (trailer), so that each attempt can stream pre, the file and
// trailer without buffering the file. It returns the body's Content-Type,
// whose random boundary is the same for every attempt.
func Multipart(fields url.Values, fileName, fileType string) (contentType string, pre, trailer []byte, err error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		for _, v := range fields[k] {
			if err := mw.WriteField(k, v); err != nil {
				return "", nil, nil, err
			}
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", multipart.FileContentDisposition("file", fileName))
	h.Set("Content-Type", fileType)
	if _, err := mw.CreatePart(h); err != nil {
		return "", nil, nil, err
	}
	pre = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return "", nil, nil, err
	}
	return mw.FormDataContentType(), pre, buf.Bytes(), nil
}
