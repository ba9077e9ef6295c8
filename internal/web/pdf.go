package web

import (
	"errors"
	"net/http"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/pdfdoc"
)

// PDFs carry names and addresses (receipts, certificates, index cards), so
// every download is an export recorded in the audit log before the file
// goes out, like the register's CSV export. They open in the browser
// (inline) so that a clerk can print them at once.

// SendPDF records the download in the audit log, then sends the file.
func (k *Kit) SendPDF(w http.ResponseWriter, r *http.Request, rq *Request, route, entity string, id, community int64,
	rows int, detail, filename string, pdf []byte) {
	if err := k.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: ClientAddr(r),
		Action: audit.Export, Entity: entity, EntityID: id, CommunityID: community, Route: route, Status: http.StatusOK,
		Rows: rows, Detail: detail}); err != nil {
		k.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	w.Write(pdf)
}

// PDFFail answers a PDF that could not be made. Without a Chinese font the
// page says what to install (the message names a Debian package, nothing
// personal); anything else is the 500 page.
func (k *Kit) PDFFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if errors.Is(err, pdfdoc.ErrNoFont) {
		k.Log.Error("pdf: no Chinese font", "path", r.URL.Path)
		k.Explain(w, r, rq, http.StatusServiceUnavailable, "无法生成 PDF", pdfdoc.ErrNoFont.Error())
		return
	}
	k.ServerError(w, r, rq, err)
}
