package registerweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/codes"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/web"
)

// personForm is the edit and add form: the values as typed, so that a form
// sent back with errors shows exactly what the user entered.
type personForm struct {
	ID           int64 // 0 when adding
	Household    register.Household
	Version      int
	Name         string
	DocType      string
	IDNumber     string
	Gender       string
	BirthDate    string
	Ethnicity    string
	Relation     string
	Residence    string
	Phone        string
	PhoneClear   bool
	HukouAddress string
	Address      string
	Occupation   string
	MovedInOn    string
	Status       string
	// The stored ID and phone numbers as the viewer sees them (masked for
	// most roles): the edit form never sends full numbers the viewer may
	// not see; a field left empty keeps the stored value.
	CurrentID    string
	CurrentPhone string
	F            access.Fields // which fields the form shows and lets the viewer change
	Errors       fault.Fields
	Summary      []web.ErrItem // every message, in form order, for the box above the form
	Conflict     *conflictView
}

type conflictView struct {
	Message string
	Changes []changeView
	Yours   []fieldView // what the user typed that differs from the record now
}

// personFormFields lists the form's fields in display order; errors for any
// other field go to the summary at the top.
var personFormFields = []string{"name", "doc_type", "id_number", "gender", "birth_date", "ethnicity", "relation",
	"residence", "phone", "hukou_address", "address", "occupation", "moved_in_on", "status"}

// Options for the form's selects, shared by every request.
type personOptions struct {
	DocTypes    []web.Option
	Genders     []web.Option
	Ethnicities []web.Option
	Relations   []web.Option
	Residences  []web.Option
	Statuses    []web.Option
}

var formOptions = func() personOptions {
	o := personOptions{Ethnicities: codeOptions(codes.Ethnicities()), Relations: web.RelationOptions(),
		Residences: web.ResidenceOptions(),
		Genders:    []web.Option{{Value: "M", Label: "男"}, {Value: "F", Label: "女"}},
		Statuses:   []web.Option{{Value: "active", Label: "在册"}, {Value: "moved_out", Label: "迁出"}, {Value: "deceased", Label: "死亡"}}}
	for _, t := range ident.DocTypes() {
		o.DocTypes = append(o.DocTypes, web.Option{Value: string(t), Label: t.Label()})
	}
	return o
}()

func codeOptions(cs []codes.Code) []web.Option {
	out := make([]web.Option, len(cs))
	for i, c := range cs {
		out[i] = web.Option{Value: c.Code, Label: c.Name}
	}
	return out
}

type personFormData struct {
	F       personForm
	Options personOptions
}

func formFromPerson(p register.Person, f access.Fields) personForm {
	return personForm{ID: p.ID, Version: p.Version, Name: p.Name, DocType: p.DocType, Gender: p.Gender,
		BirthDate: p.Birth(), Ethnicity: p.Ethnicity, Relation: p.Relation, Residence: p.Residence,
		HukouAddress: p.HukouAddress, Address: p.Address, Occupation: p.Occupation, MovedInOn: p.MovedInOn,
		Status: p.Status, CurrentID: p.IDNumber, CurrentPhone: p.Phone, F: f}
}

// readPersonForm reads the posted fields as typed.
func readPersonForm(r *http.Request) personForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	version, _ := strconv.Atoi(v("version"))
	return personForm{Version: version, Name: v("name"), DocType: v("doc_type"), IDNumber: v("id_number"),
		Gender: v("gender"), BirthDate: v("birth_date"), Ethnicity: v("ethnicity"), Relation: v("relation"),
		Residence: v("residence"), Phone: v("phone"), PhoneClear: r.PostFormValue("phone_clear") != "",
		HukouAddress: v("hukou_address"), Address: v("address"), Occupation: v("occupation"),
		MovedInOn: v("moved_in_on"), Status: v("status")}
}

// apply copies the fields of the form the viewer may edit (ed) onto p (the
// person as the viewer sees it, or a new one). Empty ID and phone fields
// keep the stored numbers; gender and birth date come from a resident ID
// number and are taken from the form only for other documents.
func (f personForm) apply(p *register.Person, ed access.Fields) {
	set := func(field string, dst *string, v string) {
		if ed.CanEdit("person", field) {
			*dst = v
		}
	}
	set("name", &p.Name, f.Name)
	set("doc_type", &p.DocType, f.DocType)
	if f.IDNumber != "" || p.ID == 0 || p.DocType == string(ident.DocNone) {
		// 无证件 takes the stored number away with the type.
		set("id_number", &p.IDNumber, f.IDNumber)
	}
	if p.DocType != string(ident.DocResidentID) {
		set("gender", &p.Gender, f.Gender)
		if ed.CanEdit("person", "birth_date") {
			// The form's text alone says whether a day or a month is known.
			p.BirthDate, p.BirthPrecision = f.BirthDate, ""
		}
	}
	set("ethnicity", &p.Ethnicity, f.Ethnicity)
	set("relation", &p.Relation, f.Relation)
	set("residence", &p.Residence, f.Residence)
	switch {
	case f.PhoneClear:
		set("phone", &p.Phone, "")
	case f.Phone != "" || p.ID == 0:
		set("phone", &p.Phone, f.Phone)
	}
	set("hukou_address", &p.HukouAddress, f.HukouAddress)
	set("address", &p.Address, f.Address)
	set("occupation", &p.Occupation, f.Occupation)
	set("moved_in_on", &p.MovedInOn, f.MovedInOn)
	if f.Status != "" && p.ID != 0 {
		p.Status = f.Status
	}
}

