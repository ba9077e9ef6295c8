package registerweb

import (
	"errors"
	"net/http"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

type personData struct {
	P            register.Person
	F            access.Fields // what the viewer may see and edit of the person
	CanEdit      bool
	CanReveal    bool // some number is masked and the viewer may reveal it
	Revealed     bool // this page shows the full numbers after an audited reveal
	Household    *register.Household
	Employer     *register.Organisation
	EmployerLink bool
	Grid         string
	Place        []orgtree.Unit // where in the grid the person lives (楼栋, 单元)
	Tags         []register.Tag
	History      []changeView
	Today        string
}

func (h *handler) person(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.showPerson(w, r, rq, rq.Read())
}

// revealPerson shows the person with the full ID and phone numbers: an
// explicit action (a POST with the session's token), recorded in the audit
// log before the numbers are sent.
func (h *handler) revealPerson(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	if !h.recordReveal(w, r, rq, "person", "POST /persons/{id}/reveal", "证件号码、联系电话") {
		return
	}
	h.showPerson(w, r, rq, rq.Viewer.Scope(access.RegisterReveal).Revealing())
}

// recordReveal writes the audit entry of a reveal before the numbers are
// sent; false when it could not be written (and the 500 page is shown).
func (h *handler) recordReveal(w http.ResponseWriter, r *http.Request, rq *web.Request, entity, route, what string) bool {
	if err := h.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name,
		Addr: web.ClientAddr(r), Action: audit.Reveal, Entity: entity, EntityID: rq.Audit.ID,
		CommunityID: rq.Place.Community, Route: route, Status: http.StatusOK, Detail: what}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return false
	}
	return true
}

func (h *handler) showPerson(w http.ResponseWriter, r *http.Request, rq *web.Request, scope access.Scope) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	p, err := h.Register.Person(ctx, scope, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := scope.Fields(p.Place())
	d := personData{P: p, F: f, CanEdit: rq.Write().Contains(p.Place()),
		CanReveal: f.IsMasked("person", "id_number", "phone") && rq.Viewer.CanAt(access.RegisterReveal, p.Place()),
		Revealed:  r.Method == http.MethodPost, Today: today()}
	if p.HouseholdID != 0 {
		hh, err := h.Register.Household(ctx, rq.Read(), p.HouseholdID)
		if err == nil {
			d.Household = &hh
		} else if !errors.Is(err, register.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	if p.EmployerID != 0 {
		// The employer may lie in another community: name it, but link only
		// to what the user may open.
		o, err := h.Register.Organisation(ctx, rq.Read(), p.EmployerID)
		d.EmployerLink = err == nil
		if errors.Is(err, register.ErrNotFound) {
			// An employer's name is not personal data; its other fields
			// stay out of the page.
			o, err = h.Register.Organisation(ctx, access.Everything, p.EmployerID)
			o = register.Organisation{ID: o.ID, Name: o.Name}
		}
		if err != nil && !errors.Is(err, register.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		if err == nil {
			d.Employer = &o
		}
	}
	units, err := h.Org.Names(ctx, []int64{p.GridID})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Grid = units[p.GridID]
	if d.Place, err = h.Org.BelowGrid(ctx, p.OrgID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Tags, err = h.Register.TagsOf(ctx, scope, p, ""); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	hist, err := h.Register.History(ctx, f, "person", p.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.History, err = h.changeViews(ctx, rq, hist); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "person", web.NewPage(rq, p.Name, "search", d))
}
