package scrub

import (
	"errors"
	"net/http"
	"net/url"
)

// JSON masks the token in the keys and strings of a decoded JSON value.
func JSON(s *Scrubber, v any) any {
	switch v := v.(type) {
	case string:
		return Clean(s, v, false)
	case []any:
		for i, x := range v {
			v[i] = JSON(s, x)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[Clean(s, k, false)] = JSON(s, x)
		}
		return out
	}
	return v
}

// Header masks the token in the names and values of h.
func Header(s *Scrubber, h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			vs[i] = Clean(s, v, false)
		}
		if ck := Clean(s, k, false); ck != k {
			delete(h, k)
			h[ck] = append(h[ck], vs...)
		}
	}
}

// Error masks the token in err's text. A *url.Error keeps its type; any
// other error whose text held the token is replaced by one that matches it
// with errors.Is but does not unwrap to it, which would hand the token back.
func Error(s *Scrubber, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := Clean(s, msg, false)
	if clean == msg {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		out := &url.Error{Op: ue.Op, URL: Clean(s, ue.URL, false), Err: Error(s, ue.Err)}
		if m := out.Error(); Clean(s, m, false) == m {
			return out
		}
	}
	return &scrubbedError{msg: clean, err: err}
}

// scrubbedError is an error whose text had the token in it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }

// Timeout keeps a timeout recognisable (url.Error.Timeout asks its Err).
func (e *scrubbedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.err, &t) && t.Timeout()
}
