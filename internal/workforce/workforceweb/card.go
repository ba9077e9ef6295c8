package workforceweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/web"
	"shequ/internal/workforce"
)

// cardData is a person's card with the forms recording to it; each form's
// values and errors come back with it when refused.
type cardData struct {
	Card      *workforce.Card
	Bands     []workforce.Band
	CanManage bool
	Year      string
	// The forms.
	Profile    workforce.ProfileForm
	Qual       workforce.QualForm
	Training   workforce.TrainingForm
	Assessment workforce.AssessmentForm
	EditID     int64 // the assessment the form changes; 0 a new one
	EditVer    int
	Open       string // the form sent back
	Errors     map[string]string
	Summary    []web.ErrItem
	Conflict   string
	Posts      []web.Option
	Wulao      []web.Option
	Duties     []workforce.Label
	QualKinds  []web.Option
}

var cardFields = []string{"post", "title", "wulao", "duties", "employer", "id_number", "kind", "name", "number", "issued_on",
	"expires_on", "issuer", "held_on", "organiser", "hours", "period", "score", "assessor", "note"}

func (h *handler) card(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	d := cardData{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("assessment"), 10, 64); err == nil {
		d.EditID, d.Open = id, "assessment"
	}
	h.renderCard(w, r, rq, http.StatusOK, d)
}

func (h *handler) renderCard(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d cardData) {
	c, err := h.Workforce.CardOf(r.Context(), pathID(r, "staff"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Card = c
	if d.Bands, err = h.Workforce.Bands(r.Context()); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.CanManage = actor(rq).May(c.CommunityID)
	d.Year = c.Today[:4]
	if d.Open != "profile" {
		d.Profile = workforce.ProfileForm{Post: c.Post, Title: c.Title, Wulao: c.Wulao, Employer: c.Employer, Duties: c.Duties}
	}
	if d.Open == "assessment" && d.Errors == nil && d.Conflict == "" {
		if x, ok := c.Assessment(d.EditID); ok {
			d.Assessment = workforce.AssessmentForm{Period: x.Period, Score: strconv.Itoa(x.Score), Assessor: x.Assessor, Note: x.Note}
			d.EditVer = x.Version
		} else {
			d.EditID = 0
		}
	}
	if d.Training.HeldOn == "" {
		d.Training.HeldOn = c.Today
	}
	d.Posts, d.Wulao, d.Duties, d.QualKinds = options(workforce.Posts), options(workforce.Wulao), workforce.Duties,
		options(workforce.QualKinds)
	d.Summary = web.Summarize(d.Errors, cardFields)
	rq.Audit.Entity, rq.Audit.ID = "staff", c.StaffID
	h.tmpl.Render(w, r, status, "member", web.NewPage(rq, c.Name, "workforce", d))
}

// refused sends the card back with the form's errors, or a conflict's
// message, or fails.
func (h *handler) refused(w http.ResponseWriter, r *http.Request, rq *web.Request, err error, d cardData) bool {
	if err == nil {
		return false
	}
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.renderCard(w, r, rq, http.StatusUnprocessableEntity, d)
		return true
	}
	if fault.Is(err, fault.Conflict) {
		d.Conflict = fault.Message(err)
		h.renderCard(w, r, rq, http.StatusConflict, d)
		return true
	}
	h.kit.Fail(w, r, rq, err)
	return true
}

func (h *handler) saved(w http.ResponseWriter, r *http.Request, flash, anchor string) {
	h.kit.SetFlash(w, flash)
	http.Redirect(w, r, "/workforce/members/"+r.PathValue("staff")+"#"+anchor, http.StatusSeeOther)
}

func (h *handler) saveProfile(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	p := workforce.ProfileForm{Post: f("post"), Title: f("title"), Wulao: f("wulao"), Employer: f("employer"),
		IDNumber: f("id_number"), Duties: r.PostForm["duties"]}
	err := h.Workforce.SaveProfile(r.Context(), actor(rq), pathID(r, "staff"), web.FormVersion(r), p)
	if h.refused(w, r, rq, err, cardData{Open: "profile", Profile: p}) {
		return
	}
	h.saved(w, r, "wf_profile_saved", "profile")
}

func (h *handler) addQualification(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	q := workforce.QualForm{Kind: f("kind"), Name: f("name"), Number: f("number"), IssuedOn: f("issued_on"),
		ExpiresOn: f("expires_on"), Issuer: f("issuer")}
	_, err := h.Workforce.AddQualification(r.Context(), actor(rq), pathID(r, "staff"), q)
	if h.refused(w, r, rq, err, cardData{Open: "qualification", Qual: q}) {
		return
	}
	h.saved(w, r, "wf_qual_saved", "quals")
}

func (h *handler) withdrawQualification(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	err := h.Workforce.WithdrawQualification(r.Context(), actor(rq), pathID(r, "staff"), pathID(r, "qual"), web.FormVersion(r))
	if h.refused(w, r, rq, err, cardData{}) {
		return
	}
	h.saved(w, r, "wf_qual_withdrawn", "quals")
}

func (h *handler) addTraining(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	t := workforce.TrainingForm{HeldOn: f("held_on"), Title: f("title"), Organiser: f("organiser"), Hours: f("hours")}
	_, err := h.Workforce.AddTraining(r.Context(), actor(rq), pathID(r, "staff"), t)
	if h.refused(w, r, rq, err, cardData{Open: "training", Training: t}) {
		return
	}
	h.saved(w, r, "wf_training_saved", "training")
}

func (h *handler) saveAssessment(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	x := workforce.AssessmentForm{Period: f("period"), Score: f("score"), Assessor: f("assessor"), Note: f("note")}
	id, _ := strconv.ParseInt(f("assessment"), 10, 64)
	ver := web.FormVersion(r)
	_, err := h.Workforce.SaveAssessment(r.Context(), actor(rq), pathID(r, "staff"), id, ver, x)
	if h.refused(w, r, rq, err, cardData{Open: "assessment", Assessment: x, EditID: id, EditVer: ver}) {
		return
	}
	h.saved(w, r, "wf_assessment_saved", "assessments")
}
