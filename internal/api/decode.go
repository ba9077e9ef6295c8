package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"shequ/internal/fault"
)

// maxBody bounds a JSON body without photos.
const maxBody = 1 << 20

// decode reads a JSON body of at most 1 MiB into v, refusing unknown fields.
func decode(r io.Reader, v any) error { return decodeLimit(r, v, maxBody) }

// tooLarge is a body over its limit: answered 413, at the body.
type tooLarge struct{ fault.Fields }

// decodeLimit reads a JSON body of at most limit bytes into v. Every error
// is a field error in Chinese — the field whose value has the wrong type,
// is unknown or holds bytes that are not text — and never the decoder's
// own words, which name Go types.
func decodeLimit(body io.Reader, v any, limit int64) error {
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return fieldError("body", "请求体读取失败")
	}
	if int64(len(b)) > limit {
		return tooLarge{fault.Fields{"body": fmt.Sprintf("请求体超过 %s 上限", sizeText(limit))}}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fieldError("body", "请求体为空,应为 JSON 对象")
	}
	if !utf8.Valid(b) || bytes.Contains(b, []byte(`\u`)) || bytes.Contains(b, []byte("\uFFFD")) {
		if field, bad := badText(b); bad {
			return fieldError(field, "字段 "+field+" 含有无效字符(应为 UTF-8 文本,不能含 NUL)")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, reflect.TypeOf(v))
	}
	if dec.More() {
		return fieldError("body", "请求体只能是一个 JSON 对象")
	}
	return nil
}

func decodeError(err error, target reflect.Type) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var k fault.Kinded
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fieldError(te.Field, "字段 "+te.Field+" 应为"+kindText(te.Type))
	case errors.As(err, &te):
		return fieldError("body", "请求体应为"+kindText(target))
	case errors.As(err, &se):
		return fieldError("body", fmt.Sprintf("请求体不是有效的 JSON(第 %d 个字节附近)", se.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fieldError("body", "请求体不完整,JSON 没有结束")
	case errors.As(err, &k) && k.FaultKind() != fault.Internal:
		return err // a type's own check, in its own words
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		if !utf8.ValidString(f) || len(f) > 60 {
			return fieldError("body", "请求体含有未知字段")
		}
		return fieldError(f, "未知字段 "+f)
	}
	return fieldError("body", "请求体无法读取,请检查各字段的类型")
}

// kindText names the JSON a Go type is read from, for people.
func kindText(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "有效的值"
	}
	switch t.Kind() {
	case reflect.String:
		return "文本(字符串)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "整数"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "非负整数"
	case reflect.Float32, reflect.Float64:
		return "数字"
	case reflect.Bool:
		return "true 或 false"
	case reflect.Slice, reflect.Array:
		return "数组"
	case reflect.Map, reflect.Struct:
		return "JSON 对象"
	}
	return "有效的值"
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

// badText finds the first string of a JSON document holding what is not
// text: bytes that are not UTF-8 (which the decoder would quietly turn into
// U+FFFD), escaped lone surrogates or NUL characters. It names the field
// as the decoder does, its keys joined by dots; "body" for a bad key or a
// document that is not JSON at all (the decoder says so then).
func badText(b []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	type level struct {
		object bool
		key    string
		atKey  bool // the next string of an object is a key
	}
	var stack []level
	path := func() string {
		var keys []string
		for _, l := range stack {
			if l.object && l.key != "" {
				keys = append(keys, l.key)
			}
		}
		if len(keys) == 0 {
			return "body"
		}
		return strings.Join(keys, ".")
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, level{object: t == '{', atKey: t == '{'})
				continue
			default:
				stack = stack[:top]
				top--
			}
		case string:
			bad := strings.ContainsAny(t, "\uFFFD\x00")
			if top >= 0 && stack[top].object && stack[top].atKey {
				if bad {
					return "body", true
				}
				stack[top].key, stack[top].atKey = t, false
				continue
			}
			if bad {
				return path(), true
			}
		}
		// A value ended: the object it was in expects a key next.
		if top >= 0 && stack[top].object {
			stack[top].atKey = true
		}
	}
}
