package registerweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/web"
)

type householdForm struct {
	ID           int64
	Version      int
	Number       string
	Kind         string
	Phone        string
	PhoneClear   bool
	Address      string
	HeadID       int64
	CurrentPhone string
	Members      []register.Person // the choices for 户主
	Errors       fault.Fields
	Summary      []web.ErrItem
	Conflict     *conflictView
	Kinds        []web.Option
	F            access.Fields
}

var householdFormFields = []string{"number", "kind", "phone", "address", "head_id"}

func formFromHousehold(hh register.Household, members []register.Person, f access.Fields) householdForm {
	return householdForm{ID: hh.ID, Version: hh.Version, Number: hh.Number, Kind: hh.Kind, Address: hh.Address,
		HeadID: hh.HeadID, CurrentPhone: hh.Phone, Members: members, F: f}
}

func readHouseholdForm(r *http.Request) householdForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	version, _ := strconv.Atoi(v("version"))
	head, _ := strconv.ParseInt(v("head_id"), 10, 64)
	return householdForm{Version: version, Number: v("number"), Kind: v("kind"), Phone: v("phone"),
		PhoneClear: r.PostFormValue("phone_clear") != "", Address: v("address"), HeadID: head}
}

// apply copies the fields the viewer may edit onto the household as the
// viewer sees it; an empty phone field keeps the stored number.
func (f householdForm) apply(hh *register.Household, ed access.Fields) {
	set := func(field string, dst *string, v string) {
		if ed.CanEdit("household", field) {
			*dst = v
		}
	}
	set("number", &hh.Number, f.Number)
	set("kind", &hh.Kind, f.Kind)
	set("address", &hh.Address, f.Address)
	if ed.CanEdit("household", "head_id") {
		hh.HeadID = f.HeadID
	}
	switch {
	case f.PhoneClear:
		set("phone", &hh.Phone, "")
	case f.Phone != "":
		set("phone", &hh.Phone, f.Phone)
	}
}

func (h *handler) renderHouseholdForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f householdForm) {
	f.Kinds = householdKindOptions
	f.Summary = web.Summarize(f.Errors, householdFormFields)
	h.tmpl.Render(w, r, status, "household_form", web.NewPage(rq, "修改户信息", "search", f))
}

func (h *handler) editHouseholdForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	hh, err := h.Register.Household(r.Context(), rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	members, err := h.Register.Members(r.Context(), rq.Read(), hh)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.renderHouseholdForm(w, r, rq, http.StatusOK, formFromHousehold(hh, members, rq.Write().Fields(hh.Place())))
}

func (h *handler) updateHousehold(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	current, err := h.Register.Household(ctx, rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	members, err := h.Register.Members(ctx, rq.Read(), current)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	fields := rq.Write().Fields(current.Place())
	f := readHouseholdForm(r)
	f.F = fields
	hh := current
	f.apply(&hh, fields)
	hh.Version = f.Version
	err = h.Register.UpdateHousehold(ctx, rq.Actor, rq.Write(), &hh)
	var ce *register.ConflictError
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.Log.Info("household updated", "household", id, "user", rq.User.ID)
		h.kit.SetFlash(w, "saved")
		http.Redirect(w, r, "/households/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case fe != nil:
		f.ID, f.CurrentPhone, f.Members, f.Errors = id, current.Phone, members, fe
		h.renderHouseholdForm(w, r, rq, http.StatusUnprocessableEntity, f)
	case errors.As(err, &ce):
		now, err := h.Register.Household(ctx, rq.Write(), id)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		if members, err = h.Register.Members(ctx, rq.Read(), now); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		nf := formFromHousehold(now, members, fields)
		cv, err := h.conflictView(r, rq, ce)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		cv.Yours = h.householdDifferences(f, now, members)
		nf.Conflict = cv
		h.Log.Info("household edit conflict", "household", id, "user", rq.User.ID)
		h.renderHouseholdForm(w, r, rq, http.StatusConflict, nf)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

func (h *handler) householdDifferences(f householdForm, now register.Household, members []register.Person) []fieldView {
	var out []fieldView
	add := func(field string, differs bool, shown string) {
		if differs {
			out = append(out, fieldView{Field: field, Label: register.FieldLabel("household", field), After: shown})
		}
	}
	add("number", f.Number != now.Number, f.Number)
	add("kind", f.Kind != now.Kind, h.kit.Label("hhkind", f.Kind))
	add("address", f.Address != now.Address, f.Address)
	if f.PhoneClear {
		add("phone", now.Phone != "", "(清空)")
	} else {
		add("phone", f.Phone != "" && f.Phone != now.Phone, f.Phone)
	}
	head := "(无)"
	for _, m := range members {
		if m.ID == f.HeadID {
			head = m.Name
		}
	}
	add("head_id", f.HeadID != now.HeadID, head)
	return out
}
