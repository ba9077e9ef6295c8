// Package satisfactionweb serves 群众满意度: the staff's page of a unit's
// figure, its parts and its trend by month (/satisfaction), and the
// resident's page under /r/ratings where a verified resident rates the
// visits their household had and the volunteer activities they served in.
// No script: the trend is a table with a meter per month.
package satisfactionweb

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/reports"
	"shequ/internal/residents"
	"shequ/internal/satisfaction"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// The resident's pages have a small layout of their own, as residentsweb's.
//
//go:embed resident/*.html
var residentFS embed.FS

const csrfCookie = "shequ_ratings_csrf"

// Deps are what the pages need: the service and who a request is signed
// in as (residentsweb.SignedIn).
type Deps struct {
	Satisfaction *satisfaction.Service
	SignedIn     func(*http.Request) (residents.Resident, bool)
}

type handler struct {
	Deps
	kit   *web.Kit
	tmpl  *web.Templates
	pages map[string]*template.Template
}

// share prints a tally's share, — when nothing was rated.
func share(t satisfaction.Tally) string {
	p, ok := t.Share()
	if !ok {
		return "—"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// meter is a tally's share for a <meter>, 0 when nothing was rated.
func meter(t satisfaction.Tally) string {
	p, _ := t.Share()
	return strconv.FormatFloat(p, 'f', 1, 64)
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, pages: map[string]*template.Template{}}
	funcs := template.FuncMap{"share": share, "meter": meter, "parts": func() [4]satisfaction.Part { return satisfaction.Parts },
		"stars": func() []int { return []int{5, 4, 3, 2, 1} }}
	h.tmpl = k.Templates(templateFS, funcs)
	h.pages["ratings"] = template.Must(template.New("ratings").Funcs(funcs).ParseFS(residentFS, "resident/layout.html",
		"resident/ratings.html"))
	k.AddNav("satisfaction", "满意度", "/satisfaction", reports.PermRead)
	k.Handle(rt, "GET /satisfaction", access.Rule{Perm: reports.PermRead}, h.staff)
	k.HandlePublic(rt, "GET /r/ratings", h.list)
	k.HandlePublic(rt, "POST /r/ratings", h.rate)
}

// staff shows ?org= (a unit in the viewer's part; else their first
// community, or the top of the tree they see).
func (h *handler) staff(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	sc := rq.Viewer.Scope(reports.PermRead)
	id, _ := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	if id == 0 {
		if cs := sc.Communities(); len(cs) > 0 {
			id = cs[0]
		} else if roots, err := h.kit.Org.Roots(r.Context()); err == nil && len(roots) > 0 {
			id = roots[0].ID
		}
	}
	f, err := h.Satisfaction.Figures(r.Context(), sc, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "satisfaction", web.NewPage(rq, f.Unit.Name+" 群众满意度", "satisfaction", f))
}

type residentPage struct {
	Title string
	CSS   string
	CSRF  string
	R     *residents.Resident
	Data  any
}

type ratingsData struct {
	Items       satisfaction.Rateable
	Note, Error string
}

func (h *handler) resident(r *http.Request) *residents.Resident {
	if h.SignedIn == nil {
		return nil
	}
	if res, ok := h.SignedIn(r); ok {
		return &res
	}
	return nil
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, res *residents.Resident, d ratingsData) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	p := &residentPage{Title: "评价服务", CSS: web.StylesheetURL(), CSRF: h.kit.PublicToken(w, r, csrfCookie), R: res, Data: d}
	var buf bytes.Buffer
	if err := h.pages["ratings"].ExecuteTemplate(&buf, "layout", p); err != nil {
		h.kit.Log.Error("satisfaction: template", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// page renders the list with what the resident may rate.
func (h *handler) page(w http.ResponseWriter, r *http.Request, status int, d ratingsData) {
	res := h.resident(r)
	if res == nil {
		http.Redirect(w, r, "/r/verify", http.StatusSeeOther)
		return
	}
	items, err := h.Satisfaction.ForResident(r.Context(), res)
	if err != nil {
		h.kit.Log.Error("satisfaction: rateable", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	d.Items = items
	h.render(w, r, status, res, d)
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusOK, ratingsData{})
}

func (h *handler) rate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) || !web.PublicTokenOK(r, csrfCookie) {
		http.Error(w, "页面已过期,请返回重新打开页面后再提交。", http.StatusBadRequest)
		return
	}
	res := h.resident(r)
	if res == nil {
		http.Redirect(w, r, "/r/verify", http.StatusSeeOther)
		return
	}
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
		return n
	}
	rt := satisfaction.Rating{Part: r.PostFormValue("part"), Community: num("c"), ID: num("ref"),
		Score: int(num("score")), Comment: r.PostFormValue("comment")}
	err := h.Satisfaction.Rate(r.Context(), res, rt)
	switch {
	case err == nil:
		// Who rated what, for the auditors; the stars stay with the rating.
		h.kit.Audit.Record(audit.Entry{Action: audit.Change, Entity: "person", EntityID: res.PersonID,
			CommunityID: res.CommunityID, Addr: web.ClientAddr(r), Route: r.Pattern, Status: http.StatusOK, Rows: -1,
			Detail: "居民评价 " + rt.Part + " " + strconv.FormatInt(rt.ID, 10)})
		h.page(w, r, http.StatusOK, ratingsData{Note: "谢谢您的评价。"})
	case fault.FieldsOf(err) != nil:
		msg := ""
		for _, m := range fault.FieldsOf(err) {
			msg = m
		}
		h.page(w, r, http.StatusUnprocessableEntity, ratingsData{Error: msg})
	case fault.KindOf(err) == fault.Internal:
		h.kit.Log.Error("satisfaction: rate", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
	default:
		h.page(w, r, http.StatusConflict, ratingsData{Error: fault.Message(err)})
	}
}
