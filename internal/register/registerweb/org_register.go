package registerweb

import (
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

// What is registered at an org unit: a house in a building (or one of its
// 单元), and an organisation in a community's unit.

var houseNewFields = []string{"number", "use", "area_m2", "owner_name", "owner_phone"}
var organisationNewFields = []string{"name", "kind", "uscc", "legal_rep", "phone", "address"}

var houseUseChoices = []web.Option{{Value: register.HouseOwner, Label: "自住"}, {Value: register.HouseRented, Label: "出租"},
	{Value: register.HouseVacant, Label: "空置"}}

var organisationKindChoices = func() []web.Option {
	var out []web.Option
	for _, k := range []string{"unit", "enterprise", "shop", "social", "property", "school", "medical"} {
		out = append(out, web.Option{Value: k, Label: register.OrganisationKindNames[k]})
	}
	return out
}()

type unitActionData struct {
	Unit    orgtree.Unit
	Choices []web.Option
}

// unitToWrite reads the org unit of the path; the route's rule has checked
// that the user may write there.
func (h *handler) unitToWrite(w http.ResponseWriter, r *http.Request, rq *web.Request) (orgtree.Unit, bool) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return orgtree.Unit{}, false
	}
	u, err := h.Org.Get(r.Context(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return u, false
	}
	return u, true
}

// houseBuilding is the building a house registered at u belongs to, and
// the unit it hangs on: a building itself, or a 单元 under one.
func houseBuilding(u orgtree.Unit) (building, org int64, ok bool) {
	switch u.Level {
	case orgtree.LevelBuilding:
		return u.ID, 0, true
	case orgtree.LevelUnit:
		return u.ParentID, u.ID, true
	}
	return 0, 0, false
}

func (h *handler) houseNewForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.unitToWrite(w, r, rq)
	if !ok {
		return
	}
	if _, _, ok := houseBuilding(u); !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	f := actionForm{Title: "登记房屋", Back: "/org/" + idString(u.ID), Values: map[string]string{"use": register.HouseOwner},
		Data: unitActionData{Unit: u, Choices: houseUseChoices}}
	h.renderAction(w, r, rq, http.StatusOK, "house_new", f, houseNewFields)
}

func (h *handler) createHouse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.unitToWrite(w, r, rq)
	if !ok {
		return
	}
	building, org, ok := houseBuilding(u)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	v := posted(r, houseNewFields...)
	house := register.House{BuildingID: building, OrgID: org, Number: v["number"], Use: v["use"],
		OwnerName: v["owner_name"], OwnerPhone: v["owner_phone"]}
	var err error
	if a := strings.TrimSpace(v["area_m2"]); a != "" {
		house.AreaM2, err = strconv.ParseFloat(a, 64)
		if err != nil {
			err = fault.Fields{"area_m2": "面积应为数字,如 89.5"}
		}
	}
	if err == nil {
		err = h.Register.CreateHouse(r.Context(), rq.Actor, rq.Write(), &house)
	}
	f := actionForm{Title: "登记房屋", Back: "/org/" + idString(u.ID), Values: v, Data: unitActionData{Unit: u, Choices: houseUseChoices}}
	h.done(w, r, rq, err, "/houses/"+idString(house.ID), "added", "house_new", f, houseNewFields)
}

func (h *handler) organisationNewForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.unitToWrite(w, r, rq)
	if !ok {
		return
	}
	f := actionForm{Title: "登记单位", Back: "/org/" + idString(u.ID), Values: map[string]string{},
		Data: unitActionData{Unit: u, Choices: organisationKindChoices}}
	h.renderAction(w, r, rq, http.StatusOK, "organisation_new", f, organisationNewFields)
}

func (h *handler) createOrganisation(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.unitToWrite(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, organisationNewFields...)
	o := register.Organisation{Name: v["name"], Kind: v["kind"], USCC: v["uscc"], LegalRep: v["legal_rep"],
		Phone: v["phone"], Address: v["address"], OrgID: u.ID}
	err := h.Register.CreateOrganisation(r.Context(), rq.Actor, rq.Write(), &o)
	f := actionForm{Title: "登记单位", Back: "/org/" + idString(u.ID), Values: v,
		Data: unitActionData{Unit: u, Choices: organisationKindChoices}}
	h.done(w, r, rq, err, "/organisations/"+idString(o.ID), "added", "organisation_new", f, organisationNewFields)
}
