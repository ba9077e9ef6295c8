package eventsweb

import (
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

type eventPublicTrackData struct {
	No    string
	New   bool
	E     *events.PublicEvent
	Error string
	Rated bool
}

// publicTrack shows a resident how their report stands.
func (h *handler) publicTrack(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := eventPublicTrackData{No: q.Get("no"), New: q.Get("new") == "1", Rated: q.Get("rated") == "1"}
	status := http.StatusOK
	if d.No != "" {
		status, d.E, d.Error = h.lookupPublic(r, d.No)
	}
	w.Header().Set("Cache-Control", "no-store")
	csrf := ""
	if d.E != nil && d.E.CanRate {
		csrf = h.kit.PublicToken(w, r, publicCookie) // only the rating form needs one
	}
	h.tmpl.Render(w, r, status, "events_public_track", &web.Page{Title: "查询办理进度", CSRF: csrf, Data: d})
}

// publicRate records a resident's rating of a closed event.
func (h *handler) publicRate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	no := r.PostFormValue("no")
	d := eventPublicTrackData{No: no}
	status, pe, msg := h.lookupPublic(r, no)
	d.E, d.Error = pe, msg
	switch {
	case pe == nil:
	case !web.PublicTokenOK(r, publicCookie):
		// Checked before rating: a form another site sent is not carried out.
		d.Error, status = "页面已过期,请刷新后重新评价。", http.StatusForbidden
	default:
		rating, _ := strconv.Atoi(r.PostFormValue("rating"))
		_, err := h.Events.RatePublic(r.Context(), no, rating, r.PostFormValue("comment"))
		switch {
		case err == nil:
			http.Redirect(w, r, "/public/events/track?rated=1&no="+url.QueryEscape(pe.TrackingNo), http.StatusSeeOther)
			return
		case fault.Is(err, fault.Invalid):
			d.Error, status = fault.Message(err), http.StatusUnprocessableEntity
		case fault.Is(err, fault.Illegal):
			d.Error, status = "该事件已评价过或尚未办结。", http.StatusConflict
		default:
			h.kit.ServerError(w, r, nil, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "events_public_track", &web.Page{Title: "查询办理进度", CSRF: h.kit.PublicToken(w, r, publicCookie), Data: d})
}

// publicPhoto serves a photo of an event to whoever knows its tracking
// number.
func (h *handler) publicPhoto(w http.ResponseWriter, r *http.Request) {
	addr := web.ClientAddr(r)
	if h.lookupMisses.Blocked(addr) {
		http.Error(w, "查询过于频繁", http.StatusTooManyRequests)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	a, data, err := h.Events.PublicPhoto(r.Context(), r.PathValue("no"), id)
	if fault.Is(err, fault.NotFound) {
		h.lookupMisses.Miss(addr)
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
}
