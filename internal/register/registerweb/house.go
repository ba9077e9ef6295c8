package registerweb

import (
	"errors"
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

// rentalView is a letting of the house with the tenants the user may see.
type rentalView struct {
	register.Rental
	Tenants []register.Person
	Unknown int // tenants outside the user's scope
}

type houseData struct {
	H          register.House
	Building   string
	Place      string
	Households []web.HouseholdRow
	Rentals    []rentalView
	History    []changeView
	CanEdit    bool // may register households and rentals here
	Today      string
}

// house shows a dwelling, who lives there and its lettings (以房管人).
func (h *handler) house(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	house, err := h.Register.House(ctx, rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := rq.Read().Fields(house.Place())
	d := houseData{H: house, CanEdit: rq.Write().Contains(house.Place()), Today: today()}
	units, err := h.Org.Names(ctx, []int64{house.BuildingID, house.OrgID})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Building = units[house.BuildingID]
	if house.OrgID != house.BuildingID {
		d.Place = units[house.OrgID]
	}
	hs, err := h.Register.HouseholdsOfHouse(ctx, rq.Read(), house)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Households, err = web.HouseholdRows(r.Context(), h.Register, h.Org, rq.Read(), hs); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rentals, err := h.Register.RentalsOfHouse(ctx, rq.Read(), house)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, rt := range rentals {
		v := rentalView{Rental: rt}
		for _, pid := range rt.TenantIDs {
			p, err := h.Register.Person(ctx, rq.Read(), pid)
			switch {
			case errors.Is(err, register.ErrNotFound):
				v.Unknown++
			case err != nil:
				h.kit.ServerError(w, r, rq, err)
				return
			default:
				v.Tenants = append(v.Tenants, p)
			}
		}
		d.Rentals = append(d.Rentals, v)
	}
	hist, err := h.Register.History(ctx, f, "house", house.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.History, err = h.changeViews(ctx, rq, hist); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "house", web.NewPage(rq, "房屋 "+house.Number, "search", d))
}