func (h *handler) renderPersonForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f personForm) {
	title := "修改人员信息"
	if f.ID == 0 {
		title = "添加人员"
	}
	f.Summary = web.Summarize(f.Errors, personFormFields)
	h.tmpl.Render(w, r, status, "person_form", web.NewPage(rq, title, "search", personFormData{F: f, Options: formOptions}))
}

// editPersonForm shows the person as the viewer may change them.
func (h *handler) editPersonForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	p, err := h.Register.Person(r.Context(), rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.renderPersonForm(w, r, rq, http.StatusOK, formFromPerson(p, rq.Write().Fields(p.Place())))
}

func (h *handler) updatePerson(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.PathID(r)
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	current, err := h.Register.Person(ctx, rq.Write(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	fields := rq.Write().Fields(current.Place())
	f := readPersonForm(r)
	f.F = fields
	p := current
	f.apply(&p, fields)
	p.Version = f.Version
	err = h.Register.UpdatePerson(ctx, rq.Actor, rq.Write(), &p)
	var ce *register.ConflictError
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.Log.Info("person updated", "person", id, "user", rq.User.ID)
		h.kit.SetFlash(w, "saved")
		http.Redirect(w, r, "/persons/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case fe != nil:
		f.ID, f.CurrentID, f.CurrentPhone, f.Errors = id, current.IDNumber, current.Phone, fe
		if f.DocType == string(ident.DocResidentID) && f.IDNumber == "" {
			// Shown read-only: derived from the stored ID number.
			f.Gender, f.BirthDate = current.Gender, current.BirthDate
		}
		h.renderPersonForm(w, r, rq, http.StatusUnprocessableEntity, f)
	case errors.As(err, &ce):
		// Never overwrite silently: show what changed meanwhile and load the
		// record as it is now, so the user can redo the edit on top of it.
		now, err := h.Register.Person(ctx, rq.Write(), id)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		nf := formFromPerson(now, fields)
		cv, err := h.conflictView(r, rq, ce)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		cv.Yours = h.personDifferences(f, now)
		nf.Conflict = cv
		h.Log.Info("person edit conflict", "person", id, "user", rq.User.ID)
		h.renderPersonForm(w, r, rq, http.StatusConflict, nf)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

func (h *handler) conflictView(r *http.Request, rq *web.Request, ce *register.ConflictError) (*conflictView, error) {
	changes, err := h.changeViews(r.Context(), rq, ce.Since)
	if err != nil {
		return nil, err
	}
	return &conflictView{Message: "保存冲突:您打开后该记录已被他人修改,您的更改没有保存。下面是期间的修改;表单已载入最新内容,请核对后重新修改。",
		Changes: changes}, nil
}

// personDifferences lists what the user typed that differs from the record
// as it now stands, so nothing they entered is lost from view. The user's
// own input is shown as typed.
func (h *handler) personDifferences(f personForm, now register.Person) []fieldView {
	var out []fieldView
	add := func(field, typed, stored, shown string) {
		if typed != stored {
			out = append(out, fieldView{Field: field, Label: register.FieldLabel("person", field), After: shown})
		}
	}
	text := func(field, typed, stored string) { add(field, typed, stored, typed) }
	text("name", f.Name, now.Name)
	add("doc_type", f.DocType, now.DocType, h.kit.Label("doc", f.DocType))
	if f.IDNumber != "" {
		text("id_number", f.IDNumber, now.IDNumber)
	}
	add("ethnicity", f.Ethnicity, now.Ethnicity, h.kit.Label("ethnicity", f.Ethnicity))
	add("relation", f.Relation, now.Relation, h.kit.Label("relation", f.Relation))
	add("residence", f.Residence, now.Residence, h.kit.Label("residence", f.Residence))
	if f.PhoneClear {
		add("phone", "", now.Phone, "(清空)")
	} else if f.Phone != "" {
		text("phone", f.Phone, now.Phone)
	}
	text("hukou_address", f.HukouAddress, now.HukouAddress)
	text("address", f.Address, now.Address)
	text("occupation", f.Occupation, now.Occupation)
	text("moved_in_on", f.MovedInOn, now.MovedInOn)
	add("status", f.Status, now.Status, h.kit.Label("status", f.Status))
	return out
}

// newPersonForm adds a member to a household.
func (h *handler) newPersonForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	hid, ok := web.QueryID(r, "household")
	if !ok {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	hh, err := h.Register.Household(r.Context(), rq.Write(), hid)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := personForm{Household: hh, DocType: string(ident.DocResidentID), Residence: register.ResidenceRegistered,
		Address: hh.Address, Status: "active", F: rq.Write().Fields(hh.Place())}
	if hh.Kind == register.HouseholdFloating {
		f.Residence = register.ResidenceFloating
	}
	h.renderPersonForm(w, r, rq, http.StatusOK, f)
}

func (h *handler) createPerson(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	hid, _ := strconv.ParseInt(r.PostFormValue("household"), 10, 64)
	hh, err := h.Register.Household(ctx, rq.Write(), hid)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Place, rq.Audit.Entity, rq.Audit.ID = hh.Place(), "household", hh.ID
	fields := rq.Write().Fields(hh.Place())
	f := readPersonForm(r)
	f.Household, f.F = hh, fields
	p := register.Person{HouseholdID: hh.ID, Status: "active"}
	f.apply(&p, fields)
	err = h.Register.CreatePerson(ctx, rq.Actor, rq.Write(), &p)
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.Log.Info("person added", "person", p.ID, "household", hh.ID, "user", rq.User.ID)
		h.kit.SetFlash(w, "added")
		http.Redirect(w, r, "/persons/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	case fe != nil:
		f.Errors = fe
		h.renderPersonForm(w, r, rq, http.StatusUnprocessableEntity, f)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}
