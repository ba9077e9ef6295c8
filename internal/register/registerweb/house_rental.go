package registerweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/money"
	"shequ/internal/register"
	"shequ/internal/web"
)

// 以房管人: a letting of a house with the persons living in it, and its end
// (退租). Tenants are chosen among the members of the households registered
// at the house: a tenant's household is registered first (登记新户).

var rentalNewFields = []string{"landlord", "landlord_phone", "started_on", "ended_on", "monthly_rent", "tenant_ids"}
var rentalEndFields = []string{"ended_on", "use"}

type rentalNewData struct {
	House    register.House
	Tenants  []register.Person // the choices
	Selected map[int64]bool
}

// tenantChoices are the members on the register of the households at the
// house, as the user may see them.
func (h *handler) tenantChoices(r *http.Request, rq *web.Request, house register.House) ([]register.Person, error) {
	hs, err := h.Register.HouseholdsOfHouse(r.Context(), rq.Read(), house)
	if err != nil {
		return nil, err
	}
	var out []register.Person
	for _, hh := range hs {
		ms, err := h.Register.Members(r.Context(), rq.Read(), hh)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Status == "active" {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

func (h *handler) rentalNewForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, ok := h.houseToWrite(w, r, rq)
	if !ok {
		return
	}
	tenants, err := h.tenantChoices(r, rq, house)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	selected := map[int64]bool{}
	for _, p := range tenants {
		selected[p.ID] = true
	}
	f := actionForm{Title: "出租登记", Back: "/houses/" + idString(house.ID),
		Values: map[string]string{"landlord": house.OwnerName, "started_on": today()},
		Data:   rentalNewData{House: house, Tenants: tenants, Selected: selected}}
	h.renderAction(w, r, rq, http.StatusOK, "rental_new", f, rentalNewFields)
}

func (h *handler) createRental(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, ok := h.houseToWrite(w, r, rq)
	if !ok {
		return
	}
	tenants, err := h.tenantChoices(r, rq, house)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	v := posted(r, rentalNewFields...)
	rt := register.Rental{HouseID: house.ID, Landlord: v["landlord"], LandlordPhone: v["landlord_phone"],
		StartedOn: v["started_on"], EndedOn: v["ended_on"]}
	selected := map[int64]bool{}
	for _, s := range r.PostForm["tenant"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			rt.TenantIDs = append(rt.TenantIDs, id)
			selected[id] = true
		}
	}
	fe := fault.Fields{}
	if rent := strings.TrimSpace(v["monthly_rent"]); rent != "" {
		fen, ok := money.ParseYuan(rent)
		if !ok {
			fe.Add("monthly_rent", "月租金应为元数,最多两位小数,如 1200 或 1200.50")
		}
		rt.MonthlyRentFen = fen
	}
	if len(rt.TenantIDs) == 0 {
		fe.Add("tenant_ids", "请选择承租人;承租人须先登记为该房屋的住户")
	}
	if len(fe) == 0 {
		err = h.Register.CreateRental(r.Context(), rq.Actor, rq.Write(), &rt)
	} else {
		err = fe
	}
	f := actionForm{Title: "出租登记", Back: "/houses/" + idString(house.ID), Values: v,
		Data: rentalNewData{House: house, Tenants: tenants, Selected: selected}}
	h.done(w, r, rq, err, "/houses/"+idString(house.ID), "added", "rental_new", f, rentalNewFields)
}

type rentalEndData struct {
	House  register.House
	Rental register.Rental
	Uses   []web.Option
}

var afterRentalUses = []web.Option{{Value: register.HouseVacant, Label: "空置"}, {Value: register.HouseOwner, Label: "自住"}}

func (h *handler) rentalToEnd(w http.ResponseWriter, r *http.Request, rq *web.Request) (register.House, register.Rental, bool) {
	house, ok := h.houseToWrite(w, r, rq)
	if !ok {
		return house, register.Rental{}, false
	}
	rid, ok := pathInt64(r, "rental")
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return house, register.Rental{}, false
	}
	rt, err := h.Register.Rental(r.Context(), rq.Write(), house.ID, rid)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return house, rt, false
	}
	return house, rt, true
}

func (h *handler) rentalEndForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, rt, ok := h.rentalToEnd(w, r, rq)
	if !ok {
		return
	}
	f := actionForm{Title: "退租登记", Back: "/houses/" + idString(house.ID), Version: rt.Version,
		Values: map[string]string{"ended_on": today(), "use": register.HouseVacant},
		Data:   rentalEndData{House: house, Rental: rt, Uses: afterRentalUses}}
	h.renderAction(w, r, rq, http.StatusOK, "rental_end", f, rentalEndFields)
}

func (h *handler) endRental(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, rt, ok := h.rentalToEnd(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, rentalEndFields...)
	version := web.FormVersion(r)
	err := h.Register.EndRental(r.Context(), rq.Actor, rq.Write(), register.RentalEnding{HouseID: house.ID, RentalID: rt.ID,
		Version: version, EndedOn: v["ended_on"], HouseUse: v["use"]})
	f := actionForm{Title: "退租登记", Back: "/houses/" + idString(house.ID), Version: version, Values: v,
		Data: rentalEndData{House: house, Rental: rt, Uses: afterRentalUses}}
	h.done(w, r, rq, err, "/houses/"+idString(house.ID), "saved", "rental_end", f, rentalEndFields)
}
