package volunteersweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/volunteers"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

var errNoUnit = fault.New(fault.NotFound, "没有这个社区,或不在您的管辖范围内")

type listData struct {
	Unit       orgtree.Unit
	Year       int
	Team       int64
	Volunteers []volunteers.Listing
	Teams      []volunteers.Team
	Totals     volunteers.Totals
	TeamKinds  map[string]string
	Errors     map[string]string
	TeamName   string
}

func (h *handler) year(r *http.Request) int {
	y, err := strconv.Atoi(r.FormValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		y = h.Volunteers.Now().In(workdays.Shanghai).Year()
	}
	return y
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderList(w, r, rq, http.StatusOK, listData{})
}

func (h *handler) renderList(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d listData) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	ctx := r.Context()
	d.Unit, d.Year, d.TeamKinds = u, h.year(r), volunteers.TeamKinds
	d.Team, _ = strconv.ParseInt(r.FormValue("team"), 10, 64)
	var err error
	if d.Volunteers, err = h.Volunteers.List(ctx, staff(rq), u.ID, d.Team, d.Year); err == nil {
		if d.Teams, err = h.Volunteers.Teams(ctx, u.ID); err == nil {
			d.Totals, err = h.Volunteers.TotalsOf(ctx, []int64{u.ID}, d.Year)
		}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, status, "volunteers", web.NewPage(rq, u.Name+" 志愿者", "volunteers", d))
}

func (h *handler) createTeam(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	_, err := h.Volunteers.CreateTeam(r.Context(), staff(rq), u.ID, r.PostFormValue("team_name"), r.PostFormValue("team_kind"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderList(w, r, rq, http.StatusUnprocessableEntity, listData{Errors: fe, TeamName: r.PostFormValue("team_name")})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "volunteer_team_saved")
	http.Redirect(w, r, "/volunteers?org="+itoa(u.ID), http.StatusSeeOther)
}

// profileOf reads skills, availability and teams from a form.
func profileOf(r *http.Request) volunteers.Profile {
	p := volunteers.Profile{Skills: r.PostForm["skills"],
		Availability: volunteers.Availability{From: r.PostFormValue("available_from"), To: r.PostFormValue("available_to")}}
	for _, d := range r.PostForm["weekdays"] {
		if n, err := strconv.Atoi(d); err == nil {
			p.Availability.Weekdays = append(p.Availability.Weekdays, n)
		}
	}
	for _, t := range r.PostForm["teams"] {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			p.TeamIDs = append(p.TeamIDs, n)
		}
	}
	return p
}

type formData struct {
	Unit     orgtree.Unit
	PersonID string
	IDNumber string
	Profile  volunteers.Profile
	Teams    []volunteers.Team
	Errors   map[string]string
}

func (h *handler) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderForm(w, r, rq, http.StatusOK, formData{PersonID: r.FormValue("person")})
}

