package surveysweb

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/sheets"
	"shequ/internal/surveys"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

// The staff's pages: a community's surveys, the draft editor, opening and
// closing, and the results. Every page checks the community lies in the
// viewer's scope of the permission it needs.

type staff struct {
	kit  *web.Kit
	d    Deps
	tmpl *web.Templates
}

func staffRoutes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &staff{kit: k, d: d}
	h.tmpl = k.Templates(templateFS, map[string]any{
		"kindWord":  func(k string) string { return surveys.KindWords[k] },
		"kinds":     func() []string { return surveys.Kinds },
		"phaseWord": func(sv surveys.Survey) string { return surveys.PhaseWords[sv.Phase(d.Surveys.Now())] },
		"field":     surveys.Field,
		"lines":     func(xs []string) string { return strings.Join(xs, "\n") },
		"hasID": func(xs []int64, id int64) bool {
			for _, x := range xs {
				if x == id {
					return true
				}
			}
			return false
		},
		"qerr": func(errs map[string]string, pos int, name string) string {
			return errs[fmt.Sprintf("q%d_%s", pos, name)]
		},
		"chart": chartOf,
	})
	k.AddFlashes(map[string]string{"survey_saved": "问卷已保存", "survey_opened": "问卷已发布", "survey_closed": "问卷已结束"})
	k.AddNav("surveys", "问卷调查", "/surveys", surveys.PermRead)
	read := access.Rule{Perm: surveys.PermRead}
	manage := access.Rule{Perm: surveys.PermManage}
	k.Handle(rt, "GET /surveys", read, h.list)
	k.Handle(rt, "GET /surveys/new", manage, h.newForm)
	k.Handle(rt, "POST /surveys/new", manage, h.create)
	k.Handle(rt, "GET /surveys/{c}/{survey}", read, h.page)
	k.Handle(rt, "POST /surveys/{c}/{survey}/edit", manage, h.edit)
	k.Handle(rt, "POST /surveys/{c}/{survey}/open", manage, h.open)
	k.Handle(rt, "POST /surveys/{c}/{survey}/close", manage, h.close)
	// Results of a named survey show names to its managers: a read of
	// personal data, recorded; the export records itself.
	k.Handle(rt, "GET /surveys/{c}/{survey}/results", access.Rule{Perm: surveys.PermRead, Audit: audit.View}, h.results)
	k.Handle(rt, "GET /surveys/{c}/{survey}/results.xlsx", access.Rule{Perm: surveys.PermRead, Audit: audit.Export}, h.export)
}

var errNoUnit = fault.New(fault.NotFound, "没有这个社区,或不在您的管辖范围内")

// community is the community v names when it lies in the viewer's scope
// of perm; v empty is the viewer's first community.
func (h *staff) community(r *http.Request, rq *web.Request, perm, v string) (orgtree.Unit, bool) {
	sc := rq.Viewer.Scope(perm)
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		if cs := sc.Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || u.Level != orgtree.LevelCommunity || !sc.Contains(web.UnitPlace(u)) {
		return u, false
	}
	return u, true
}

// may says whether the viewer manages the surveys of community c.
func may(r *http.Request, rq *web.Request, h *staff, c int64) bool {
	_, ok := h.community(r, rq, surveys.PermManage, strconv.FormatInt(c, 10))
	return ok
}

func who(rq *web.Request) string {
	if rq.User.DisplayName != "" {
		return rq.User.DisplayName
	}
	return rq.User.Name
}

type staffList struct {
	Unit    orgtree.Unit
	Surveys []surveys.Survey
	Manage  bool
}

func (h *staff) list(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, surveys.PermRead, r.URL.Query().Get("c"))
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	svs, err := h.d.Surveys.List(r.Context(), []int64{u.ID})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "surveys", web.NewPage(rq, u.Name+" 问卷调查", "surveys",
		staffList{Unit: u, Surveys: svs, Manage: may(r, rq, h, u.ID)}))
}

type formData struct {
	Unit      orgtree.Unit
	Survey    surveys.Survey // the survey edited (ID 0: a new one)
	Form      surveys.Form
	Slots     []surveys.Question // the questions and blank ones to fill
	Buildings []surveys.Building
	Errors    map[string]string
	Manage    bool
	Now       string
	Week      string
}

// formOf reads the editor: the survey's fields, and question slots q1_…
// that are not left blank, numbered again in order.
func formOf(r *http.Request) surveys.Form {
	v := r.PostForm
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(v.Get(name)), 10, 64)
		return n
	}
	f := surveys.Form{Title: v.Get("title"), Intro: v.Get("intro"), Anonymous: v.Get("anonymous") != "0",
		Unit: v.Get("unit"), AgeMin: int(num("age_min")), AgeMax: int(num("age_max")), Gender: v.Get("gender")}
	for _, b := range v["buildings"] {
		if n, err := strconv.ParseInt(b, 10, 64); err == nil {
			f.Buildings = append(f.Buildings, n)
		}
	}
	for i := 1; i <= surveys.MaxQuestions+5; i++ {
		p := fmt.Sprintf("q%d_", i)
		text, opts := v.Get(p+"text"), v.Get(p+"options")
		if strings.TrimSpace(text) == "" && strings.TrimSpace(opts) == "" {
			continue
		}
		q := surveys.Question{Kind: v.Get(p + "kind"), Text: text, Options: strings.Split(opts, "\n"),
			Required: v.Get(p+"required") == "1", Min: num(p + "min"), Max: num(p + "max")}
		if q.Kind == surveys.Text {
			q.MaxLen, q.Max = int(q.Max), 0
		}
		f.Questions = append(f.Questions, q)
	}
	return f
}

// formFrom is a survey as the editor shows it.
func formFrom(sv surveys.Survey) surveys.Form {
	return surveys.Form{Title: sv.Title, Intro: sv.Intro, Anonymous: sv.Anonymous, Unit: sv.Unit, AgeMin: sv.AgeMin,
		AgeMax: sv.AgeMax, Gender: sv.Gender, Buildings: sv.Buildings, Questions: sv.Questions}
}

func (h *staff) renderForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d formData) {
	var err error
	if d.Buildings, err = h.d.Surveys.Buildings(r.Context(), d.Unit.ID); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	// The questions, and blank ones so that three more can be added
	// without a script.
	d.Slots = append([]surveys.Question(nil), d.Form.Questions...)
	for len(d.Slots) < len(d.Form.Questions)+3 && len(d.Slots) < surveys.MaxQuestions {
		d.Slots = append(d.Slots, surveys.Question{Kind: surveys.Single, Required: true})
	}
	for i := range d.Slots {
		d.Slots[i].Position = i + 1
	}
	now := h.d.Surveys.Now().In(workdays.Shanghai)
	d.Now, d.Week = now.Format("2006-01-02T15:04"), now.AddDate(0, 0, 14).Format("2006-01-02T15:04")
	title := "新建问卷"
	if d.Survey.ID != 0 {
		title = d.Survey.Title
	}
	h.tmpl.Render(w, r, status, "survey", web.NewPage(rq, title, "surveys", d))
}

func (h *staff) newForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, surveys.PermManage, r.URL.Query().Get("c"))
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	h.renderForm(w, r, rq, http.StatusOK, formData{Unit: u, Form: surveys.Form{Anonymous: true, AgeMin: 18}, Manage: true})
}

func (h *staff) create(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, ok := h.community(r, rq, surveys.PermManage, r.URL.Query().Get("c"))
	if !ok {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	f := formOf(r)
	sv, err := h.d.Surveys.Create(r.Context(), who(rq), u.ID, f)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderForm(w, r, rq, http.StatusUnprocessableEntity, formData{Unit: u, Form: f, Errors: fe, Manage: true})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "survey_saved")
	http.Redirect(w, r, path(sv), http.StatusSeeOther)
}

func path(sv surveys.Survey) string {
	return "/surveys/" + strconv.FormatInt(sv.CommunityID, 10) + "/" + strconv.FormatInt(sv.ID, 10)
}

// load reads the survey of the path in a community of the viewer's scope
// of perm.
func (h *staff) load(w http.ResponseWriter, r *http.Request, rq *web.Request, perm string) (orgtree.Unit, surveys.Survey, bool) {
	u, ok := h.community(r, rq, perm, r.PathValue("c"))
	id, err := strconv.ParseInt(r.PathValue("survey"), 10, 64)
	if !ok || err != nil {
		h.kit.Fail(w, r, rq, errNoUnit)
		return u, surveys.Survey{}, false
	}
	sv, err := h.d.Surveys.Get(r.Context(), u.ID, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return u, sv, false
	}
	return u, sv, true
}

