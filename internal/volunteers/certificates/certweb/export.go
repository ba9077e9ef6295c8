package certweb

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/volunteers/certificates"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

type exportData struct {
	Org, From, To string
	Units         []web.Option
	Columns       []string
	Errors        map[string]string
	Summary       []web.ErrItem
}

// exportForm offers the units of the viewer's export scope and a period
// (default: last year, the usual reporting period).
func (h *handler) exportForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	year := time.Now().In(workdays.Shanghai).Year() - 1
	d := exportData{From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year)}
	h.renderExport(w, r, rq, http.StatusOK, d)
}

func (h *handler) renderExport(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d exportData) {
	d.Columns = certificates.ExportColumns
	for _, id := range rq.Viewer.Scope(certificates.PermExport).Units() {
		if u, err := h.kit.Org.Get(r.Context(), id); err == nil {
			d.Units = append(d.Units, web.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		}
	}
	if d.Errors != nil {
		d.Summary = web.Summarize(d.Errors, []string{"org", "from", "to"})
	}
	h.tmpl.Render(w, r, status, "export", web.NewPage(rq, "导出志愿服务记录", "volcert", d))
}

// exportCSV sends the records of a unit and period in the national
// system's layout. The export, with its row count, is in the audit log
// before the file goes out; the file carries ID numbers, so nothing of
// it is logged.
func (h *handler) exportCSV(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	d := exportData{Org: q.Get("org"), From: q.Get("from"), To: q.Get("to")}
	org, _ := strconv.ParseInt(d.Org, 10, 64)
	if org == 0 {
		if units := rq.Viewer.Scope(certificates.PermExport).Units(); len(units) > 0 {
			org = units[0]
		}
	}
	rows, err := h.Certificates.Export(r.Context(), rq.Viewer.Scope(certificates.PermExport),
		certificates.ExportQuery{Org: org, From: d.From, To: d.To})
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.renderExport(w, r, rq, http.StatusUnprocessableEntity, d)
		return
	} else if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	if err := certificates.WriteCSV(&buf, rows); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if err := h.kit.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name,
		Addr: web.ClientAddr(r), Action: audit.Export, Entity: "unit", EntityID: org, Route: "GET /volunteer-records/export.csv",
		Status: http.StatusOK, Rows: len(rows), Detail: fmt.Sprintf("志愿服务记录 %s 至 %s", d.From, d.To)}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="volunteer-records-%d-%s-%s.csv"`, org,
		safeDate(d.From), safeDate(d.To)))
	w.Write(buf.Bytes())
}

// safeDate keeps a date checked by the service fit for a file name.
func safeDate(d string) string {
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return "x"
	}
	return d
}
