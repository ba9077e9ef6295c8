package register

import (
	"fmt"
	"strings"

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

// FaultKind makes a conflict a fault.Conflict, answered 409.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }
