package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"shequ/internal/web"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/workdays"
)

// Events (事件) as JSON: report, list, queue, read, act, KPIs and counts.
// Staff with events.read reach an event at /events/{id}; a department's
// token, which sees only what is dispatched to it, at /tasks/{id}.

func (h *handler) eventRoutes(rt *web.Routes) {
	login := access.Rule{Login: true}
	read := access.Rule{Perm: events.PermRead, Object: "event", Audit: audit.View}
	task := access.Rule{Perm: events.PermHandle, Object: "event", Audit: audit.View}
	h.auth(rt, "GET /api/v1/events", access.Rule{Login: true, Audit: audit.Search}, h.listEvents)
	h.auth(rt, "POST /api/v1/events", access.Rule{Perm: events.PermReport}, h.reportEvent)
	h.auth(rt, "GET /api/v1/events/queue", login, h.eventQueue)
	h.auth(rt, "GET /api/v1/events/kpi", login, h.eventKPI)
	h.auth(rt, "GET /api/v1/events/counts", access.Rule{Perm: events.PermRead}, h.eventCounts)
	h.auth(rt, "GET /api/v1/events/categories", login, h.eventCategories)
	h.auth(rt, "GET /api/v1/events/{id}", read, h.getEvent)
	h.auth(rt, "POST /api/v1/events/{id}/actions", access.Rule{Perm: events.PermRead, Object: "event"}, h.actOnEvent)
	h.auth(rt, "GET /api/v1/tasks/{id}", task, h.getEvent)
	h.auth(rt, "POST /api/v1/tasks/{id}/actions", access.Rule{Perm: events.PermHandle, Object: "event"}, h.actOnEvent)
	h.auth(rt, "GET /api/v1/calendar", login, h.calendar)
}

// eventFail is fail with the steps taken meanwhile on a conflict.
func (h *handler) eventFail(w http.ResponseWriter, r *http.Request, err error) {
	var ce *events.ConflictError
	if errors.As(err, &ce) {
		writeJSON(w, web.Status(err), map[string]any{"error": ce.Error(), "steps": ce.Since})
		return
	}
	h.fail(w, r, 0, err)
}

// eventJSON is an event as the caller may see it: the reporter's name and
// phone by the caller's field set for events.
type eventJSON struct {
	*events.Event
	CategoryName string        `json:"category_name"`
	StatusName   string        `json:"status_name"`
	Overdue      bool          `json:"overdue"`
	Actions      []string      `json:"actions,omitempty"` // what the caller may do now
	Steps        []events.Step `json:"steps,omitempty"`
}

func (h *handler) eventView(r *http.Request, c *web.Request, e *events.Event, full bool) (eventJSON, error) {
	cat, err := h.Events.Catalogue(r.Context())
	if err != nil {
		return eventJSON{}, err
	}
	cp := *e
	cp.ReporterName, cp.ReporterPhone = events.Reporter(c.Viewer, e)
	out := eventJSON{Event: &cp, CategoryName: cat.Name(e.Category), StatusName: events.StatusNames[e.Status],
		Overdue: e.Overdue(h.Events.Now())}
	if full {
		out.Actions = h.Events.Allowed(r.Context(), c.Viewer, e)
		if out.Steps, err = h.Events.Steps(r.Context(), e); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (h *handler) listEvents(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	f := events.Filter{Category: q.Get("category"), Text: q.Get("q"), Open: q.Get("open") == "true",
		Overdue: q.Get("overdue") == "true", Department: q.Get("department"), NewestFirst: q.Get("sort") == "new"}
	if s := q.Get("status"); s != "" {
		for _, x := range strings.Split(s, ",") {
			if events.StatusNames[x] == "" {
				writeError(w, http.StatusBadRequest, "状态无效", map[string]string{"status": "未知的状态"})
				return
			}
			f.Statuses = append(f.Statuses, x)
		}
	}
	var err error
	if f.Limit, err = intParam(r, "limit", 50); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if f.Offset, err = intParam(r, "offset", 0); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if org := q.Get("org"); org != "" {
		if f.Unit, err = strconv.ParseInt(org, 10, 64); err != nil || f.Unit <= 0 {
			writeError(w, http.StatusBadRequest, "org 应为组织单元的数字 id", map[string]string{"org": "应为数字 id"})
			return
		}
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, p.name+" 应为 RFC 3339 时间", map[string]string{p.name: "应为 RFC 3339 时间,如 2026-11-01T00:00:00+08:00"})
				return
			}
			*p.dst = t
		}
	}
	c.Audit.Detail = audit.SearchDetail("events", web.Truncate(f.Text, 200))
	list, total, err := h.Events.List(r.Context(), c.Viewer, f)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	out := make([]eventJSON, 0, len(list))
	for _, e := range list {
		v, err := h.eventView(r, c, e, false)
		if err != nil {
			h.eventFail(w, r, err)
			return
		}
		out = append(out, v)
	}
	c.Audit.Rows = len(out)
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "events": out})
}

