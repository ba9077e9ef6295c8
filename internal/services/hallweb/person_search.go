package hallweb

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

// personSearch is what the window's forms (intake, certificates) find when
// the clerk looks a resident up: the rows, whether more matched, and the
// message for the search field when the query itself is refused.
type personSearch struct {
	Rows     []web.PersonRow
	More     bool
	FieldErr string
}

// searchPersons looks q up within scope, noting in rq's audit entry what
// was searched for (as what) and how many rows it found. An error is one
// the form cannot show.
func (h *pages) searchPersons(ctx context.Context, rq *web.Request, scope access.Scope, what, q string) (personSearch, error) {
	rq.Audit.Detail = web.Truncate(what+" persons: "+q, 200)
	ps, more, err := h.reg.SearchPersons(ctx, scope, register.PersonQuery{Text: q, Limit: pageSize})
	if fe := fault.FieldsOf(err); fe != nil {
		msg := fe["q"]
		if msg == "" {
			msg = fe.Error()
		}
		return personSearch{FieldErr: msg}, nil
	}
	if err != nil {
		return personSearch{}, err
	}
	rq.Audit.Rows = len(ps)
	rows, err := web.PersonRows(ctx, h.reg, h.org, rq.Read(), ps)
	return personSearch{Rows: rows, More: more}, err
}
