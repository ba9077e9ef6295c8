package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/register"
)

// Residents' pages (no account): report a problem, optionally without a
// name, and follow it by its tracking number; rate it once it is closed.
// They show nothing personal. Lookups of numbers that do not exist are
// limited per address, so numbers cannot be found by trying; reports are
// limited per address too.

const publicCookie = "shequ_public" // the forms' CSRF token (double submit)

var (
	lookupMisses  = events.NewMissLimiter(10, time.Minute)   // 10 wrong numbers, then one a minute
	publicReports = events.NewMissLimiter(10, 6*time.Minute) // 10 reports, then ten an hour
)

func (h *handler) eventPublicRoutes(rt *Routes) {
	public := access.Rule{Public: true}
	rt.Handle("GET /public/events", public, h.kit.Recover(http.HandlerFunc(h.publicReportForm)))
	rt.Handle("POST /public/events", public, h.kit.Recover(http.HandlerFunc(h.publicReport)))
	rt.Handle("GET /public/events/track", public, h.kit.Recover(http.HandlerFunc(h.publicTrack)))
	rt.Handle("POST /public/events/rate", public, h.kit.Recover(http.HandlerFunc(h.publicRate)))
	rt.Handle("GET /public/events/photos/{no}/{photo}", public, h.kit.Recover(http.HandlerFunc(h.publicPhoto)))
	// The residents' portal links here ("反映问题"), with its community.
	rt.Handle("GET /report", public, h.kit.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := "/public/events"
		if c, err := strconv.ParseInt(r.URL.Query().Get("c"), 10, 64); err == nil && c > 0 {
			to += "?org=" + strconv.FormatInt(c, 10)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	})))
}

type eventPublicReportData struct {
	F          eventReportForm
	Anonymous  bool
	Categories []optGroup
	Places     []optGroup
}

// publicToken gives the form a fresh double-submit token.
func (h *handler) publicToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(publicCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	t := randomToken()
	h.kit.SetCookie(w, publicCookie, t, 0)
	return t
}

func (h *handler) publicCSRF(r *http.Request) bool {
	c, err := r.Cookie(publicCookie)
	return err == nil && sameToken(r.PostFormValue("csrf"), c.Value)
}

func (h *handler) publicReportForm(w http.ResponseWriter, r *http.Request) {
	h.renderPublicReport(w, r, http.StatusOK, eventPublicReportData{F: eventReportForm{Org: r.URL.Query().Get("org")}})
}

func (h *handler) renderPublicReport(w http.ResponseWriter, r *http.Request, status int, d eventPublicReportData) {
	ctx := r.Context()
	var err error
	if d.Categories, err = h.categoryGroups(ctx, true, false); err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if d.Places, err = h.reportPlaces(ctx, access.Everything); err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if d.F.Errors != nil {
		d.F.Summary = Summarize(d.F.Errors, []string{"category", "org", "description", "photos", "address", "reporter_name", "reporter_phone"})
	}
	w.Header().Set("Cache-Control", "no-store")
	h.tmpl.Render(w, r, status, "events_public_report", &Page{Title: "反映问题", CSRF: h.publicToken(w, r), Data: d})
}

func (h *handler) publicReport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 3*events.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	} else if errors.Is(err, http.ErrNotMultipart) && r.ParseForm() != nil {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	if !cleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	d := eventPublicReportData{F: eventReportForm{Category: r.PostFormValue("category"), Description: r.PostFormValue("description"),
		Address: r.PostFormValue("address"), ReporterName: r.PostFormValue("reporter_name"),
		ReporterPhone: r.PostFormValue("reporter_phone"), Org: r.PostFormValue("org")},
		Anonymous: r.PostFormValue("anonymous") == "1"}
	if !h.publicCSRF(r) {
		d.F.Errors = map[string]string{"form": "页面已过期或浏览器禁用了 Cookie,请重新提交。"}
		h.renderPublicReport(w, r, http.StatusForbidden, d)
		return
	}
	addr := ClientAddr(r)
	if publicReports.Blocked(addr) {
		d.F.Errors = map[string]string{"form": "提交过于频繁,请稍后再试;紧急情况请拨打12345。"}
		h.renderPublicReport(w, r, http.StatusTooManyRequests, d)
		return
	}
	photos, perr := photosOf(r, "photos")
	if len(photos) > 3 {
		perr = "最多上传3张照片"
	}
	org, _ := strconv.ParseInt(d.F.Org, 10, 64)
	var e *events.Event
	var err error
	if perr == "" {
		e, err = h.Events.ReportPublic(r.Context(), events.Report{OrgID: org, Category: d.F.Category,
			Description: d.F.Description, Address: d.F.Address, ReporterName: d.F.ReporterName,
			ReporterPhone: d.F.ReporterPhone, Anonymous: d.Anonymous, Photos: photos})
	}
	var fe register.FieldErrors
	switch {
	case perr != "" || errors.As(err, &fe):
		if fe == nil {
			fe = register.FieldErrors{}
		}
		if perr != "" {
			fe["photos"] = perr
		}
		d.F.Errors = fe
		h.renderPublicReport(w, r, http.StatusUnprocessableEntity, d)
		return
	case err != nil:
		h.kit.ServerError(w, r, nil, err)
		return
	}
	publicReports.Miss(addr)
	h.Log.Info("event reported by a resident", "event", e.ID)
	http.Redirect(w, r, "/public/events/track?new=1&no="+url.QueryEscape(e.TrackingNo), http.StatusSeeOther)
}

