package reportsweb

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/web"
)

type ledgerData struct {
	Q        reportQuery
	Row      *reports.Row
	L        *reports.Ledger
	Page     int
	Pages    int
	Prev     int
	Next     int
	Query    template.URL // see reportPageData.Query
	Item     string
	Unit     orgtree.Unit
	Path     []orgtree.Unit
	CanSave  bool
	Heading  string
	Definite string
	Message  string
}

const ledgerPage = 50

// reportLedger lists the records behind one number (台账), scoped and
// masked as the viewer's register role says, with the number in each
// unit below.
func (h *handler) reportLedger(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := web.PathID(r)
	code := r.URL.Query().Get("item")
	ind, err := h.Reports.Indicator(ctx, code)
	if !h.itemAllowed(rq, q.Template, code) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	d := ledgerData{Q: q, Page: pg, Item: code, CanSave: rq.Viewer.CanAt(access.RegisterExport, rq.Place)}
	v := q.values()
	v.Set("item", code)
	d.Query = template.URL(v.Encode())
	if d.Path, err = h.Org.Ancestors(ctx, id); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Unit = d.Path[len(d.Path)-1]
	p := q.Period.Of(itemFrequency(q.Template, code))
	l, err := h.Reports.Ledger(ctx, rq.Read(), code, id, p, (pg-1)*ledgerPage, ledgerPage)
	if errors.Is(err, reports.ErrNoLedger) {
		d.Heading, d.Message = ind.Name, "该项为手工填报,由社区填写,没有台账。"
		h.tmpl.Render(w, r, http.StatusOK, "reports_ledger", web.NewPage(rq, ind.Name+" 台账", "reports", d))
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.L, d.Heading = l, ind.Name
	d.Pages = l.Pages()
	if pg > 1 {
		d.Prev = pg - 1
	}
	if pg < d.Pages {
		d.Next = pg + 1
	}
	reg, err := h.Reports.Registry(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Definite = ind.Definition(reg)
	rq.Audit.Rows = len(l.Rows)
	rq.Audit.Detail = "report ledger " + code
	h.tmpl.Render(w, r, http.StatusOK, "reports_ledger", web.NewPage(rq, ind.Name+" 台账", "reports", d))
}

// itemFrequency is how often an item of the template is due (the template's
// frequency for an indicator it does not hold).
func itemFrequency(t *reports.Template, code string) string {
	for _, it := range t.Items() {
		if it.Indicator == code {
			return it.Frequency
		}
	}
	return t.Frequency
}

// itemAllowed says whether the viewer may read the ledger of the item
// computing code (see reports.Service.LedgerItem).
func (h *handler) itemAllowed(rq *web.Request, t *reports.Template, code string) bool {
	_, err := h.Reports.LedgerItem(rq.Viewer, rq.Place, t, code)
	return err == nil
}
