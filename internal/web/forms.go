package web

import (
	"context"
	"slices"
	"sort"
)

// Option is one choice of a select field.
type Option struct{ Value, Label string }

// ErrItem is one line of a form's error summary, linking to its field.
type ErrItem struct {
	Anchor string
	Msg    string
}

// Summarize lists the messages of a form's field errors in the order of the
// form's fields, then those for fields the form does not show, for the
// summary at the top of the form (the "errsummary" template).
func Summarize(fe map[string]string, fields []string) []ErrItem {
	var out []ErrItem
	for _, f := range fields {
		if m := fe[f]; m != "" {
			out = append(out, ErrItem{Anchor: "f-" + f, Msg: m})
		}
	}
	var rest []string
	for k := range fe {
		if !slices.Contains(fields, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, ErrItem{Msg: fe[k]})
	}
	return out
}

// DepartmentOptions are the functional departments, for a select field.
func (k *Kit) DepartmentOptions(ctx context.Context) ([]Option, error) {
	depts, err := k.Access.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Option, len(depts))
	for i, d := range depts {
		out[i] = Option{Value: d.Code, Label: d.Name}
	}
	return out, nil
}

// Truncate cuts s to at most n characters, for text typed by a user that
// goes into an audit entry or a sample shown on a page.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
