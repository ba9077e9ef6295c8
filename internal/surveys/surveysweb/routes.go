// Package surveysweb serves 问卷调查: on the resident's phone under
// /r/surveys a community's surveys and the answer form for a signed-in
// resident the survey targets (no script, the kit's double-submit token);
// for staff the list, the draft editor, opening and closing, and the
// results with bar charts drawn on the server and their xlsx.
package surveysweb

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shequ/internal/fault"
	"shequ/internal/residents"
	"shequ/internal/surveys"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

//go:embed templates/*.html templates/resident/*.html
var templateFS embed.FS

const csrfCookie = "shequ_surveys_csrf"

// Deps are what the pages need: the service and who a request is signed
// in as (residentsweb.SignedIn).
type Deps struct {
	Surveys  *surveys.Service
	SignedIn func(*http.Request) (residents.Resident, bool)
}

type handler struct {
	kit   *web.Kit
	d     Deps
	pages map[string]*template.Template
}

func residentFuncs(s *surveys.Service) template.FuncMap {
	return template.FuncMap{
		"phase": func(sv surveys.Survey) string { return surveys.PhaseWords[sv.Phase(s.Now())] },
		"when":  func(t time.Time) string { return t.In(workdays.Shanghai).Format("2006-01-02 15:04") },
		"field": surveys.Field,
		"inc":   func(i int) int { return i + 1 },
		"stars": func() []int { return []int{1, 2, 3, 4, 5} },
		"chosen": func(v url.Values, f string, n int) bool {
			for _, x := range v[f] {
				if x == strconv.Itoa(n) {
					return true
				}
			}
			return false
		},
		"given": func(v url.Values, f string) string { return v.Get(f) },
	}
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{kit: k, d: d, pages: map[string]*template.Template{}}
	for _, n := range []string{"list", "survey"} {
		h.pages[n] = template.Must(template.New(n).Funcs(residentFuncs(d.Surveys)).ParseFS(templateFS,
			"templates/resident/layout.html", "templates/resident/"+n+".html"))
	}
	k.HandlePublic(rt, "GET /r/surveys", h.list)
	k.HandlePublic(rt, "GET /r/surveys/{c}/{survey}", h.survey)
	k.HandlePublic(rt, "POST /r/surveys/{c}/{survey}/answer", h.answer)
	staffRoutes(rt, k, d)
}

type page struct {
	Title string
	CSS   string
	CSRF  string
	R     *residents.Resident
	Data  any
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, res *residents.Resident, data any) {
	w.Header().Set("Cache-Control", "no-store")
	p := &page{Title: title, CSS: web.StylesheetURL(), CSRF: h.kit.PublicToken(w, r, csrfCookie), R: res, Data: data}
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.kit.Log.Error("surveys: template", "name", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) resident(r *http.Request) *residents.Resident {
	if h.d.SignedIn == nil {
		return nil
	}
	if res, ok := h.d.SignedIn(r); ok {
		return &res
	}
	return nil
}

type listData struct {
	C       int64
	R       *residents.Resident
	Surveys []surveys.Survey
}

// list shows a community's published surveys: ?c= names it, else the
// signed-in resident's.
func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	res := h.resident(r)
	c, _ := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64)
	if c == 0 && res != nil {
		c = res.CommunityID
	}
	if c <= 0 {
		http.Redirect(w, r, "/r/verify", http.StatusSeeOther)
		return
	}
	svs, err := h.d.Surveys.List(r.Context(), []int64{c})
	if err != nil {
		h.kit.Log.Error("surveys: list", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	shown := svs[:0]
	for _, sv := range svs {
		if sv.Status != surveys.Draft {
			shown = append(shown, sv)
		}
	}
	h.render(w, r, http.StatusOK, "list", "问卷调查", res, listData{C: c, R: res, Surveys: shown})
}

type surveyData struct {
	S surveys.Survey
	surveys.Standing
	Given  url.Values
	Errors map[string]string
	Done   bool
}

func ids(r *http.Request) (int64, int64, bool) {
	c, err1 := strconv.ParseInt(r.PathValue("c"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("survey"), 10, 64)
	return c, id, err1 == nil && err2 == nil && c > 0 && id > 0
}

func (h *handler) surveyPage(w http.ResponseWriter, r *http.Request, status int, c, id int64, d surveyData) {
	res := h.resident(r)
	sv, err := h.d.Surveys.Get(r.Context(), c, id)
	if err != nil || sv.Status == surveys.Draft {
		if err != nil && !fault.Is(err, fault.NotFound) {
			h.kit.Log.Error("surveys: survey", "err", err)
		}
		http.NotFound(w, r)
		return
	}
	d.S = sv
	st, err := h.d.Surveys.StandingOf(r.Context(), res, sv)
	if err != nil {
		h.kit.Log.Error("surveys: standing", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	d.Standing = st
	if d.Done {
		d.Note = "" // the thanks say it
	}
	h.render(w, r, status, "survey", sv.Title, res, d)
}

func (h *handler) survey(w http.ResponseWriter, r *http.Request) {
	c, id, ok := ids(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	h.surveyPage(w, r, http.StatusOK, c, id, surveyData{})
}

// answersOf reads the form: q1, q2 … by position; other fields ignored.
func answersOf(form url.Values) surveys.Answers {
	a := surveys.Answers{}
	for k, vs := range form {
		if !strings.HasPrefix(k, "q") {
			continue
		}
		if n, err := strconv.Atoi(k[1:]); err == nil && n > 0 && n < 1000 {
			a[n] = vs
		}
	}
	return a
}

func (h *handler) answer(w http.ResponseWriter, r *http.Request) {
	c, id, ok := ids(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		http.Error(w, "页面已过期,请返回重新打开页面后再提交。", http.StatusBadRequest)
		return
	}
	err := h.d.Surveys.Respond(r.Context(), h.resident(r), c, id, answersOf(r.PostForm))
	if err == nil {
		h.surveyPage(w, r, http.StatusOK, c, id, surveyData{Done: true})
		return
	}
	d := surveyData{Given: r.PostForm}
	status := http.StatusUnprocessableEntity
	if fe := fault.FieldsOf(err); fe != nil {
		d.Errors = fe
		h.surveyPage(w, r, status, c, id, d)
		return
	}
	switch {
	case errors.Is(err, surveys.ErrNoResident):
		status = http.StatusUnauthorized
	case fault.Is(err, fault.NotFound):
		http.NotFound(w, r)
		return
	case fault.Is(err, fault.Refused):
		status = http.StatusConflict
	case fault.KindOf(err) == fault.Internal:
		h.kit.Log.Error("surveys: answer", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	d.Errors = map[string]string{"answers": fault.Message(err)}
	h.surveyPage(w, r, status, c, id, d)
}
