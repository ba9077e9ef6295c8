package portalweb

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/services"
	"shequ/internal/web"
)

// The resident portal (居民服务): public pages for a phone, no login and no
// JavaScript — the catalogue with materials and conditions, the progress
// lookup by tracking number and the last four digits of the phone, the
// certificate verify page, and the rating of a finished case. The QR codes
// on receipts (/portal/track?no=…), certificates (/portal/verify?code=…)
// and index cards (/portal?c=…) lead here.
//
// The lookup and the verify page are limited per client address and per
// tracking number (services.Limiter). Every failure of the lookup gives the
// same page with the same status, so it tells nobody whether a number
// exists; a limited client gets one "too many" page, which says nothing
// either, since locks fall on numbers that do not exist too.
//
// The portal has its own small layout (templates/portal/), so that no staff
// navigation or session appears on it; it uses the same stylesheet.

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the portal needs.
type Deps struct {
	Services *services.Service // without it the portal is not served
	// Lookups limits the progress lookup and the verify page per client
	// and per tracking number; nil is services.DefaultLimiter.
	Lookups *services.Limiter
}

type pages struct {
	kit     *web.Kit
	svc     *services.Service
	lookups *services.Limiter
	tmpl    map[string]*template.Template
}

// funcs are the portal's template functions.
var funcs = template.FuncMap{
	"svcStars": func() []int { return []int{5, 4, 3, 2, 1} },
}

// parse parses the portal's pages, each into its own layout.
func parse() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, n := range []string{"home", "items", "item", "track", "verify"} {
		out[n] = template.Must(template.New(n).Funcs(funcs).ParseFS(templateFS, "templates/layout.html",
			"templates/"+n+".html"))
	}
	return out
}

// portalPage is what the portal's layout needs.
type portalPage struct {
	Title   string
	CSS     string
	Station *services.Station // the hall of the community the visitor came from (?c=)
	C       int64
	Data    any
}

// Routes registers the portal's public pages. A template error stops the
// server at start, not at a resident's request.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Services == nil {
		return
	}
	if d.Lookups == nil {
		d.Lookups = services.DefaultLimiter()
	}
	h := &pages{kit: k, svc: d.Services, lookups: d.Lookups, tmpl: parse()}
	public := access.Rule{Public: true}
	for pattern, fn := range map[string]http.HandlerFunc{
		"GET /portal":              h.portalHome,
		"GET /portal/items":        h.portalItems,
		"GET /portal/items/{code}": h.portalItem,
		"GET /portal/track":        h.portalTrackForm,
		"POST /portal/track":       h.portalTrack,
		"POST /portal/rate":        h.portalRate,
		"GET /portal/verify":       h.portalVerify,
	} {
		rt.Handle(pattern, public, k.Recover(portalHeaders(fn)))
	}
}

// portalHeaders keeps answers that may carry a case's progress out of
// shared caches and bounds what a form may post.
func portalHeaders(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		}
		next(w, r)
	}
}