func (h *handler) renderForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d formData) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d.Unit = u
	var err error
	if d.Teams, err = h.Volunteers.Teams(r.Context(), u.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.tmpl.Render(w, r, status, "volunteer_form", web.NewPage(rq, "登记志愿者", "volunteers", d))
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq)
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	person, _ := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	d := formData{PersonID: r.PostFormValue("person"), IDNumber: strings.TrimSpace(r.PostFormValue("id_number")), Profile: profileOf(r)}
	v, err := h.Volunteers.Register(r.Context(), staff(rq), volunteers.Registration{CommunityID: u.ID, PersonID: person,
		IDNumber: d.IDNumber, Profile: d.Profile})
	if err != nil && (fault.FieldsOf(err) != nil || fault.KindOf(err) == fault.Conflict) {
		d.Errors = fault.FieldsOf(err)
		if d.Errors == nil {
			d.Errors = map[string]string{"id_number": fault.Message(err)}
		}
		h.renderForm(w, r, rq, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "person", v.PersonID
	h.kit.SetFlash(w, "volunteer_saved")
	http.Redirect(w, r, "/volunteers/"+itoa(v.ID), http.StatusSeeOther)
}

type volunteerData struct {
	V       volunteers.Volunteer
	Sum     volunteers.Sum
	Ledger  []volunteers.HoursRow
	Records []volunteers.Record
	Teams   []volunteers.Team
	Errors  map[string]string
	Form    url.Values
	Today   string
	Link    string // a personal link just issued, shown once
	QR      any
	Grades  []string
	Levels  []string
}

func (h *handler) volunteer(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderVolunteer(w, r, rq, http.StatusOK, volunteerData{})
}

func (h *handler) renderVolunteer(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d volunteerData) {
	ctx := r.Context()
	v, err := h.Volunteers.Volunteer(ctx, staff(rq), pathID(r, "vol"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.V = v
	rq.Audit.Entity, rq.Audit.ID = "person", v.PersonID
	if d.Sum, err = h.Volunteers.SumOf(ctx, v); err == nil {
		if d.Ledger, err = h.Volunteers.Ledger(ctx, v, 200); err == nil {
			if d.Records, err = h.Volunteers.Records(ctx, v); err == nil {
				d.Teams, err = h.Volunteers.Teams(ctx, v.CommunityID)
			}
		}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	d.Today = h.Volunteers.Now().In(workdays.Shanghai).Format("2006-01-02")
	d.Grades, d.Levels = volunteers.Grades, volunteers.Levels
	h.tmpl.Render(w, r, status, "volunteer", web.NewPage(rq, "志愿者 "+v.Number, "volunteers", d))
}

// after answers a staff form on the volunteer's page: the page again
// with the errors at their fields, or back to it with a flash.
func (h *handler) after(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, flash string) {
	if fe := fault.FieldsOf(err); fe != nil || fault.KindOf(err) == fault.Refused || fault.KindOf(err) == fault.Conflict {
		if fe == nil {
			fe = fault.Fields{"form": fault.Message(err)}
		}
		h.renderVolunteer(w, r, rq, http.StatusUnprocessableEntity, volunteerData{Errors: fe, Form: r.PostForm})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/volunteers/"+r.PathValue("vol"), http.StatusSeeOther)
}

func (h *handler) edit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err := h.Volunteers.Update(r.Context(), staff(rq), pathID(r, "vol"), volunteers.Edit{Profile: profileOf(r),
		Version: version, Left: r.PostFormValue("left") == "1"})
	h.after(w, r, rq, err, "volunteer_saved")
}

func (h *handler) recordHours(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Volunteers.RecordHours(r.Context(), staff(rq), pathID(r, "vol"), volunteers.Manual{Kind: r.PostFormValue("kind"),
		ServedOn: r.PostFormValue("served_on"), Hours: r.PostFormValue("hours"), Content: r.PostFormValue("content")})
	h.after(w, r, rq, err, "volunteer_hours_saved")
}

func (h *handler) reverse(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Volunteers.Reverse(r.Context(), staff(rq), pathID(r, "row"), r.PostFormValue("reason"))
	h.after(w, r, rq, err, "volunteer_hours_reversed")
}

func (h *handler) addRecord(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	_, err := h.Volunteers.AddRecord(r.Context(), staff(rq), pathID(r, "vol"), volunteers.Record{Kind: r.PostFormValue("record_kind"),
		Title: r.PostFormValue("title"), Grade: r.PostFormValue("grade"), Content: r.PostFormValue("content"),
		GivenOn: r.PostFormValue("given_on"), GivenBy: r.PostFormValue("given_by")})
	h.after(w, r, rq, err, "volunteer_record_saved")
}

// reissue shows a new personal link once, with its QR, for the volunteer
// to open on their phone.
func (h *handler) reissue(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	token, err := h.Volunteers.Reissue(r.Context(), staff(rq), pathID(r, "vol"))
	if err != nil && fault.KindOf(err) != fault.Refused {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if err != nil {
		h.after(w, r, rq, err, "")
		return
	}
	link := h.baseURL(r) + "/v/key?k=" + token
	h.renderVolunteer(w, r, rq, http.StatusOK, volunteerData{Link: link, QR: qrSVG(link)})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
