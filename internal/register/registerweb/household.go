package registerweb

import (
	"errors"
	"net/http"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

type householdData struct {
	H         register.Household
	F         access.Fields
	CanEdit   bool
	CanReveal bool
	Revealed  bool
	House     *register.House
	Head      *register.Person
	Members   []register.Person
	Grid      string
	Place     []orgtree.Unit
	History   []changeView
}

func (h *handler) household(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.showHousehold(w, r, rq, rq.Read())
}

// revealHousehold shows the household with its members' full numbers, an
// audited action like revealPerson.
func (h *handler) revealHousehold(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	if !h.recordReveal(w, r, rq, "household", "POST /households/{id}/reveal", "户及成员的证件号码、联系电话") {
		return
	}
	h.showHousehold(w, r, rq, rq.Viewer.Scope(access.RegisterReveal).Revealing())
}

func (h *handler) showHousehold(w http.ResponseWriter, r *http.Request, rq *web.Request, scope access.Scope) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	hh, err := h.Register.Household(ctx, scope, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := scope.Fields(hh.Place())
	d := householdData{H: hh, F: f, CanEdit: rq.Write().Contains(hh.Place()), Revealed: r.Method == http.MethodPost,
		CanReveal: (f.IsMasked("household", "phone") || f.IsMasked("person", "id_number", "phone")) &&
			rq.Viewer.CanAt(access.RegisterReveal, hh.Place())}
	if d.Members, err = h.Register.Members(ctx, scope, hh); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for i := range d.Members {
		if d.Members[i].ID == hh.HeadID {
			d.Head = &d.Members[i]
		}
	}
	if hh.HouseID != 0 {
		house, err := h.Register.House(ctx, rq.Read(), hh.HouseID)
		if err == nil {
			d.House = &house
		} else if !errors.Is(err, register.ErrNotFound) {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	units, err := h.Org.Names(ctx, []int64{hh.GridID})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Grid = units[hh.GridID]
	if d.Place, err = h.Org.BelowGrid(ctx, hh.OrgID); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	hist, err := h.Register.History(ctx, f, "household", hh.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.History, err = h.changeViews(ctx, rq, hist); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "household", web.NewPage(rq, "户 "+hh.Number, "search", d))
}
