package eventsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/web"
)

// eventPhoto serves one photo of an event to staff who may see the event.
// Like every page behind a login it is answered no-store: a photo may show
// people, and a phone that others pick up keeps no copy.
func (h *handler) eventPhoto(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	if err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	a, data, err := h.Events.AttachmentData(r.Context(), e, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Write(data)
}
