package register

import (
	"fmt"
	"strings"
	"time"

	"shequ/internal/fault"
)

// ErrNotFound is returned when a register row does not exist.
var ErrNotFound = fault.New(fault.NotFound, "记录不存在")

// ConflictError is returned when a row changed after the editor read it: the
// save is refused and the changes made meanwhile are shown instead.
type ConflictError struct {
	Entity  string
	ID      int64
	Since   []Change // changes made after the editor's version
	Current int      // the row's version now
}

// chinaTime is the zone Error shows times in where no deployment zone is
// at hand.
var chinaTime = time.FixedZone("CST", 8*3600)

func (e *ConflictError) Error() string {
	return e.Text(func(t time.Time) string { return t.In(chinaTime).Format("2006-01-02 15:04") })
}

// Text is the message with the times of the changes shown by when — the
// deployment's clock (the stored times are UTC).
func (e *ConflictError) Text(when func(time.Time) string) string {
	var b strings.Builder
	b.WriteString("保存冲突:该记录在您打开后已被修改,未保存您的更改。")
	for _, c := range e.Since {
		fmt.Fprintf(&b, "%s 于 %s 修改了", c.Actor, when(c.At))
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

// FaultKind makes a conflict a fault.Conflict, answered 409.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }
