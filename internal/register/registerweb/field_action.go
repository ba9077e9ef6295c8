package registerweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

// The register kept in the field: each action (a household with its head, a
// move, 迁出 or death, a rental and its end, a tag and its end, a house, an
// organisation, an employee) is one short form on a phone. They share the
// shape of a form sent back: the values as typed, the errors at their
// fields with a summary above, and on a concurrent edit the changes made
// meanwhile.

// actionForm is what every field action's template gets.
type actionForm struct {
	Title    string
	Back     string // the page the action starts from
	Version  int
	Values   map[string]string // the fields as typed (or their defaults)
	Errors   fault.Fields
	Summary  []web.ErrItem
	Conflict *conflictView
	Data     any // the action's own: the record it acts on, choices
}

// V is a field's value as typed.
func (f actionForm) V(field string) string { return f.Values[field] }

// posted reads the named fields of a posted form as typed.
func posted(r *http.Request, fields ...string) map[string]string {
	out := map[string]string{}
	for _, k := range fields {
		out[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return out
}

// today is the day a form offers for the date of what happened: most
// moves are recorded the day they happen.
func today() string { return time.Now().Format("2006-01-02") }

// render shows an action's form.
func (h *handler) renderAction(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, page string,
	f actionForm, fields []string) {
	f.Summary = web.Summarize(f.Errors, fields)
	h.tmpl.Render(w, r, status, page, web.NewPage(rq, f.Title, "search", f))
}

// done answers a field action's save: on success the flash and a redirect
// to next; field errors send the form back as typed (422); a conflict sends
// it back with the changes made meanwhile (409), the version moved on to
// the current one so that a second save is deliberate; anything else by
// its kind.
func (h *handler) done(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, next, flash, page string,
	f actionForm, fields []string) {
	var fe fault.Fields
	var ce *register.ConflictError
	switch {
	case err == nil:
		h.Log.Info("register field action", "page", page, "user", rq.User.ID)
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, next, http.StatusSeeOther)
	case errors.As(err, &fe):
		f.Errors = fe
		h.renderAction(w, r, rq, http.StatusUnprocessableEntity, page, f, fields)
	case errors.As(err, &ce):
		cv, cerr := h.conflictView(r, rq, ce)
		if cerr != nil {
			h.kit.ServerError(w, r, rq, cerr)
			return
		}
		f.Conflict, f.Version = cv, ce.Current
		h.Log.Info("register field action conflict", "page", page, "user", rq.User.ID)
		h.renderAction(w, r, rq, http.StatusConflict, page, f, fields)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

// pathInt64 reads a second id from the path (a tag of a person, a rental of
// a house); ok is false when it is not a positive number.
func pathInt64(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