type eventPublicTrackData struct {
	No    string
	New   bool
	E     *events.PublicEvent
	Error string
	Rated bool
}

func (h *handler) publicTrack(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := eventPublicTrackData{No: q.Get("no"), New: q.Get("new") == "1", Rated: q.Get("rated") == "1"}
	status := http.StatusOK
	if d.No != "" {
		status, d.E, d.Error = h.lookupPublic(r, d.No)
	}
	w.Header().Set("Cache-Control", "no-store")
	csrf := ""
	if d.E != nil && d.E.CanRate {
		csrf = h.publicToken(w, r) // only the rating form needs one
	}
	h.tmpl.Render(w, r, status, "events_public_track", &Page{Title: "查询办理进度", CSRF: csrf, Data: d})
}

// lookupPublic finds an event by tracking number for the public pages,
// counting misses against the client's address.
func (h *handler) lookupPublic(r *http.Request, no string) (int, *events.PublicEvent, string) {
	addr := ClientAddr(r)
	if lookupMisses.Blocked(addr) {
		return http.StatusTooManyRequests, nil, "查询过于频繁,请一分钟后再试。"
	}
	pe, err := h.Events.Public(r.Context(), no)
	if errors.Is(err, events.ErrNotFound) {
		lookupMisses.Miss(addr)
		return http.StatusNotFound, nil, "没有找到这个受理号,请核对后重新输入(受理号以 E 开头,共15位)。"
	}
	if err != nil {
		h.Log.Error("public lookup", "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, nil, "查询失败,请稍后再试。"
	}
	return http.StatusOK, pe, ""
}

func (h *handler) publicRate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !cleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	no := r.PostFormValue("no")
	d := eventPublicTrackData{No: no}
	status, pe, msg := h.lookupPublic(r, no)
	d.E, d.Error = pe, msg
	if pe != nil {
		rating, _ := strconv.Atoi(r.PostFormValue("rating"))
		var fe register.FieldErrors
		var ie *events.IllegalError
		_, err := h.Events.RatePublic(r.Context(), no, rating, r.PostFormValue("comment"))
		switch {
		case !h.publicCSRF(r):
			d.Error, status = "页面已过期,请刷新后重新评价。", http.StatusForbidden
		case err == nil:
			http.Redirect(w, r, "/public/events/track?rated=1&no="+url.QueryEscape(pe.TrackingNo), http.StatusSeeOther)
			return
		case errors.As(err, &fe):
			d.Error, status = fe.Error(), http.StatusUnprocessableEntity
		case errors.As(err, &ie):
			d.Error, status = "该事件已评价过或尚未办结。", http.StatusConflict
		default:
			h.kit.ServerError(w, r, nil, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "events_public_track", &Page{Title: "查询办理进度", CSRF: h.publicToken(w, r), Data: d})
}

func (h *handler) publicPhoto(w http.ResponseWriter, r *http.Request) {
	addr := ClientAddr(r)
	if lookupMisses.Blocked(addr) {
		http.Error(w, "查询过于频繁", http.StatusTooManyRequests)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	a, data, err := h.Events.PublicPhoto(r.Context(), r.PathValue("no"), id)
	if errors.Is(err, events.ErrNotFound) {
		lookupMisses.Miss(addr)
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
}
