package reportsweb

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"shequ/internal/reports"
	"shequ/internal/web"
)

// reportExport downloads the report as xlsx (in the department's blank
// form, else the template's layout), pdf or csv.
func (h *handler) reportExport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q, ok := h.reportQuery(w, r, rq)
	if !ok {
		return
	}
	id, _ := web.PathID(r)
	rep, err := h.Reports.Compute(r.Context(), q.Template.Code, id, q.Period, reports.Options{Departments: departmentsFor(rq)})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	format := r.URL.Query().Get("format")
	var ctype, ext string
	switch format {
	case "xlsx":
		err = h.Reports.ExportXLSX(r.Context(), rep, &buf) // into the department's blank form, when uploaded
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	case "pdf":
		err = rep.WritePDF(&buf, h.kit.Zone)
		ctype, ext = "application/pdf", "pdf"
	case "csv":
		err = rep.WriteCSV(&buf)
		ctype, ext = "text/csv; charset=utf-8", "csv"
	default:
		h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	name := fmt.Sprintf("%s-%s-%s.%s", q.Template.Code, rep.Unit.Name, q.Period, ext)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="report.`+ext+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(buf.Bytes())
}