func (h *pages) renderPortal(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := &portalPage{Title: title, CSS: web.StylesheetURL(), Data: data}
	if c, err := strconv.ParseInt(r.FormValue("c"), 10, 64); err == nil && c > 0 {
		if st, err := h.svc.StationOf(r.Context(), c); err == nil {
			p.Station, p.C = &st, c
		}
	}
	buf := web.PageBuffer()
	defer web.PutPageBuffer(buf)
	if err := h.tmpl[name].ExecuteTemplate(buf, "layout", p); err != nil {
		h.kit.Log.Error("web: portal template", "name", name, "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *pages) portalHome(w http.ResponseWriter, r *http.Request) {
	h.renderPortal(w, r, http.StatusOK, "home", "居民服务", nil)
}

func (h *pages) portalItems(w http.ResponseWriter, r *http.Request) {
	items, err := h.svc.Items(r.Context(), false)
	if err != nil {
		h.kit.Log.Error("portal: items", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	h.renderPortal(w, r, http.StatusOK, "items", "办事指南", services.Categories(items))
}

func (h *pages) portalItem(w http.ResponseWriter, r *http.Request) {
	it, err := h.svc.Item(r.Context(), r.PathValue("code"))
	if errors.Is(err, services.ErrNotFound) || (err == nil && !it.Active) {
		h.renderPortal(w, r, http.StatusNotFound, "items", "办事指南", nil)
		return
	}
	if err != nil {
		h.kit.Log.Error("portal: item", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	h.renderPortal(w, r, http.StatusOK, "item", it.Name, it)
}

// trackData is the lookup page: the form, and the progress when found.
type trackData struct {
	No       string
	Last4    string // echoed only into the rating form of a case found with it
	Error    string
	Limited  bool
	P        *services.Progress
	Rated    bool
	RateErr  string
	Score    int
	Stages   []services.StageState
	Finished bool
}

func (h *pages) portalTrackForm(w http.ResponseWriter, r *http.Request) {
	no := strings.TrimSpace(r.URL.Query().Get("no"))
	if !utf8.ValidString(no) || len(no) > 40 {
		no = ""
	}
	h.renderPortal(w, r, http.StatusOK, "track", "办件进度查询", trackData{No: no})
}

// lookup applies the limiter and the lookup; the page for every failure is
// the same.
func (h *pages) lookup(w http.ResponseWriter, r *http.Request, no, last4 string) (*services.Progress, bool) {
	d := trackData{No: no}
	if !h.lookups.Allow(web.ClientAddr(r), no) {
		d.Limited, d.Error = true, "查询次数过多,请30分钟后再试,或携带回执到服务站窗口查询。"
		h.renderPortal(w, r, http.StatusTooManyRequests, "track", "办件进度查询", d)
		return nil, false
	}
	p, err := h.svc.Lookup(r.Context(), no, last4)
	if err == nil || errors.Is(err, services.ErrNoMatch) {
		// The audit log keeps the number asked for, never the digits that
		// prove the asker.
		rows := 0
		if err == nil {
			rows = 1
		}
		h.kit.Audit.Record(audit.Entry{Addr: web.ClientAddr(r), Action: audit.Search, Entity: "application",
			Route: r.Method + " " + r.URL.Path, Status: http.StatusOK, Rows: rows, Detail: audit.SearchDetail("tracking", web.Truncate(no, 40))})
	}
	if errors.Is(err, services.ErrNoMatch) {
		h.lookups.Failed(no)
		d.Error = services.ErrNoMatch.Error()
		h.renderPortal(w, r, http.StatusOK, "track", "办件进度查询", d)
		return nil, false
	}
	if err != nil {
		h.kit.Log.Error("portal: lookup", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return nil, false
	}
	for i, st := range p.Steps {
		if at := st.At(); !at.IsZero() {
			p.Steps[i].Date = h.kit.When(at)
		}
	}
	return &p, true
}

// portalTrack answers the lookup. Nothing of it is logged: the tracking
// number and the digits are what an attacker would want in a log.
func (h *pages) portalTrack(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		h.renderPortal(w, r, http.StatusBadRequest, "track", "办件进度查询", trackData{Error: "提交的内容无法识别,请重新输入。"})
		return
	}
	no, last4 := strings.TrimSpace(r.PostFormValue("no")), strings.TrimSpace(r.PostFormValue("last4"))
	p, ok := h.lookup(w, r, no, last4)
	if !ok {
		return
	}
	h.renderPortal(w, r, http.StatusOK, "track", "办件进度查询", trackData{No: no, Last4: last4, P: p, Stages: services.ChainStates(p.Stages, p.Stage, p.Status),
		Finished: p.Status == services.StatusApproved || p.Status == services.StatusRejected})
}

// portalRate records the resident's rating of a finished case; it needs
// the same proof as the lookup.
func (h *pages) portalRate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !web.CleanForm(r) {
		h.renderPortal(w, r, http.StatusBadRequest, "track", "办件进度查询", trackData{Error: "提交的内容无法识别,请重新输入。"})
		return
	}
	no, last4 := strings.TrimSpace(r.PostFormValue("no")), strings.TrimSpace(r.PostFormValue("last4"))
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	p, ok := h.lookup(w, r, no, last4)
	if !ok {
		return
	}
	d := trackData{No: no, Last4: last4, Score: score, Finished: p.Status == services.StatusApproved || p.Status == services.StatusRejected}
	status := http.StatusOK
	err := h.svc.Rate(r.Context(), no, last4, score, r.PostFormValue("note"))
	var se *services.StateError
	switch fe := fault.FieldsOf(err); {
	case err == nil:
		d.Rated = true
		h.kit.Log.Info("portal: application rated")
	case errors.As(err, &se):
		d.RateErr = se.Error()
		status = http.StatusConflict
	case errors.Is(err, services.ErrNoMatch):
		d.RateErr = err.Error()
	case fe != nil:
		d.RateErr = fe.Error()
		status = http.StatusUnprocessableEntity
	default:
		h.kit.Log.Error("portal: rate", "err", err)
		http.Error(w, "服务器内部错误", http.StatusInternalServerError)
		return
	}
	// Show the progress as it now stands.
	if now, err := h.svc.Lookup(r.Context(), no, last4); err == nil {
		p = &now
	}
	d.P, d.Stages = p, services.ChainStates(p.Stages, p.Stage, p.Status)
	h.renderPortal(w, r, status, "track", "办件进度查询", d)
}

type verifyData struct {
	Code    string
	Checked bool
	Error   string
	V       *services.Verification
}

// portalVerify checks a certificate's verification code: whether it is
// valid or revoked, what it is, who issued it when, and the holder's
// masked name — nothing the paper in hand does not show.
func (h *pages) portalVerify(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	d := verifyData{Code: code}
	if !utf8.ValidString(code) || len(code) > 40 {
		d.Code = ""
		code = ""
	}
	status := http.StatusOK
	if code != "" {
		d.Checked = true
		if !h.lookups.Allow("verify "+web.ClientAddr(r), "verify") { // a budget of its own
			d.Error = "核验次数过多,请稍后再试。"
			h.renderPortal(w, r, http.StatusTooManyRequests, "verify", "证明核验", d)
			return
		}
		v, err := h.svc.Verify(r.Context(), code)
		switch {
		case errors.Is(err, services.ErrBadCode):
			d.Error = err.Error()
		case err != nil:
			h.kit.Log.Error("portal: verify", "err", err)
			http.Error(w, "服务器内部错误", http.StatusInternalServerError)
			return
		default:
			d.V = &v
		}
	}
	h.renderPortal(w, r, status, "verify", "证明核验", d)
}
