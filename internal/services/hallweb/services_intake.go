package hallweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/web"
)

// Intake at the window (窗口收件): find the applicant in the register (or
// register them in their household), pick the item, tick the materials
// handed in, choose 代办, and take the case in. It works without
// JavaScript as three short steps on one page, each a plain form.

func (h *pages) intakeRoutes(rt *web.Routes) {
	h.kit.Handle(rt, "GET /services/intake", access.Rule{Perm: services.PermIntake, Audit: audit.Search}, h.intakeForm)
	h.kit.Handle(rt, "POST /services/intake", access.Rule{Perm: services.PermIntake}, h.intake)
	h.kit.Handle(rt, "POST /services/intake/person", access.Rule{Perm: access.RegisterWrite}, h.intakeNewPerson)
}

// intakeForm is what the clerk typed and ticked.
type intakeForm struct {
	Item     string
	Received map[string]bool
	Proxy    bool
	Phone    string
	Note     string
}

// newPersonForm registers an applicant the register does not hold yet, as
// a member of a household found by address or 户号.
type newPersonForm struct {
	Household register.Household
	Head      string
	Name      string
	IDNumber  string
	Phone     string
	Relation  string
	Residence string
}

type intakeData struct {
	// Step 1: the applicant.
	Q          string
	Searched   bool
	SearchErr  string
	Persons    []web.PersonRow
	More       bool
	HQ         string // households searched for, to register a new person
	HSearched  bool
	Households []web.HouseholdRow
	NewPerson  *newPersonForm
	CanAdd     bool // the viewer may register persons

	// Step 2 and 3: the item and its checklist.
	Person    *register.Person
	PersonF   access.Fields
	Household register.HouseholdBrief
	Items     []services.Item
	Item      *services.Item
	Form      intakeForm

	Errors    fault.Fields
	Summary   []web.ErrItem
	Relations []web.Option
	Residents []web.Option
}

var intakeFields = []string{"person", "item", "materials", "phone", "name", "id_number", "relation", "residence"}

func (h *pages) intakeForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	d := intakeData{Q: strings.TrimSpace(q.Get("q")), HQ: strings.TrimSpace(q.Get("hq")),
		Form: intakeForm{Item: q.Get("item"), Received: map[string]bool{}}}
	person, _ := strconv.ParseInt(q.Get("person"), 10, 64)
	household, _ := strconv.ParseInt(q.Get("household"), 10, 64)
	if household != 0 {
		d.NewPerson = &newPersonForm{Residence: register.ResidenceRegistered}
	}
	// The bare form searched nothing and showed nobody.
	rq.Audit.Nothing = person == 0 && household == 0 && !q.Has("q") && !q.Has("hq")
	h.renderIntake(w, r, rq, http.StatusOK, d, person, household)
}

// renderIntake fills the page for the applicant (person), or the household
// a new person is being registered in, and the searches asked for.
func (h *pages) renderIntake(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d intakeData, person, household int64) {
	ctx := r.Context()
	scope := rq.Viewer.Scope(services.PermIntake)
	d.CanAdd = rq.Viewer.Can(access.RegisterWrite)
	d.Relations, d.Residents = web.RelationOptions(), web.ResidenceOptions()
	q := r.URL.Query()
	var err error
	if person != 0 {
		p, err := h.reg.Person(ctx, scope, person)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		d.Person, d.PersonF = &p, scope.Fields(p.Place())
		rq.Place, rq.Audit.Entity, rq.Audit.ID = p.Place(), "person", p.ID
		if p.HouseholdID != 0 {
			hb, err := h.reg.HouseholdBriefs(ctx, scope, []int64{p.HouseholdID})
			if err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			d.Household = hb[p.HouseholdID]
		}
		if d.Items, err = h.svc.Items(ctx, false); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		for i := range d.Items {
			if d.Items[i].Code == d.Form.Item {
				d.Item = &d.Items[i]
			}
		}
	} else if household != 0 && d.CanAdd {
		hh, err := h.reg.Household(ctx, rq.Write(), household)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		if d.NewPerson == nil {
			d.NewPerson = &newPersonForm{}
		}
		d.NewPerson.Household = hh
		names, err := h.reg.PersonNames(ctx, rq.Read(), []int64{hh.HeadID})
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.NewPerson.Head = names[hh.HeadID]
	} else if d.Searched = q.Has("q"); d.Searched {
		found, err := h.searchPersons(ctx, rq, scope, "intake", d.Q)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		d.Persons, d.More, d.SearchErr = found.Rows, found.More, found.FieldErr
		if found.FieldErr != "" {
			status = http.StatusUnprocessableEntity
		}
	} else if d.HSearched = q.Has("hq") && d.CanAdd; d.HSearched {
		rq.Audit.Detail = web.Truncate("intake households: "+d.HQ, 200)
		var hs []register.Household
		hs, _, err = h.reg.SearchHouseholds(ctx, rq.Write(), register.HouseholdQuery{Text: d.HQ, Limit: pageSize})
		switch fe := fault.FieldsOf(err); {
		case fe != nil:
			d.SearchErr = fe.Error()
			status = http.StatusUnprocessableEntity
		case err != nil:
			h.kit.ServerError(w, r, rq, err)
			return
		default:
			rq.Audit.Rows = len(hs)
			if d.Households, err = web.HouseholdRows(r.Context(), h.reg, h.org, rq.Read(), hs); err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
		}
	}
	d.Summary = web.Summarize(d.Errors, intakeFields)
	h.tmpl.Render(w, r, status, "services_intake", web.NewPage(rq, "窗口收件", "services", d))
}

