package web

import "net/http"

// Explain shows the error page with a heading and message of the page's
// own, for a refusal the standard texts do not cover (a batch too large to
// print, a PDF that cannot be made without a font). The message must not
// name personal data.
func (k *Kit) Explain(w http.ResponseWriter, r *http.Request, rq *Request, status int, heading, message string) {
	w.Header().Set("Cache-Control", "no-store")
	k.own.Render(w, r, status, "error", NewPage(rq, heading, "", errorData{Status: status, Heading: heading, Message: message}))
}
