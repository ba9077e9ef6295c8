package web

import (
	"errors"
	"net/http"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/pdfdoc"
)

// PDFs of the service hall: receipts, one-time notices, certificates and
// index cards carry names and addresses, so every download is an export
// recorded in the audit log before the file goes out (like the register's
// CSV export). They open in the browser (inline) so that a clerk can print
// them at once.

// sendServicePDF records the download and sends the file.
func (h *handler) sendServicePDF(w http.ResponseWriter, r *http.Request, rq *Request, route, entity string, id, community int64,
	rows int, detail, filename string, pdf []byte) {
	if err := h.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: ClientAddr(r),
		Action: audit.Export, Entity: entity, EntityID: id, CommunityID: community, Route: route, Status: http.StatusOK,
		Rows: rows, Detail: detail}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	w.Write(pdf)
}

// servicePDFFail answers a PDF that could not be made. Without a Chinese
// font the page says what to install (the message names a Debian package,
// nothing personal); anything else is the 500 page.
func (h *handler) servicePDFFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if errors.Is(err, pdfdoc.ErrNoFont) {
		h.Log.Error("pdf: no Chinese font", "path", r.URL.Path)
		w.Header().Set("Cache-Control", "no-store")
		h.tmpl.Render(w, r, http.StatusServiceUnavailable, "error", NewPage(rq, "无法生成 PDF", "",
			errorData{Status: http.StatusServiceUnavailable, Heading: "无法生成 PDF", Message: pdfdoc.ErrNoFont.Error()}))
		return
	}
	h.kit.ServerError(w, r, rq, err)
}
