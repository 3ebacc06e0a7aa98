package chatadmin

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/google/go-querystring/query"

	"github.com/chatadmin/chatadmin-go/internal/form"
)

// Metadata is free-form data attached to a channel or a user. In form bodies
// it is sent in bracket notation (metadata[k]=v, metadata[a][b]=1), which a
// qs-style server parses back into a nested object; in JSON bodies it is an
// ordinary object.
//
// Values may be strings, bools, numbers (they arrive as strings), nested
// maps (map[string]any, Metadata, map[string]string) and arrays ([]any,
// []string). An array of scalars is sent as key[]=a&key[]=b; an array
// holding objects or arrays is sent with indexes (key[0][sku]=a1), since
// with key[] the server would merge the objects into one and flatten the
// arrays. What a form cannot carry is refused with a *ValidationError naming
// its path (metadata[items][0]): nil, an empty map or an empty array inside
// the metadata, keys the bracket notation would misread, and nesting past
// the server's parser depth.
type Metadata map[string]any

// EncodeValues writes m in bracket notation under key. It implements
// go-querystring's Encoder, which cannot encode maps by itself.
func (m Metadata) EncodeValues(key string, v *url.Values) error {
	return formErr(form.Encode(key, map[string]any(m), v))
}

// formErr turns internal/form's error into the *ValidationError callers get.
func formErr(err error) error {
	var fe *form.Error
	if errors.As(err, &fe) {
		if fe.Key == "form body" || fe.Key == "query string" {
			return invalid(fe.Key, fe.Key, "%s", fe.Msg)
		}
		return invalidAt(fe.Key, "%s", fe.Msg)
	}
	return err
}

func formShape(key string, val any) (any, error) {
	v, err := form.Shape(key, val)
	return v, formErr(err)
}

// bracketList is a string list sent as key[]=a&key[]=b, so that a qs parser
// reads it as an array even with one element. As a go-querystring Encoder it
// also skips the library's per-element reflection and fmt.Sprint, which
// dominated the allocations of a 100-id ban.
type bracketList []string

// EncodeValues implements go-querystring's Encoder.
func (l bracketList) EncodeValues(key string, v *url.Values) error {
	if len(l) == 0 {
		return nil
	}
	k := key + "[]"
	if vs, ok := (*v)[k]; ok {
		(*v)[k] = append(vs, l...)
		return nil
	}
	// The values are only read, while the call is encoded: the caller's
	// slice serves, capped so that an append elsewhere copies it. Copying
	// it cost a 100-id ban 7 % of its CPU.
	(*v)[k] = l[:len(l):len(l)]
	return nil
}

// encodeValues turns a tagged options struct into url.Values, checked for
// UTF-8. A nil pointer gives no values.
func encodeValues(opts any) (url.Values, error) {
	vals, err := structValues(opts)
	if err != nil {
		return nil, err
	}
	return vals, formErr(form.CheckUTF8(vals))
}

// structValues is encodeValues without the UTF-8 check, for the form
// bodies and query strings whose encoder (form.Limits.Encode) checks as it
// writes.
func structValues(opts any) (url.Values, error) {
	if opts == nil {
		return nil, nil
	}
	switch o := opts.(type) {
	case url.Values:
		return o, nil
	}
	vals, err := query.Values(opts)
	if err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			return nil, verr
		}
		return nil, fmt.Errorf("chatadmin: encoding parameters: %w", err)
	}
	return vals, nil
}

// invalidAt is invalid for a value found under the wire key: the Go name
// is derived from it (see form.GoPath).
func invalidAt(key, format string, args ...any) error {
	return invalid(form.GoPath(key), key, format, args...)
}
