package registerweb

import (
	"net/http"

	"shequ/internal/register"
	"shequ/internal/web"
)

// A new household at a house, with its head: the grid worker's first form
// at a door. Further members are added from the household's page.

var householdRegisterFields = []string{"number", "kind", "head_name", "head_id_number", "head_residence", "head_phone"}

var householdKindChoices = []web.Option{{Value: register.HouseholdRegistered, Label: "户籍户"},
	{Value: register.HouseholdFloating, Label: "流动户"}, {Value: register.HouseholdCollective, Label: "集体户"}}

type householdRegisterData struct {
	House      register.House
	Kinds      []web.Option
	Residences []web.Option
}

func (h *handler) householdRegisterForm(rq *web.Request, house register.House, values map[string]string) actionForm {
	return actionForm{Title: "登记新户", Back: "/houses/" + idString(house.ID), Values: values,
		Data: householdRegisterData{House: house, Kinds: householdKindChoices, Residences: web.ResidenceOptions()}}
}

func (h *handler) newHouseholdAtHouse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, ok := h.houseToWrite(w, r, rq)
	if !ok {
		return
	}
	f := h.householdRegisterForm(rq, house, map[string]string{"kind": register.HouseholdRegistered,
		"head_residence": register.ResidenceRegistered})
	if house.Use == register.HouseRented {
		f.Values["kind"], f.Values["head_residence"] = register.HouseholdFloating, register.ResidenceFloating
	}
	h.renderAction(w, r, rq, http.StatusOK, "household_register", f, householdRegisterFields)
}

func (h *handler) registerHouseholdAtHouse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	house, ok := h.houseToWrite(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, householdRegisterFields...)
	hh := register.Household{Number: v["number"], Kind: v["kind"], HouseID: house.ID}
	head := register.Person{Name: v["head_name"], IDNumber: v["head_id_number"], Residence: v["head_residence"],
		Phone: v["head_phone"]}
	err := h.Register.RegisterHousehold(r.Context(), rq.Actor, rq.Write(), &hh, &head)
	h.done(w, r, rq, err, "/households/"+idString(hh.ID), "added", "household_register",
		h.householdRegisterForm(rq, house, v), householdRegisterFields)
}

// houseToWrite reads the house of the path where the user may write.
func (h *handler) houseToWrite(w http.ResponseWriter, r *http.Request, rq *web.Request) (register.House, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return register.House{}, false
	}
	house, err := h.Register.House(r.Context(), rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return register.House{}, false
	}
	return house, true
}

// personToWrite reads the person of the path where the user may write.
func (h *handler) personToWrite(w http.ResponseWriter, r *http.Request, rq *web.Request) (register.Person, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return register.Person{}, false
	}
	p, err := h.Register.Person(r.Context(), rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return register.Person{}, false
	}
	return p, true
}
