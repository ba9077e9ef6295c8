package eventsweb

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

type eventPublicReportData struct {
	F          eventReportForm
	Loc        locator
	Anonymous  bool
	Private    bool
	Categories []optGroup
	Places     []optGroup
}

var publicReportFields = []string{"category", "org", "location", "description", "photos", "address", "reporter_name", "reporter_phone"}

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
	if d.Loc, err = h.locatorFor(ctx, r, d.Loc, d.F.Org, access.Everything); err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if d.F.Errors != nil {
		d.F.Summary = web.Summarize(d.F.Errors, publicReportFields)
	}
	w.Header().Set("Cache-Control", "no-store")
	h.tmpl.Render(w, r, status, "events_public_report", &web.Page{Title: "反映问题", CSRF: h.kit.PublicToken(w, r, publicCookie), Data: d})
}

// publicReport takes a resident's report, with up to three photos.
func (h *handler) publicReport(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 3*events.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	} else if errors.Is(err, http.ErrNotMultipart) && r.ParseForm() != nil {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	if !web.CleanForm(r) {
		h.kit.ErrorPage(w, r, nil, http.StatusBadRequest)
		return
	}
	d := eventPublicReportData{F: eventReportForm{Category: r.PostFormValue("category"), Description: r.PostFormValue("description"),
		Address: r.PostFormValue("address"), ReporterName: r.PostFormValue("reporter_name"),
		ReporterPhone: r.PostFormValue("reporter_phone"), Org: r.PostFormValue("org")},
		Anonymous: r.PostFormValue("anonymous") == "1", Private: r.PostFormValue("private") == "1", Loc: postedLocator(r)}
	if !web.PublicTokenOK(r, publicCookie) {
		d.F.Errors = map[string]string{"form": "页面已过期或浏览器禁用了 Cookie,请重新提交。"}
		h.renderPublicReport(w, r, http.StatusForbidden, d)
		return
	}
	if tapped(r) {
		unit, _ := strconv.ParseInt(r.PostFormValue("map"), 10, 64)
		l, org, err := h.locateTap(r.Context(), r, unit)
		if err != nil {
			h.kit.ServerError(w, r, nil, err)
			return
		}
		if d.Loc = l; org != "" {
			d.F.Org = org
		}
		h.renderPublicReport(w, r, http.StatusOK, d)
		return
	}
	addr := web.ClientAddr(r)
	if h.publicReports.Blocked(addr) {
		d.F.Errors = map[string]string{"form": "提交过于频繁,请稍后再试;紧急情况请拨打12345。"}
		h.renderPublicReport(w, r, http.StatusTooManyRequests, d)
		return
	}
	photos, perr := photosOf(r, "photos")
	if len(photos) > 3 {
		perr = "最多上传3张照片"
	}
	if perr != "" {
		d.F.Errors = map[string]string{"photos": perr}
		h.renderPublicReport(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	org, _ := strconv.ParseInt(d.F.Org, 10, 64)
	rep := events.Report{OrgID: org, Category: d.F.Category,
		Description: d.F.Description, Address: d.F.Address, ReporterName: d.F.ReporterName,
		ReporterPhone: d.F.ReporterPhone, Anonymous: d.Anonymous, Private: d.Private, Photos: photos}
	if lat, lon, ok := d.Loc.position(); ok {
		rep.Lat, rep.Lon = &lat, &lon
	}
	e, err := h.Events.ReportPublic(r.Context(), rep)
	if fe := fault.FieldsOf(err); fe != nil {
		d.F.Errors = fe
		h.renderPublicReport(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	h.publicReports.Miss(addr)
	h.Log.Info("event reported by a resident", "event", e.ID)
	http.Redirect(w, r, "/public/events/track?new=1&no="+url.QueryEscape(e.TrackingNo), http.StatusSeeOther)
}
