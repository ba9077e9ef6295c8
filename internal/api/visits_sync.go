package api

import (
	"net/http"

	"shequ/internal/visits"
	"shequ/internal/web"
)

// syncBody is a phone's queue: the visits recorded with no network.
type syncBody struct {
	Records []visits.Observation `json:"records"`
}

// syncVisits saves a phone's queue: each record once (by client_uuid; a
// record sent again is answered "already"), its corrections that met a
// newer register kept as conflicts for a decision, never written over.
func (h *handler) syncVisits(w http.ResponseWriter, r *http.Request, c *web.Request) {
	var body syncBody
	if err := decodeLimit(r.Body, &body, 4<<20); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	got, err := h.Visits.Sync(r.Context(), visits.Visitor{UserID: c.User.ID, Name: c.Actor.Name, Scope: c.Write()}, body.Records)
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	c.Audit.Rows = len(got)
	writeJSON(w, http.StatusOK, struct {
		Results []visits.Synced `json:"results"`
	}{got})
}
