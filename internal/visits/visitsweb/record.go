package visitsweb

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/web"
)

// The visit form: one page a phone opens at the door, posting without
// script. Its client_uuid is made when the form is shown, so that a form
// sent twice (a double tap, a retry on a bad network) is one visit.

type recordData struct {
	Household register.Household
	Members   []register.Person
	Women     []register.Person
	Due       []visits.Line
	Past      []visits.Visit
	F         recordForm
	Conflict  *register.ConflictError
	Summary   []web.ErrItem
	Today     string
	Need      needForm // 报事件 with the visit
	MayIntake bool
}

type recordForm struct {
	ClientUUID, VisitedOn, Outcome, Met, Findings, Notes, DeviceTime string
	HouseholdPhone, HouseholdVersion, Staff                          string
	Present                                                          map[int64]bool
	Phones                                                           map[int64]string
	Versions                                                         map[int64]int
	LeavePerson, LeaveStatus, LeaveOn, LeaveTo                       string
	PregnantPerson, PregnantOn                                       string
	Errors                                                           map[string]string
}

var recordFields = []string{"visited_on", "outcome", "met", "present", "household_phone", "leaving", "left_on", "left_to",
	"status", "pregnant", "pregnant_on", "findings", "notes", "need_category", "need_urgency", "need_description"}

func (h *handler) form(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	hh, err := h.Register.Household(r.Context(), rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	f := recordForm{ClientUUID: visits.NewClientUUID(), Outcome: visits.OutcomeMet, HouseholdPhone: hh.Phone,
		HouseholdVersion: strconv.Itoa(hh.Version), Staff: r.URL.Query().Get("staff"), Present: map[int64]bool{},
		Phones: map[int64]string{}, Versions: map[int64]int{}}
	h.renderForm(w, r, rq, http.StatusOK, hh, f, needForm{}, nil)
}

func (h *handler) renderForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, hh register.Household,
	f recordForm, nf needForm, conflict *register.ConflictError) {
	ctx := r.Context()
	d := recordData{Household: hh, F: f, Conflict: conflict, Need: nf, MayIntake: mayIntake(rq, hh)}
	d.Need.Errors = f.Errors
	if err := h.fillNeed(r, &d.Need); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var err error
	if d.Members, err = h.Register.Members(ctx, rq.Read(), hh); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	active := d.Members[:0]
	for _, p := range d.Members {
		if p.Status != "active" {
			continue
		}
		active = append(active, p)
		if _, ok := f.Phones[p.ID]; !ok {
			d.F.Phones[p.ID] = p.Phone
		}
		if _, ok := f.Versions[p.ID]; !ok || conflict != nil {
			d.F.Versions[p.ID] = p.Version
		}
		if p.Gender == "F" {
			d.Women = append(d.Women, p)
		}
	}
	d.Members = active
	if conflict != nil {
		d.F.HouseholdVersion = strconv.Itoa(hh.Version)
	}
	if d.Due, err = h.Visits.DueOf(ctx, hh.CommunityID, hh.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Past, err = h.Visits.VisitsOf(ctx, hh.CommunityID, hh.ID, 5); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if f.Errors != nil {
		d.Summary = web.Summarize(f.Errors, recordFields)
	}
	h.tmpl.Render(w, r, status, "record", web.NewPage(rq, "入户走访 "+hh.Number, "visits", d))
}

func (h *handler) save(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := web.PathID(r)
	ctx := r.Context()
	hh, err := h.Register.Household(ctx, rq.Read(), id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	r.ParseForm()
	pf := r.PostFormValue
	f := recordForm{ClientUUID: pf("client_uuid"), VisitedOn: pf("visited_on"), Outcome: pf("outcome"), Met: pf("met"),
		Findings: pf("findings"), Notes: pf("notes"), DeviceTime: pf("device_time"), HouseholdPhone: pf("household_phone"),
		HouseholdVersion: pf("household_version"), Staff: pf("staff"), Present: map[int64]bool{}, Phones: map[int64]string{},
		Versions: map[int64]int{}, LeavePerson: pf("leave_person"), LeaveStatus: pf("leave_status"), LeaveOn: pf("left_on"),
		LeaveTo: pf("left_to"), PregnantPerson: pf("pregnant_person"), PregnantOn: pf("pregnant_on")}
	nf := needFormOf(r)
	rec := visits.Record{HouseholdID: hh.ID, ClientUUID: f.ClientUUID, VisitedOn: f.VisitedOn, Outcome: f.Outcome,
		Met: f.Met, Findings: f.Findings, Notes: f.Notes, DeviceTime: f.DeviceTime, StaffID: staffQuery(r), Need: nf.need()}
	rec.HouseholdVersion, _ = strconv.Atoi(f.HouseholdVersion)
	if f.HouseholdPhone != hh.Phone {
		p := f.HouseholdPhone
		rec.HouseholdPhone = &p
	}
	for _, v := range r.PostForm["present"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			rec.Present = append(rec.Present, n)
			f.Present[n] = true
		}
	}
	for key, vals := range r.PostForm {
		if rest, ok := strings.CutPrefix(key, "version_"); ok {
			pid, err1 := strconv.ParseInt(rest, 10, 64)
			ver, err2 := strconv.Atoi(vals[0])
			if err1 == nil && err2 == nil {
				f.Versions[pid] = ver
			}
		}
	}
	for pid, ver := range f.Versions {
		phone := pf("phone_" + strconv.FormatInt(pid, 10))
		f.Phones[pid] = phone
		rec.PersonPhones = append(rec.PersonPhones, visits.PersonPhone{PersonID: pid, Version: ver, Phone: phone})
	}
	if pid, err := strconv.ParseInt(f.LeavePerson, 10, 64); err == nil && pid > 0 {
		rec.Leavings = append(rec.Leavings, register.Leaving{PersonID: pid, Version: f.Versions[pid], Status: f.LeaveStatus,
			On: f.LeaveOn, To: f.LeaveTo})
	}
	if pid, err := strconv.ParseInt(f.PregnantPerson, 10, 64); err == nil && pid > 0 {
		rec.Pregnancies = append(rec.Pregnancies, visits.Pregnancy{PersonID: pid, StartedOn: f.PregnantOn})
	}
	v, _, err := h.Visits.RecordVisit(ctx, visits.Visitor{UserID: rq.User.ID, Name: rq.Actor.Name, Scope: rq.Write(),
		Viewer: rq.Viewer}, rec)
	var ce *register.ConflictError
	switch {
	case errors.As(err, &ce):
		// Someone changed the household or a member meanwhile: the form
		// comes back with what they changed and the current versions; the
		// worker decides and sends again.
		fresh, ferr := h.Register.Household(ctx, rq.Read(), hh.ID)
		if ferr != nil {
			h.kit.Fail(w, r, rq, ferr)
			return
		}
		h.renderForm(w, r, rq, http.StatusConflict, fresh, f, nf, ce)
		return
	case fault.FieldsOf(err) != nil:
		f.Errors = fault.FieldsOf(err)
		h.renderForm(w, r, rq, http.StatusUnprocessableEntity, hh, f, nf, nil)
		return
	case err != nil:
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "household", hh.ID
	if v.EventID != 0 {
		h.kit.SetFlash(w, "visit_event_reported")
	} else {
		h.kit.SetFlash(w, "visit_saved")
	}
	http.Redirect(w, r, "/visits/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}
