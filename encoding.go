package chatadmin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
)

// Metadata is free-form data attached to a channel or a user. In form bodies
// it is sent in bracket notation (metadata[k]=v, metadata[a][b]=1), which a
// qs-style server parses back into a nested object; in JSON bodies it is an
// ordinary object.
type Metadata map[string]any

// EncodeValues writes m in bracket notation under key. It implements
// go-querystring's Encoder, which cannot encode maps by itself.
func (m Metadata) EncodeValues(key string, v *url.Values) error {
	return encodeNested(key, map[string]any(m), v)
}

func encodeNested(key string, val any, v *url.Values) error {
	switch x := val.(type) {
	case nil:
		v.Add(key, "")
	case Metadata:
		return encodeNested(key, map[string]any(x), v)
	case map[string]any:
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return err
			}
			if err := encodeNested(key+"["+k+"]", inner, v); err != nil {
				return err
			}
		}
	case map[string]string:
		for k, inner := range x {
			if err := checkMetadataKey(key, k); err != nil {
				return err
			}
			v.Add(key+"["+k+"]", inner)
		}
	case []any:
		for _, inner := range x {
			if err := encodeNested(key+"[]", inner, v); err != nil {
				return err
			}
		}
	case []string:
		for _, inner := range x {
			v.Add(key+"[]", inner)
		}
	case string:
		v.Add(key, x)
	case bool:
		v.Add(key, strconv.FormatBool(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		v.Add(key, fmt.Sprint(x))
	case float32, float64, json.Number:
		v.Add(key, fmt.Sprint(x))
	default:
		return fmt.Errorf("chatadmin: cannot form-encode %s of type %T", key, val)
	}
	return nil
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
	(*v)[k] = append((*v)[k], l...)
	return nil
}

// checkMetadataKey refuses keys that bracket notation cannot carry: an empty
// key reads back as an array, and a bracket inside a key changes the nesting
// the server sees.
// A key of digits only would be read as an array index, turning the object
// into an array.
func checkMetadataKey(parent, k string) error {
	if k == "" || strings.ContainsAny(k, "[]") {
		return invalid(parent, "key %q cannot be sent in a form body (empty or contains [ or ])", k)
	}
	if strings.Trim(k, "0123456789") == "" {
		return invalid(parent, "key %q cannot be sent in a form body: a qs parser reads it as an array index", k)
	}
	return nil
}

// encodeValues turns a tagged options struct into url.Values. A nil pointer
// gives no values.
func encodeValues(opts any) (url.Values, error) {
	if opts == nil {
		return nil, nil
	}
	vals, err := query.Values(opts)
	if err != nil {
		return nil, fmt.Errorf("chatadmin: encoding parameters: %w", err)
	}
	return vals, nil
}
