package database

import "strings"

// Args collects the arguments of a statement being written and gives each
// its placeholder, so that no caller numbers parameters by hand:
//
//	q := db.Args(id)                      // $1 is already written: … WHERE id = $1
//	where := "status = " + q.Arg(status)  // the second parameter
//	rows, err := db.QueryContext(ctx, query+where, q.Values()...)
//
// From Args a placeholder names its argument by number: it stays right
// wherever it sits in the statement, beside $N written by hand, and may be
// written more than once. From InOrder it does not, and costs nothing to
// bind however many there are.
type Args struct {
	place func(n int) string
	list  []any
}

// Args starts the arguments of a statement on db; first are those its
// hand-written part already numbers $1, $2 ….
func (db *DB) Args(first ...any) *Args { return &Args{place: numbered, list: first} }

// InOrder starts the arguments of a statement whose placeholders all come
// from it and appear in the statement in the order they were made, each
// once: a multi-row INSERT or a long IN list. SQLite binds these in time
// proportional to their number; numbered ones take time that grows with
// its square.
func (db *DB) InOrder() *Args { return &Args{place: db.d.positional} }

// ArgsAfter starts arguments for a fragment that joins a statement whose
// first n-1 parameters are already written; its placeholders are $n,
// $n+1 …. Values returns only the fragment's. It is for code that builds
// conditions without a database at hand.
func ArgsAfter(n int) *Args {
	off := n - 1
	return &Args{place: func(k int) string { return numbered(k + off) }}
}

// Arg adds v and returns its placeholder.
func (a *Args) Arg(v any) string {
	a.list = append(a.list, v)
	return a.place(len(a.list))
}

// Row adds values and returns them as one row of a VALUES list: "(…, …)".
func (a *Args) Row(values ...any) string {
	var b strings.Builder
	a.row(&b, values)
	return b.String()
}

func (a *Args) row(b *strings.Builder, values []any) {
	b.WriteByte('(')
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Arg(v))
	}
	b.WriteByte(')')
}

// In returns the condition "column IN (…)" over values. Over no values it
// is a condition no row meets (SQL has no empty list).
func (a *Args) In(column string, values ...any) string {
	if len(values) == 0 {
		return "1 = 0"
	}
	var b strings.Builder
	b.WriteString(column)
	b.WriteString(" IN ")
	a.row(&b, values)
	return b.String()
}

// NotIn returns the condition "column NOT IN (…)"; over no values, one
// every row meets.
func (a *Args) NotIn(column string, values ...any) string {
	if len(values) == 0 {
		return "1 = 1"
	}
	var b strings.Builder
	b.WriteString(column)
	b.WriteString(" NOT IN ")
	a.row(&b, values)
	return b.String()
}

// List returns the placeholders of values, comma-separated, for an IN list
// written by hand; values must not be empty.
func (a *Args) List(values ...any) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Arg(v))
	}
	return b.String()
}

// Values are the arguments in placeholder order.
func (a *Args) Values() []any { return a.list }

// Len is the number of arguments so far.
func (a *Args) Len() int { return len(a.list) }

// AnyOf turns a typed slice into the arguments In and List take.
func AnyOf[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
