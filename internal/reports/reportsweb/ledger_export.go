package reportsweb

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/reports"
	"shequ/internal/web"
)

// ledgerLimit bounds one ledger download: a community's largest list fits.
const ledgerLimit = 50000

// reportLedgerExport downloads a ledger as xlsx or csv; the export and its
// row count are in the audit log before the file goes out.
func (h *handler) reportLedgerExport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := web.PathID(r)
	code := r.URL.Query().Get("item")
	if !rq.Viewer.CanAt(reports.PermRead, rq.Place) || !h.itemAllowed(rq, q.Template, code) {
		h.kit.ErrorPage(w, r, rq, http.StatusForbidden)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "xlsx" && format != "csv" {
		h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	p := q.Period.Of(itemFrequency(q.Template, code))
	l, err := h.Reports.Ledger(ctx, rq.Viewer.Scope(access.RegisterExport), code, id, p, 0, 1)
	if err != nil { // a manual item has no ledger: not found
		h.kit.Fail(w, r, rq, err)
		return
	}
	if l.Total > ledgerLimit {
		h.kit.ErrorMessage(w, r, rq, http.StatusUnprocessableEntity, "台账过大", "reports", "台账过大",
			fmt.Sprintf("该台账有 %d 条记录,超过一次导出的上限 %d 条。请在下级单位分别导出。", l.Total, ledgerLimit))
		return
	}
	var buf bytes.Buffer
	var n int
	if format == "xlsx" {
		n, err = l.WriteXLSX(ctx, &buf)
	} else {
		n, err = l.WriteCSV(ctx, &buf)
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if err := h.Audit.RecordNow(ctx, audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: web.ClientAddr(r),
		Action: audit.Export, Entity: "unit", EntityID: id, CommunityID: rq.Place.Community,
		Route: "GET /reports/units/{id}/ledger/export", Status: http.StatusOK, Rows: n,
		Detail: "report ledger " + code + " " + p.String()}); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := fmt.Sprintf("台账-%s-%s-%s.%s", l.Indicator.Name, l.Unit.Name, p, format)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="ledger.`+format+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(buf.Bytes())
}
