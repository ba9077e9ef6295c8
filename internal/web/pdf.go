package web

import (
	"errors"
	"net/http"
	"strconv"

	"shequ/internal/audit"
	"shequ/internal/pdfdoc"
)

// PDFs carry names and addresses (receipts, certificates, index cards), so
// every download is an export recorded in the audit log before the file goes
// out, like a CSV export. They open in the browser (inline) so that a clerk
// can print them at once.

// PDF is one file to send and what the audit log records of it.
type PDF struct {
	Route     string // the route's pattern, as the audit log names it
	Entity    string
	ID        int64
	Community int64
	Rows      int
	Detail    string
	Filename  string
	Body      []byte
}

// SendPDF records the download and sends the file.
func (k *Kit) SendPDF(w http.ResponseWriter, r *http.Request, rq *Request, p PDF) {
	if err := k.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: ClientAddr(r),
		Action: audit.Export, Entity: p.Entity, EntityID: p.ID, CommunityID: p.Community, Route: p.Route, Status: http.StatusOK,
		Rows: p.Rows, Detail: p.Detail}); err != nil {
		k.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+p.Filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(p.Body)))
	w.Write(p.Body)
}

// PDFFail answers a PDF that could not be made. Without a Chinese font the
// page says what to install (the message names a Debian package, nothing
// personal); anything else is the 500 page.
func (k *Kit) PDFFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if errors.Is(err, pdfdoc.ErrNoFont) {
		k.Log.Error("pdf: no Chinese font", "path", r.URL.Path)
		k.ErrorMessage(w, r, rq, http.StatusServiceUnavailable, "无法生成 PDF", "", "无法生成 PDF", pdfdoc.ErrNoFont.Error())
		return
	}
	k.ServerError(w, r, rq, err)
}