func (h *handler) eventQueue(w http.ResponseWriter, r *http.Request, c *web.Request) {
	list, err := h.Events.Queue(r.Context(), c.Viewer, 0, 200)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	out := make([]eventJSON, 0, len(list))
	for _, e := range list {
		v, err := h.eventView(r, c, e, false)
		if err != nil {
			h.eventFail(w, r, err)
			return
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// reportBody is a report sent as JSON; photos are base64 JPEG or PNG.
type reportBody struct {
	OrgID         int64       `json:"org_id"`
	Category      string      `json:"category"`
	Urgency       string      `json:"urgency"`
	Title         string      `json:"title"`
	Description   string      `json:"description"`
	Address       string      `json:"address"`
	Lat           *float64    `json:"lat"`
	Lon           *float64    `json:"lon"`
	SubjectKind   string      `json:"subject_kind"`
	SubjectID     int64       `json:"subject_id"`
	Source        string      `json:"source"`
	ExternalRef   string      `json:"external_ref"`
	ReporterName  string      `json:"reporter_name"`
	ReporterPhone string      `json:"reporter_phone"`
	Anonymous     bool        `json:"anonymous"`
	Level         string      `json:"level"`
	Photos        []photoBody `json:"photos"`
}

type photoBody struct {
	Name string `json:"name"`
	Data string `json:"data"` // base64
}

// decodeWithPhotos is decode with room for six photos.
func decodeWithPhotos(r *http.Request, v any) error {
	return decodeLimit(r.Body, v, events.MaxPhotos*events.MaxUpload*4/3+1<<20)
}

func preparePhotos(in []photoBody) ([]events.Photo, error) {
	if len(in) > events.MaxPhotos {
		return nil, fieldError("photos", "照片最多6张")
	}
	var out []events.Photo
	for i, p := range in {
		data, err := base64.StdEncoding.DecodeString(p.Data)
		if err != nil {
			return nil, fieldError("photos."+strconv.Itoa(i), "照片应为 base64 编码")
		}
		ph, err := events.PreparePhoto(p.Name, data)
		if err != nil {
			return nil, fieldError("photos."+strconv.Itoa(i), err.Error())
		}
		out = append(out, ph)
	}
	return out, nil
}

func (h *handler) reportEvent(w http.ResponseWriter, r *http.Request, c *web.Request) {
	var b reportBody
	if err := decodeWithPhotos(r, &b); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	photos, err := preparePhotos(b.Photos)
	if err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	if b.Source == "" {
		b.Source = events.SourceAPI
	}
	e, err := h.Events.Report(r.Context(), c.Viewer, events.Report{OrgID: b.OrgID, Category: b.Category, Urgency: b.Urgency,
		Title: b.Title, Description: b.Description, Address: b.Address, Lat: b.Lat, Lon: b.Lon, SubjectKind: b.SubjectKind,
		SubjectID: b.SubjectID, Source: b.Source, ExternalRef: b.ExternalRef, ReporterName: b.ReporterName,
		ReporterPhone: b.ReporterPhone, Anonymous: b.Anonymous, Level: b.Level, Photos: photos})
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	c.Audit.Entity, c.Audit.ID, c.Place = "event", e.ID, e.Place()
	v, err := h.eventView(r, c, e, false)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

func (h *handler) getEvent(w http.ResponseWriter, r *http.Request, c *web.Request) {
	e, err := h.Events.Get(r.Context(), c.Viewer, c.Audit.ID)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	v, err := h.eventView(r, c, e, true)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	if m, err := h.Events.Mediation(r.Context(), c.Viewer, e); err == nil && m != nil {
		writeJSON(w, http.StatusOK, map[string]any{"event": v, "mediation": m})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": v})
}

// actionBody is one action on an event.
type actionBody struct {
	Action     string      `json:"action"`
	Version    int         `json:"version"`
	Note       string      `json:"note"`
	PublicNote string      `json:"public_note"`
	Route      string      `json:"route"`
	Department string      `json:"department"`
	Category   string      `json:"category"`
	Urgency    string      `json:"urgency"`
	OrgID      int64       `json:"org_id"`
	Address    string      `json:"address"`
	MergeInto  string      `json:"merge_into"`
	Rating     int         `json:"rating"`
	Comment    string      `json:"comment"`
	Grade      string      `json:"grade"`
	Photos     []photoBody `json:"photos"`
}

func (h *handler) actOnEvent(w http.ResponseWriter, r *http.Request, c *web.Request) {
	var b actionBody
	if err := decodeWithPhotos(r, &b); err != nil {
		h.fail(w, r, http.StatusBadRequest, err)
		return
	}
	photos, err := preparePhotos(b.Photos)
	if err != nil {
		h.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	e, err := h.Events.Act(r.Context(), c.Viewer, c.Audit.ID, events.Action{Name: b.Action, Version: b.Version, Note: b.Note,
		PublicNote: b.PublicNote, Route: b.Route, Department: b.Department, Category: b.Category, Urgency: b.Urgency,
		OrgID: b.OrgID, Address: b.Address, MergeInto: b.MergeInto, Rating: b.Rating, Comment: b.Comment, Grade: b.Grade,
		Photos: photos})
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	c.Audit.Detail = b.Action
	v, err := h.eventView(r, c, e, true)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": v})
}

func (h *handler) eventKPI(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	kq := events.KPIQuery{By: q.Get("by")}
	switch kq.By {
	case "", events.ByDepartment, events.ByGrid, events.ByCommunity, events.ByCategory, events.ByMonth:
	default:
		writeError(w, http.StatusBadRequest, "by 应为 department、grid、community、category 或 month", map[string]string{"by": "分组无效"})
		return
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &kq.From}, {"to", &kq.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := workdays.ParseDate(v)
			if err != nil || len(v) != 10 {
				writeError(w, http.StatusBadRequest, p.name+" 应为 年-月-日", map[string]string{p.name: "应为 年-月-日,如 2026-11-01"})
				return
			}
			*p.dst = t
		}
	}
	if !kq.To.IsZero() {
		kq.To = kq.To.AddDate(0, 0, 1) // the whole last day
	}
	if org := q.Get("org"); org != "" {
		id, err := strconv.ParseInt(org, 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusBadRequest, "org 应为组织单元的数字 id", map[string]string{"org": "应为数字 id"})
			return
		}
		kq.Unit = id
	}
	rows, err := h.Events.KPIs(r.Context(), c.Viewer, kq)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	type row struct {
		events.KPIRow
		OnTimeRate       float64 `json:"on_time_rate"`
		ClosureRate      float64 `json:"closure_rate"`
		ReworkRate       float64 `json:"rework_rate"`
		Satisfaction     float64 `json:"satisfaction"`
		AvgHandlingHours float64 `json:"avg_handling_hours"`
	}
	out := make([]row, 0, len(rows))
	for _, x := range rows {
		out = append(out, row{x, x.OnTimeRate(), x.ClosureRate(), x.ReworkRate(), x.Satisfaction(), x.AvgHandlingHours()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"rows": out})
}

func (h *handler) eventCounts(w http.ResponseWriter, r *http.Request, c *web.Request) {
	q := r.URL.Query()
	cq := events.CountQuery{Where: map[string]string{}}
	if by := q.Get("by"); by != "" {
		cq.By = strings.Split(by, ",")
	}
	for dim := range events.Dimensions {
		if v := q.Get(dim); v != "" {
			cq.Where[dim] = v
		}
	}
	for _, by := range cq.By {
		if events.Dimensions[by] == "" {
			writeError(w, http.StatusBadRequest, "分组无效", map[string]string{"by": "未知的分组"})
			return
		}
	}
	if org := q.Get("org"); org != "" {
		id, err := strconv.ParseInt(org, 10, 64)
		if err != nil || id <= 0 {
			writeError(w, http.StatusBadRequest, "org 应为组织单元的数字 id", map[string]string{"org": "应为数字 id"})
			return
		}
		cq.Unit = id
	}
	rows, err := h.Events.Counts(r.Context(), c.Viewer.Scope(events.PermRead), cq)
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"by": cq.By, "rows": rows})
}

func (h *handler) eventCategories(w http.ResponseWriter, r *http.Request, c *web.Request) {
	cat, err := h.Events.Catalogue(r.Context())
	if err != nil {
		h.eventFail(w, r, err)
		return
	}
	type catJSON struct {
		events.Category
		Limits map[string]string `json:"limits"`
	}
	var out []catJSON
	for _, p := range cat.Categories() {
		x := catJSON{Category: cat.Effective(p.Code), Limits: map[string]string{}}
		for _, step := range []string{events.StepAccept, events.StepFile, events.StepDispatch, events.StepHandle, events.StepVerify, events.StepClose} {
			x.Limits[step] = cat.Limit(p.Code, step, events.UrgencyNormal).String()
		}
		out = append(out, x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": out})
}

func (h *handler) calendar(w http.ResponseWriter, r *http.Request, c *web.Request) {
	cal, err := h.Events.Calendar(r.Context())
	if err != nil {
		h.fail(w, r, 0, err)
		return
	}
	year, err := intParam(r, "year", time.Now().In(workdays.Shanghai).Year())
	if err != nil || year < 1949 || year > 2200 {
		writeError(w, http.StatusBadRequest, "year 无效", map[string]string{"year": "年份无效"})
		return
	}
	var hours []string
	for _, p := range cal.Hours() {
		hours = append(hours, p.String())
	}
	var source any
	for _, y := range cal.Years() {
		if y.Year == year {
			source = y
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "covered": cal.Covers(year), "schedule": source,
		"days": cal.Days(year), "hours": hours})
}
