package registerweb

import (
	"errors"
	"net/http"

	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

// A move between households of the community: into the household with the
// 户号 typed, or (户号 left empty) out of the current one.

var personMoveFields = []string{"household_number", "relation"}

func personMoveForm(p register.Person, current string, values map[string]string) actionForm {
	return actionForm{Title: "户内迁移", Back: "/persons/" + idString(p.ID), Version: p.Version, Values: values,
		Data: personMoveData{P: p, Current: current, Relations: web.RelationOptions()}}
}

type personMoveData struct {
	P         register.Person
	Current   string // the 户号 the person is in now
	Relations []web.Option
}

func (h *handler) currentHouseholdNumber(r *http.Request, rq *web.Request, p register.Person) string {
	if p.HouseholdID == 0 {
		return ""
	}
	hh, err := h.Register.Household(r.Context(), rq.Read(), p.HouseholdID)
	if err != nil {
		return ""
	}
	return hh.Number
}

func (h *handler) personMoveForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	f := personMoveForm(p, h.currentHouseholdNumber(r, rq, p), map[string]string{})
	h.renderAction(w, r, rq, http.StatusOK, "person_move", f, personMoveFields)
}

func (h *handler) movePerson(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	p, ok := h.personToWrite(w, r, rq)
	if !ok {
		return
	}
	v := posted(r, personMoveFields...)
	version := web.FormVersion(r)
	f := personMoveForm(p, h.currentHouseholdNumber(r, rq, p), v)
	f.Version = version
	m := register.Move{PersonID: p.ID, Version: version, Relation: v["relation"]}
	var err error
	if v["household_number"] != "" {
		var target register.Household
		target, err = h.Register.HouseholdByNumber(ctx, rq.Write(), p.CommunityID, v["household_number"])
		if errors.Is(err, register.ErrNotFound) {
			err = fault.Fields{"household_number": "本社区您的辖区内没有户号为「" + v["household_number"] + "」的户"}
		}
		m.HouseholdID = target.ID
	}
	if err == nil {
		err = h.Register.MovePerson(ctx, rq.Actor, rq.Write(), m)
	}
	var fe fault.Fields
	if errors.As(err, &fe) && fe["household_id"] != "" {
		// The store names the household by its id; the form by its 户号.
		fe["household_number"] = fe["household_id"]
		delete(fe, "household_id")
	}
	h.done(w, r, rq, err, "/persons/"+idString(p.ID), "saved", "person_move", f, personMoveFields)
}
