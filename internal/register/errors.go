package register

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned when a register row does not exist.
var ErrNotFound = errors.New("记录不存在")

// FieldErrors maps a field name (the JSON and form name) to a message in
// Chinese, so each message can be shown next to the field that caused it.
type FieldErrors map[string]string

func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fe[k])
	}
	return strings.Join(parts, ";")
}

// add records the first message for a field.
func (fe FieldErrors) add(field, msg string) {
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
}

func (fe FieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// ConflictError is returned when a row changed after the editor read it: the
// save is refused and the changes made meanwhile are shown instead.
type ConflictError struct {
	Entity  string
	ID      int64
	Since   []Change // changes made after the editor's version
	Current int      // the row's version now
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	b.WriteString("保存冲突:该记录在您打开后已被修改,未保存您的更改。")
	for _, c := range e.Since {
		fmt.Fprintf(&b, "%s 于 %s 修改了", c.Actor, c.At.Format("2006-01-02 15:04"))
		for i, f := range c.Fields {
			if i > 0 {
				b.WriteString("、")
			}
			fmt.Fprintf(&b, " %s", FieldLabel(c.Entity, f.Field))
		}
		b.WriteString("。")
	}
	b.WriteString("请查看最新内容后重新修改。")
	return b.String()
}
