package web

import "net/http"

// ErrorMessage shows the error page with a heading and message of the
// page's own, under its navigation entry: for a refusal the standard text
// of its status does not explain (a ledger too large to download at once,
// a form only a community fills in).
func (k *Kit) ErrorMessage(w http.ResponseWriter, r *http.Request, rq *Request, status int, nav, heading, message string) {
	k.own.Render(w, r, status, "error", NewPage(rq, heading, nav, errorData{Status: status, Heading: heading, Message: message}))
}
