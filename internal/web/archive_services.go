package web

import (
	"errors"
	"net/http"

	"shequ/internal/access"
	"shequ/internal/register"
	"shequ/internal/services"
)

// What the household archive's pages (archive.go) still take from the
// service hall, whose pages moved to internal/services/hallweb: its cards
// are made by the services package and sent as PDFs. This goes when the
// archive's pages move too.

// serviceFail answers a services error outside a form: not found (or out
// of scope) is the 404 page, a refused permission the 403 page. The
// services package's errors carry no fault kind yet.
func (h *handler) serviceFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	switch {
	case errors.Is(err, services.ErrNotFound), errors.Is(err, register.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
	case errors.Is(err, services.ErrNotAllowed), errors.Is(err, access.ErrForbidden):
		h.kit.ErrorPage(w, r, rq, http.StatusForbidden)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

func (h *handler) sendServicePDF(w http.ResponseWriter, r *http.Request, rq *Request, route, entity string, id, community int64,
	rows int, detail, filename string, pdf []byte) {
	h.kit.SendPDF(w, r, rq, route, entity, id, community, rows, detail, filename, pdf)
}

func (h *handler) servicePDFFail(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	h.kit.PDFFail(w, r, rq, err)
}
