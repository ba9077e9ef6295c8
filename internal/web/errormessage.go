package web

import "net/http"

// ErrorMessage shows the error page with a heading and message of the
// page's own, for a refusal the status alone does not explain (a batch too
// large to print, a report too large to list). nav keeps the page's place
// in the navigation; the texts must hold nothing personal.
func (k *Kit) ErrorMessage(w http.ResponseWriter, r *http.Request, rq *Request, status int, title, nav, heading, message string) {
	w.Header().Set("Cache-Control", "no-store")
	k.own.Render(w, r, status, "error", NewPage(rq, title, nav, errorData{Status: status, Heading: heading, Message: message}))
}
