package sheets

import (
	"fmt"
	"strings"

	"shequ/internal/fault"
)

// Problem is an error of a list read whole, at its row and column.
type Problem struct {
	Place   string // 第5行, 第3个要素
	Column  string // “上级”列
	Message string
}

func (p Problem) String() string { return p.Place + p.Column + ":" + p.Message }

// Problems are every error found in a list taken all or nothing: nothing
// of it was taken.
type Problems []Problem

// shownProblems bounds the message: a file wrong throughout says so in its
// first errors.
const shownProblems = 30

func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "文件有 %d 处错误,未作任何更改:", len(ps))
	for i, p := range ps {
		if i == shownProblems {
			fmt.Fprintf(&b, "\n……另有 %d 处", len(ps)-shownProblems)
			break
		}
		b.WriteString("\n" + p.String())
	}
	return b.String()
}

// FaultKind: the file is at fault.
func (Problems) FaultKind() fault.Kind { return fault.Invalid }