func (h *staff) page(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, sv, ok := h.load(w, r, rq, surveys.PermRead)
	if !ok {
		return
	}
	h.renderForm(w, r, rq, http.StatusOK, formData{Unit: u, Survey: sv, Form: formFrom(sv), Manage: may(r, rq, h, u.ID)})
}

func (h *staff) edit(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, sv, ok := h.load(w, r, rq, surveys.PermManage)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	f := formOf(r)
	_, err := h.d.Surveys.Update(r.Context(), who(rq), u.ID, sv.ID, version, f)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderForm(w, r, rq, http.StatusUnprocessableEntity, formData{Unit: u, Survey: sv, Form: f, Errors: fe, Manage: true})
		return
	}
	h.done(w, r, rq, u, sv, f, err, "survey_saved")
}

// done answers a change: back to the survey with a flash, or the survey
// with the refusal at the top (a conflict, a survey already open).
func (h *staff) done(w http.ResponseWriter, r *http.Request, rq *web.Request, u orgtree.Unit, sv surveys.Survey, f surveys.Form, err error, flash string) {
	if err == nil {
		h.kit.SetFlash(w, flash)
		http.Redirect(w, r, path(sv), http.StatusSeeOther)
		return
	}
	if fault.KindOf(err) == fault.Internal {
		h.kit.Fail(w, r, rq, err)
		return
	}
	status := web.Status(err)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderForm(w, r, rq, status, formData{Unit: u, Survey: sv, Form: formFrom(sv), Errors: fe, Manage: true})
		return
	}
	h.renderForm(w, r, rq, status, formData{Unit: u, Survey: sv, Form: f, Manage: true,
		Errors: map[string]string{"survey": fault.Message(err)}})
}

// localTime reads a datetime-local field in Shanghai time.
func localTime(v string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), workdays.Shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *staff) open(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, sv, ok := h.load(w, r, rq, surveys.PermManage)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err := h.d.Surveys.OpenSurvey(r.Context(), who(rq), u.ID, sv.ID, version, localTime(r.PostFormValue("opens_at")),
		localTime(r.PostFormValue("closes_at")))
	h.done(w, r, rq, u, sv, formFrom(sv), err, "survey_opened")
}

func (h *staff) close(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, sv, ok := h.load(w, r, rq, surveys.PermManage)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	h.done(w, r, rq, u, sv, formFrom(sv), h.d.Surveys.CloseSurvey(r.Context(), who(rq), u.ID, sv.ID, version), "survey_closed")
}

type resultsData struct {
	Unit orgtree.Unit
	R    surveys.Result
}

// result counts a survey's answers, with names for its managers.
func (h *staff) result(w http.ResponseWriter, r *http.Request, rq *web.Request) (orgtree.Unit, surveys.Result, bool) {
	u, sv, ok := h.load(w, r, rq, surveys.PermRead)
	if !ok {
		return u, surveys.Result{}, false
	}
	res, err := h.d.Surveys.Results(r.Context(), u.ID, sv.ID, may(r, rq, h, u.ID))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return u, res, false
	}
	return u, res, true
}

func (h *staff) results(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, res, ok := h.result(w, r, rq)
	if !ok {
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "results", web.NewPage(rq, res.Title+" 统计结果", "surveys", resultsData{Unit: u, R: res}))
}

func (h *staff) export(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, res, ok := h.result(w, r, rq)
	if !ok {
		return
	}
	rows, err := h.d.Surveys.Responses(r.Context(), res)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if err := h.kit.Audit.RecordNow(r.Context(), audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name,
		Addr: web.ClientAddr(r), Action: audit.Export, CommunityID: u.ID, Route: "GET /surveys/{c}/{survey}/results.xlsx",
		Status: http.StatusOK, Rows: res.Responses, Detail: "问卷调查结果:" + res.Title}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"survey.xlsx\"; filename*=UTF-8''%s",
		url.PathEscape(res.Title+".xlsx")))
	if err := surveys.WriteXLSX(w, res, rows); err != nil {
		h.kit.Log.Error("surveys: export", "err", err)
	}
}