// intake takes the case in. Missing materials leave it waiting at the
// window with the one-time complete list; the page then offers that notice.
func (h *pages) intake(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	person, _ := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	f := intakeForm{Item: r.PostFormValue("item"), Received: map[string]bool{}, Proxy: r.PostFormValue("proxy") != "",
		Phone: strings.TrimSpace(r.PostFormValue("phone")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	for _, c := range r.PostForm["received"] {
		f.Received[c] = true
	}
	if len([]rune(f.Note)) > 200 {
		h.renderIntake(w, r, rq, http.StatusUnprocessableEntity, intakeData{Form: f,
			Errors: fault.Fields{"note": "备注请不超过200字"}}, person, 0)
		return
	}
	var station int64
	if p, err := h.reg.Person(r.Context(), rq.Viewer.Scope(services.PermIntake), person); err == nil {
		if st, err := h.svc.StationOf(r.Context(), p.CommunityID); err == nil {
			station = st.ID
		}
	}
	a, err := h.svc.Intake(r.Context(), staff(rq), services.IntakeRequest{PersonID: person, Item: f.Item,
		Received: r.PostForm["received"], Proxy: f.Proxy, Phone: f.Phone, StationID: station, Note: f.Note})
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		rq.Place, rq.Audit.Entity, rq.Audit.ID = a.Place(), "application", a.ID
		h.kit.Log.Info("application taken in", "application", a.ID, "user", rq.User.ID)
		h.kit.SetFlash(w, "intake")
		http.Redirect(w, r, applicationURL(a.ID), http.StatusSeeOther)
	case fe != nil:
		if fe["person"] != "" {
			person = 0 // back to finding the applicant, with the message
		}
		h.renderIntake(w, r, rq, http.StatusUnprocessableEntity, intakeData{Form: f, Errors: fe}, person, 0)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}

// intakeNewPerson registers an applicant in a household through the
// register's own validation, then continues the intake with them. Other
// documents than the resident ID card go through the register's full form.
func (h *pages) intakeNewPerson(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	hid, _ := strconv.ParseInt(r.PostFormValue("household"), 10, 64)
	hh, err := h.reg.Household(ctx, rq.Write(), hid)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Place, rq.Audit.Entity, rq.Audit.ID = hh.Place(), "household", hh.ID
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	np := &newPersonForm{Name: v("name"), IDNumber: v("id_number"), Phone: v("phone"), Relation: v("relation"),
		Residence: v("residence")}
	p := register.Person{HouseholdID: hh.ID, Name: np.Name, DocType: string(ident.DocResidentID), IDNumber: np.IDNumber,
		Phone: np.Phone, Relation: np.Relation, Residence: np.Residence, Address: hh.Address, Status: "active"}
	if p.Residence == "" {
		p.Residence = register.ResidenceRegistered
	}
	err = h.reg.CreatePerson(ctx, rq.Actor, rq.Write(), &p)
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		h.kit.Log.Info("person added at intake", "person", p.ID, "household", hh.ID, "user", rq.User.ID)
		h.kit.SetFlash(w, "added")
		http.Redirect(w, r, "/services/intake?"+url.Values{"person": {strconv.FormatInt(p.ID, 10)}}.Encode(), http.StatusSeeOther)
	case fe != nil:
		h.renderIntake(w, r, rq, http.StatusUnprocessableEntity, intakeData{NewPerson: np, Errors: fe,
			Form: intakeForm{Received: map[string]bool{}}}, 0, hh.ID)
	default:
		h.kit.Fail(w, r, rq, err)
	}
}
