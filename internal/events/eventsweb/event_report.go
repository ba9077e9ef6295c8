package eventsweb

import (
	"io"
	"net/http"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// The report form a grid worker fills on a phone, and the office's for
// phone calls and 12345 transfers.

type eventReportForm struct {
	Category, Urgency, Description, Address, Source, ExternalRef string
	ReporterName, ReporterPhone, Level                           string
	Org                                                          string
	Errors                                                       map[string]string
	Summary                                                      []web.ErrItem
}

type eventReportData struct {
	F          eventReportForm
	Loc        locator
	Categories []optGroup
	Places     []optGroup
	Urgencies  []web.Option
	Sources    []web.Option
	Levels     []web.Option
	Office     bool // an office user: sources, reporter and 12345 number
}

var reportFields = []string{"category", "org", "location", "description", "photos", "urgency", "address", "source",
	"reporter_name", "reporter_phone", "external_ref", "level"}

func (h *handler) newEventForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := eventReportForm{Urgency: events.UrgencyNormal, Org: r.URL.Query().Get("org")}
	h.renderReportForm(w, r, rq, http.StatusOK, f)
}

func (h *handler) renderReportForm(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, f eventReportForm, loc ...locator) {
	ctx := r.Context()
	d := eventReportData{F: f, Office: !rq.Viewer.HasRole("grid_worker") || rq.Viewer.Can(events.PermAccept),
		Urgencies: options([]string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical}, events.UrgencyNames),
		Sources:   options([]string{events.SourceGrid, events.SourcePhone, events.SourceHotline, events.SourceOffice}, events.SourceNames)}
	var err error
	if d.Categories, err = h.categoryGroups(ctx, false, false); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if d.Places, err = h.reportPlaces(ctx, rq.Viewer.Scope(events.PermReport)); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if len(loc) > 0 {
		d.Loc = loc[0]
	}
	if d.Loc, err = h.locatorFor(ctx, r, d.Loc, f.Org, rq.Viewer.Scope(events.PermReport)); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if rq.Viewer.Can(events.PermDispatch) {
		d.Levels = []web.Option{{Value: events.LevelCommunity, Label: "交社区受理"},
			{Value: events.LevelStreet, Label: "街道平台直接立案"}, {Value: events.LevelDistrict, Label: "区县平台直接立案"}}
	}
	if f.Errors != nil {
		d.F.Summary = web.Summarize(f.Errors, reportFields)
	}
	h.tmpl.Render(w, r, status, "events_report", web.NewPage(rq, "上报事件", "events", d))
}

func (h *handler) createEvent(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := eventReportForm{Category: r.PostFormValue("category"), Urgency: r.PostFormValue("urgency"),
		Description: r.PostFormValue("description"), Address: r.PostFormValue("address"),
		Source: r.PostFormValue("source"), ExternalRef: r.PostFormValue("external_ref"),
		ReporterName: r.PostFormValue("reporter_name"), ReporterPhone: r.PostFormValue("reporter_phone"),
		Level: r.PostFormValue("level"), Org: r.PostFormValue("org")}
	loc := postedLocator(r)
	if tapped(r) {
		unit, _ := strconv.ParseInt(r.PostFormValue("map"), 10, 64)
		l, org, err := h.locateTap(r.Context(), r, unit)
		if err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
		if org != "" {
			f.Org = org
		}
		h.renderReportForm(w, r, rq, http.StatusOK, f, l)
		return
	}
	photos, perr := photosOf(r, "photos")
	if perr != "" {
		f.Errors = map[string]string{"photos": perr}
		h.renderReportForm(w, r, rq, http.StatusUnprocessableEntity, f, loc)
		return
	}
	org, _ := strconv.ParseInt(f.Org, 10, 64)
	rep := events.Report{OrgID: org, Category: f.Category, Urgency: f.Urgency, Description: f.Description,
		Address: f.Address, Source: f.Source, ExternalRef: f.ExternalRef, ReporterName: f.ReporterName,
		ReporterPhone: f.ReporterPhone, Level: f.Level, Photos: photos}
	if lat, lon, ok := loc.position(); ok {
		rep.Lat, rep.Lon = &lat, &lon
	}
	if rep.Source == "" {
		rep.Source = events.SourceGrid
		if !rq.Viewer.HasRole("grid_worker") {
			rep.Source = events.SourceOffice
		}
	}
	e, err := h.Events.Report(r.Context(), rq.Viewer, rep)
	if fe := fault.FieldsOf(err); fe != nil {
		f.Errors = fe
		h.renderReportForm(w, r, rq, http.StatusUnprocessableEntity, f, loc)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID, rq.Place = "event", e.ID, e.Place()
	h.Log.Info("event reported", "event", e.ID, "user", rq.User.ID)
	h.kit.SetFlash(w, "reported")
	http.Redirect(w, r, eventBase(rq.Viewer, e), http.StatusSeeOther)
}

// photosOf prepares the photos of a multipart form's field; bad ones are
// reported on the field.
func photosOf(r *http.Request, field string) ([]events.Photo, string) {
	if r.MultipartForm == nil {
		return nil, ""
	}
	files := r.MultipartForm.File[field]
	if len(files) > events.MaxPhotos {
		return nil, "照片最多6张"
	}
	var out []events.Photo
	for i, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the empty part of a form sent without a photo
		}
		if fh.Size > events.MaxUpload {
			return nil, "第" + strconv.Itoa(i+1) + "张照片超过10 MB"
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "照片无法读取"
		}
		data, err := io.ReadAll(io.LimitReader(f, events.MaxUpload+1))
		f.Close()
		if err != nil {
			return nil, "照片无法读取"
		}
		p, err := events.PreparePhoto(fh.Filename, data)
		if err != nil {
			return nil, "第" + strconv.Itoa(i+1) + "张照片:" + err.Error()
		}
		out = append(out, p)
	}
	return out, ""
}
