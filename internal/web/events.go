package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

// Events (事件): the work queue, lists, the report form a grid worker
// fills on a phone, each event's page with the actions the viewer may take
// now, the map of open events, the KPIs, and the settings. Staff with
// events.read reach an event at /events/{id}; department staff, who see
// only what is dispatched to them, at /events/tasks/{id}.

// maxEventUpload bounds a form with photos: six photos of 10 MB and the text.
const maxEventUpload = events.MaxPhotos*events.MaxUpload + 1<<20

func (h *handler) eventRoutes(rt *Routes) {
	login := access.Rule{Login: true}
	read := access.Rule{Perm: events.PermRead, Object: "event", Audit: audit.View}
	task := access.Rule{Perm: events.PermHandle, Object: "event", Audit: audit.View}
	change := func(r access.Rule) access.Rule { r.Audit = ""; return r }
	h.kit.AddNav("events", "事件", "/events", events.PermRead+"|"+events.PermHandle)
	h.kit.Handle(rt, "GET /events", login, h.eventQueue)
	h.kit.Handle(rt, "GET /events/all", login, h.eventList)
	h.kit.Handle(rt, "GET /events/map", access.Rule{Perm: events.PermRead}, h.eventMap)
	h.kit.Handle(rt, "GET /events/kpi", login, h.eventKPI)
	h.kit.Handle(rt, "GET /events/new", access.Rule{Perm: events.PermReport}, h.newEventForm)
	h.kit.HandleWithBody(rt, "POST /events/new", access.Rule{Perm: events.PermReport}, maxEventUpload, h.createEvent)
	for _, base := range []struct {
		prefix string
		rule   access.Rule
	}{{"/events/{id}", read}, {"/events/tasks/{id}", task}} {
		h.kit.Handle(rt, "GET "+base.prefix, base.rule, h.eventPage)
		h.kit.HandleWithBody(rt, "POST "+base.prefix+"/act", change(base.rule), maxEventUpload, h.eventAct)
		h.kit.Handle(rt, "GET "+base.prefix+"/photos/{photo}", base.rule, h.eventPhoto)
		h.kit.Handle(rt, "POST "+base.prefix+"/mediation", change(base.rule), h.saveMediation)
		h.kit.Handle(rt, "POST "+base.prefix+"/sessions", change(base.rule), h.addMediationSession)
	}
	h.eventManageRoutes(rt)
	h.eventPublicRoutes(rt)
}

// eventBase is where a viewer reaches an event: its page for staff who
// read events there, the task page for a department.
func eventBase(v *access.Viewer, e *events.Event) string {
	if v.Scope(events.PermRead).Contains(e.Place()) {
		return "/events/" + strconv.FormatInt(e.ID, 10)
	}
	return "/events/tasks/" + strconv.FormatInt(e.ID, 10)
}

// eventRow is an event in a list.
type eventRow struct {
	*events.Event
	Href     string
	Category string
	Place    string
	Overdue  bool
}

func (h *handler) eventRows(ctx context.Context, rq *Request, list []*events.Event) ([]eventRow, error) {
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	now := h.Events.Now()
	names := map[int64]string{}
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		u, err := h.Org.Get(ctx, id)
		if err == nil {
			names[id] = u.Name
		}
		return names[id]
	}
	out := make([]eventRow, 0, len(list))
	for _, e := range list {
		place := name(e.CommunityID)
		if g := name(e.GridID); g != "" {
			place += " · " + g
		}
		out = append(out, eventRow{Event: e, Href: eventBase(rq.Viewer, e), Category: cat.Name(e.Category),
			Place: place, Overdue: e.Overdue(now)})
	}
	return out, nil
}

type eventQueueData struct {
	Todo      []eventRow
	Mine      []eventRow
	CanReport bool
	CanRead   bool
}

func (h *handler) eventQueue(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	// ?org= narrows the queue to a unit's (a grid's, a community's) work.
	unit, _ := QueryID(r, "org")
	todo, err := h.Events.Queue(ctx, rq.Viewer, unit, 100)
	if errors.Is(err, events.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	mine, _, err := h.Events.List(ctx, rq.Viewer, events.Filter{Mine: rq.User.ID, Open: true, Limit: 50})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := eventQueueData{CanReport: rq.Viewer.Can(events.PermReport), CanRead: rq.Viewer.Can(events.PermRead)}
	if d.Todo, err = h.eventRows(ctx, rq, todo); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Mine, err = h.eventRows(ctx, rq, mine); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.tmpl.Render(w, r, http.StatusOK, "events_queue", NewPage(rq, "事件待办", "events", d))
}

type optGroup struct {
	Label   string
	Options []Option
}

type eventListData struct {
	Rows       []eventRow
	Total      int
	Q          url.Values
	Statuses   []Option
	Categories []optGroup
	Prev, Next string
	Page       int
}

func (h *handler) eventList(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := events.Filter{Category: q.Get("category"), Text: q.Get("q"), Overdue: q.Get("overdue") == "1",
		Open: q.Get("open") == "1", Supervised: q.Get("supervised") == "1", Department: q.Get("department"),
		NewestFirst: q.Get("sort") == "new", Limit: 30}
	if s := q.Get("status"); s != "" {
		if events.StatusNames[s] == "" {
			h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
			return
		}
		f.Statuses = []string{s}
	}
	if id, ok := QueryID(r, "org"); ok {
		f.Unit = id
	} else if q.Has("org") {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(1, min(page, 1000))
	f.Offset = (page - 1) * f.Limit
	list, total, err := h.Events.List(ctx, rq.Viewer, f)
	if errors.Is(err, events.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rows, err := h.eventRows(ctx, rq, list)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(rows)
	d := eventListData{Rows: rows, Total: total, Q: q, Page: page}
	for _, s := range events.Statuses {
		d.Statuses = append(d.Statuses, Option{s, events.StatusNames[s]})
	}
	if d.Categories, err = h.categoryGroups(ctx, false, true); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	pageURL := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "/events/all?" + v.Encode()
	}
	if page > 1 {
		d.Prev = pageURL(page - 1)
	}
	if page*f.Limit < total {
		d.Next = pageURL(page + 1)
	}
	h.tmpl.Render(w, r, http.StatusOK, "events_list", NewPage(rq, "事件列表", "events", d))
}

// categoryGroups lists the categories as Option groups by 大类; with
// groups, each 大类 is itself an Option (for filters).
func (h *handler) categoryGroups(ctx context.Context, publicOnly, groups bool) ([]optGroup, error) {
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	var out []optGroup
	for _, p := range cat.Children("") {
		if !p.Active {
			continue
		}
		g := optGroup{Label: p.Name}
		if groups {
			g.Options = append(g.Options, Option{p.Code, p.Name + "(全部)"})
		}
		for _, c := range cat.Children(p.Code) {
			if c.Active && (!publicOnly || c.Public) {
				g.Options = append(g.Options, Option{c.Code, c.Name})
			}
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// The report form ---------------------------------------------------------

type eventReportForm struct {
	Category, Urgency, Description, Address, Source, ExternalRef string
	ReporterName, ReporterPhone, Level                           string
	Org                                                          string
	Errors                                                       map[string]string
	Summary                                                      []ErrItem
}

type eventReportData struct {
	F          eventReportForm
	Categories []optGroup
	Places     []optGroup
	Urgencies  []Option
	Sources    []Option
	Levels     []Option
	Office     bool // an office user: sources, reporter and 12345 number
}

var reportFields = []string{"category", "org", "description", "photos", "urgency", "address", "source",
	"reporter_name", "reporter_phone", "external_ref", "level"}

func (h *handler) newEventForm(w http.ResponseWriter, r *http.Request, rq *Request) {
	f := eventReportForm{Urgency: events.UrgencyNormal, Org: r.URL.Query().Get("org")}
	h.renderReportForm(w, r, rq, http.StatusOK, f)
}

func (h *handler) renderReportForm(w http.ResponseWriter, r *http.Request, rq *Request, status int, f eventReportForm) {
	ctx := r.Context()
	d := eventReportData{F: f, Office: !rq.Viewer.HasRole("grid_worker") || rq.Viewer.Can(events.PermAccept)}
	var err error
	if d.Categories, err = h.categoryGroups(ctx, false, false); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Places, err = h.reportPlaces(ctx, rq.Viewer.Scope(events.PermReport)); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, u := range []string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical} {
		d.Urgencies = append(d.Urgencies, Option{u, events.UrgencyNames[u]})
	}
	for _, s := range []string{events.SourceGrid, events.SourcePhone, events.SourceHotline, events.SourceOffice} {
		d.Sources = append(d.Sources, Option{s, events.SourceNames[s]})
	}
	if rq.Viewer.Can(events.PermDispatch) {
		d.Levels = []Option{{events.LevelCommunity, "交社区受理"}, {events.LevelStreet, "街道平台直接立案"}, {events.LevelDistrict, "区县平台直接立案"}}
	}
	if f.Errors != nil {
		d.F.Summary = Summarize(f.Errors, reportFields)
	}
	h.tmpl.Render(w, r, status, "events_report", NewPage(rq, "上报事件", "events", d))
}

// reportPlaces lists where the viewer may report: for one community or
// less, its grids with their buildings; for more, communities with their
// grids.
func (h *handler) reportPlaces(ctx context.Context, sc access.Scope) ([]optGroup, error) {
	var communities []orgtree.Unit
	var err error
	if sc.Whole() {
		communities, err = h.allCommunities(ctx)
	} else {
		for _, id := range sc.Communities() {
			u, err := h.Org.Get(ctx, id)
			if err == nil {
				communities = append(communities, u)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(communities, func(i, j int) bool { return communities[i].Name < communities[j].Name })
	var out []optGroup
	for _, c := range communities {
		grids, err := h.Org.Descendants(ctx, c.ID, orgtree.LevelGrid)
		if err != nil {
			return nil, err
		}
		if len(communities) > 1 {
			g := optGroup{Label: c.Name}
			if sc.Contains(UnitPlace(c)) {
				g.Options = append(g.Options, Option{strconv.FormatInt(c.ID, 10), c.Name + "(社区)"})
			}
			for _, gr := range grids {
				if sc.Contains(UnitPlace(gr)) {
					g.Options = append(g.Options, Option{strconv.FormatInt(gr.ID, 10), c.Name + " " + gr.Name})
				}
			}
			if len(g.Options) > 0 {
				out = append(out, g)
			}
			continue
		}
		for _, gr := range grids {
			g := optGroup{Label: gr.Name}
			if sc.Contains(UnitPlace(gr)) {
				g.Options = append(g.Options, Option{strconv.FormatInt(gr.ID, 10), gr.Name + "(整个网格)"})
			}
			buildings, err := h.Org.Descendants(ctx, gr.ID, orgtree.LevelBuilding)
			if err != nil {
				return nil, err
			}
			for _, b := range buildings {
				if sc.Contains(UnitPlace(b)) {
					g.Options = append(g.Options, Option{strconv.FormatInt(b.ID, 10), b.Name})
				}
			}
			if len(g.Options) > 0 {
				out = append(out, g)
			}
		}
		if sc.Contains(UnitPlace(c)) {
			out = append([]optGroup{{Label: c.Name, Options: []Option{{strconv.FormatInt(c.ID, 10), c.Name + "(不限网格)"}}}}, out...)
		}
	}
	return out, nil
}

func (h *handler) allCommunities(ctx context.Context) ([]orgtree.Unit, error) {
	roots, err := h.Org.Roots(ctx)
	if err != nil {
		return nil, err
	}
	var out []orgtree.Unit
	for _, root := range roots {
		cs, err := h.Org.Descendants(ctx, root.ID, orgtree.LevelCommunity)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
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

func (h *handler) createEvent(w http.ResponseWriter, r *http.Request, rq *Request) {
	f := eventReportForm{Category: r.PostFormValue("category"), Urgency: r.PostFormValue("urgency"),
		Description: r.PostFormValue("description"), Address: r.PostFormValue("address"),
		Source: r.PostFormValue("source"), ExternalRef: r.PostFormValue("external_ref"),
		ReporterName: r.PostFormValue("reporter_name"), ReporterPhone: r.PostFormValue("reporter_phone"),
		Level: r.PostFormValue("level"), Org: r.PostFormValue("org")}
	photos, perr := photosOf(r, "photos")
	org, _ := strconv.ParseInt(f.Org, 10, 64)
	rep := events.Report{OrgID: org, Category: f.Category, Urgency: f.Urgency, Description: f.Description,
		Address: f.Address, Source: f.Source, ExternalRef: f.ExternalRef, ReporterName: f.ReporterName,
		ReporterPhone: f.ReporterPhone, Level: f.Level, Photos: photos}
	if rep.Source == "" {
		rep.Source = events.SourceGrid
		if !rq.Viewer.HasRole("grid_worker") {
			rep.Source = events.SourceOffice
		}
	}
	var e *events.Event
	var err error
	if perr == "" {
		e, err = h.Events.Report(r.Context(), rq.Viewer, rep)
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
		f.Errors = fe
		h.renderReportForm(w, r, rq, http.StatusUnprocessableEntity, f)
		return
	case err != nil:
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID, rq.Place = "event", e.ID, e.Place()
	h.Log.Info("event reported", "event", e.ID, "user", rq.User.ID)
	h.kit.SetFlash(w, "reported")
	http.Redirect(w, r, eventBase(rq.Viewer, e), http.StatusSeeOther)
}

// The event's page -----------------------------------------------------

type eventStepView struct {
	events.Step
	Label   string
	Dept    string
	Details []string
}

type eventData struct {
	E          *events.Event
	Base       string
	Category   string
	Community  string
	Grid       string
	Place      string
	Dept       string
	Reporter   string
	Phone      string
	Overdue    bool
	Steps      []eventStepView
	Actions    []string
	Mediation  *events.Mediation
	CanMediate bool
	Supervised []eventSupervisionView

	// Choices for the action forms.
	DefaultRoute string // accept: street when the category is handled above the community
	DefaultDept  string // dispatch: the category's department
	Departments  []Option
	Categories   []optGroup
	Units        []Option // for 改地点: the grids and buildings of the event's community
	Transfer     []optGroup
	Grades       []Option
	Sides        []Option
	Outcomes     []Option
	Disputes     []string

	Failed string // the action that was refused, whose form shows Error and Errors
	Error  string
	Errors map[string]string
}

type eventSupervisionView struct {
	Grade, Step, Target, At string
}

func (h *handler) loadEvent(w http.ResponseWriter, r *http.Request, rq *Request) (*events.Event, bool) {
	id, _ := PathID(r)
	e, err := h.Events.Get(r.Context(), rq.Viewer, id)
	if errors.Is(err, events.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return nil, false
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return nil, false
	}
	return e, true
}

func (h *handler) eventPage(w http.ResponseWriter, r *http.Request, rq *Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	h.renderEvent(w, r, rq, http.StatusOK, e, eventData{})
}

func (h *handler) renderEvent(w http.ResponseWriter, r *http.Request, rq *Request, status int, e *events.Event, d eventData) {
	ctx := r.Context()
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	depts, err := h.Events.Departments(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.E, d.Base, d.Category, d.Dept = e, eventBase(rq.Viewer, e), cat.Name(e.Category), depts[e.Department]
	eff := cat.Effective(e.Category)
	d.DefaultRoute, d.DefaultDept = eff.Level, eff.Department
	d.Overdue = e.Overdue(h.Events.Now())
	if u, err := h.Org.Get(ctx, e.CommunityID); err == nil {
		d.Community = u.Name
	}
	if u, err := h.Org.Get(ctx, e.GridID); err == nil && e.GridID != 0 {
		d.Grid = u.Name
	}
	if u, err := h.Org.Get(ctx, e.OrgID); err == nil && e.OrgID != e.GridID && e.OrgID != e.CommunityID {
		d.Place = u.Name
	}
	fields := rq.Viewer.Scope(events.PermRead).Fields(e.Place())
	if !rq.Viewer.Scope(events.PermRead).Contains(e.Place()) {
		fields = rq.Viewer.Scope(events.PermHandle).Fields(e.Place())
	}
	d.Reporter = fields.Text("event", "reporter_name", e.ReporterName)
	d.Phone = fields.Phone("event", "reporter_phone", e.ReporterPhone)
	steps, err := h.Events.Steps(ctx, e)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for i := len(steps) - 1; i >= 0; i-- { // newest first
		st := steps[i]
		sv := eventStepView{Step: st, Label: events.ActionNames[st.Action], Dept: depts[st.Department]}
		sv.Details = stepDetails(cat, depts, st)
		d.Steps = append(d.Steps, sv)
	}
	for _, a := range events.Actions(e.Status) {
		if h.Events.May(ctx, rq.Viewer, a, e) {
			d.Actions = append(d.Actions, a)
		}
	}
	if len(d.Actions) > 0 {
		for _, code := range sortedKeys(depts) {
			d.Departments = append(d.Departments, Option{code, depts[code]})
		}
		if d.Categories, err = h.categoryGroups(ctx, false, false); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		for _, g := range []string{events.GradeNormal, events.GradeYellow, events.GradeRed} {
			d.Grades = append(d.Grades, Option{g, events.GradeNames[g]})
		}
		if slices.Contains(d.Actions, events.ActReroute) {
			if d.Units, err = h.communityUnits(ctx, e.CommunityID); err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
		}
		if slices.Contains(d.Actions, events.ActTransfer) {
			if d.Transfer, err = h.reportPlaces(ctx, rq.Viewer.Scope(events.PermReport)); err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
		}
	}
	if d.Mediation, err = h.Events.Mediation(ctx, rq.Viewer, e); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if d.Mediation != nil {
		d.CanMediate = events.CanMediate(rq.Viewer, e)
		for _, s := range []string{"applicant", "respondent", "third"} {
			d.Sides = append(d.Sides, Option{s, events.SideNames[s]})
		}
		for _, o := range []string{"", "success", "partial", "failed", "withdrawn", "referred"} {
			d.Outcomes = append(d.Outcomes, Option{o, events.OutcomeNames[o]})
		}
		d.Disputes = events.DisputeTypes
		// Room for one more party and mediator on the form.
		d.Mediation.Parties = append(d.Mediation.Parties, events.Party{})
		d.Mediation.Mediators = append(d.Mediation.Mediators, events.Mediator{})
	}
	title := e.Title + " · " + e.TrackingNo
	h.tmpl.Render(w, r, status, "event", NewPage(rq, title, "events", d))
}

func stepDetails(cat *events.Catalogue, depts map[string]string, st events.Step) []string {
	if st.Data == "" {
		return nil
	}
	var m map[string]any
	if err := jsonUnmarshal(st.Data, &m); err != nil {
		return nil
	}
	s := func(k string) string { v, _ := m[k].(string); return v }
	switch st.Action {
	case events.ActRecategorise:
		out := []string{"类别:" + cat.Name(s("from_category")) + " → " + cat.Name(s("to_category"))}
		if s("from_urgency") != s("to_urgency") {
			out = append(out, "紧急程度:"+events.UrgencyNames[s("from_urgency")]+" → "+events.UrgencyNames[s("to_urgency")])
		}
		return out
	case events.ActReroute:
		if a := s("to_address"); a != "" {
			return []string{"地址改为:" + a}
		}
	case events.ActMerge:
		return []string{"合并到 " + s("tracking_no")}
	case events.ActTransfer:
		return []string{"转办为 " + s("to_tracking_no")}
	case events.ActAccept:
		if s("route") == events.LevelStreet {
			return []string{"上报街道"}
		}
		return []string{"社区自办"}
	case events.ActSupervise, events.ActTimeout:
		return []string{events.GradeNames[s("grade")]}
	}
	return nil
}

// communityUnits lists the grids and buildings of a community, for 改地点.
func (h *handler) communityUnits(ctx context.Context, community int64) ([]Option, error) {
	units, err := h.Org.Descendants(ctx, community, "")
	if err != nil {
		return nil, err
	}
	c, err := h.Org.Get(ctx, community)
	if err != nil {
		return nil, err
	}
	out := []Option{{strconv.FormatInt(c.ID, 10), c.Name + "(社区)"}}
	for _, u := range units {
		if u.Level == orgtree.LevelGrid || u.Level == orgtree.LevelBuilding {
			out = append(out, Option{strconv.FormatInt(u.ID, 10), u.Name})
		}
	}
	return out, nil
}

func (h *handler) eventAct(w http.ResponseWriter, r *http.Request, rq *Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	a := events.Action{Name: r.PostFormValue("action"), Note: r.PostFormValue("note"),
		PublicNote: r.PostFormValue("public_note"), Route: r.PostFormValue("route"),
		Department: r.PostFormValue("department"), Category: r.PostFormValue("category"),
		Urgency: r.PostFormValue("urgency"), Address: r.PostFormValue("address"),
		MergeInto: r.PostFormValue("merge_into"), Comment: r.PostFormValue("comment"), Grade: r.PostFormValue("grade")}
	a.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	a.OrgID, _ = strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	a.Rating, _ = strconv.Atoi(r.PostFormValue("rating"))
	photos, perr := photosOf(r, "photos")
	if perr != "" {
		h.renderEvent(w, r, rq, http.StatusUnprocessableEntity, e, eventData{Failed: a.Name, Error: perr,
			Errors: map[string]string{"photos": perr}})
		return
	}
	a.Photos = photos
	out, err := h.Events.Act(r.Context(), rq.Viewer, e.ID, a)
	if err != nil {
		h.actFailed(w, r, rq, e, a.Name, err)
		return
	}
	h.Log.Info("event step", "event", e.ID, "action", a.Name, "user", rq.User.ID)
	rq.Audit.Detail = a.Name
	h.kit.SetFlash(w, "done")
	if !events.CanSee(rq.Viewer, out) { // moved out of the viewer's reach (改地点, 退回)
		http.Redirect(w, r, "/events", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, eventBase(rq.Viewer, out), http.StatusSeeOther)
}

// actFailed shows the event again with why the action was refused, at its
// form.
func (h *handler) actFailed(w http.ResponseWriter, r *http.Request, rq *Request, e *events.Event, action string, err error) {
	var fe register.FieldErrors
	var ie *events.IllegalError
	var ce *events.ConflictError
	d := eventData{Failed: action}
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &fe):
		d.Errors, d.Error = fe, "未办理:"+fe.Error()
	case errors.As(err, &ie):
		d.Error, status = ie.Error(), http.StatusConflict
	case errors.As(err, &ce):
		d.Error, status = ce.Error(), http.StatusConflict
	case errors.Is(err, events.ErrForbidden):
		d.Error, status = err.Error(), http.StatusForbidden
	case errors.Is(err, events.ErrNotFound):
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	default:
		h.kit.ServerError(w, r, rq, err)
		return
	}
	fresh, gerr := h.Events.Get(r.Context(), rq.Viewer, e.ID)
	if gerr != nil {
		fresh = e
	}
	h.renderEvent(w, r, rq, status, fresh, d)
}

func (h *handler) eventPhoto(w http.ResponseWriter, r *http.Request, rq *Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	if err != nil {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	a, data, err := h.Events.AttachmentData(r.Context(), e, id)
	if errors.Is(err, events.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write(data)
}

func (h *handler) saveMediation(w http.ResponseWriter, r *http.Request, rq *Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	m := events.Mediation{DisputeType: r.PostFormValue("dispute_type"), Agreement: r.PostFormValue("agreement"),
		AgreedOn: r.PostFormValue("agreed_on"), Outcome: r.PostFormValue("outcome"), OutcomeNote: r.PostFormValue("outcome_note")}
	m.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	names, sides, phones, ids := r.PostForm["party_name"], r.PostForm["party_side"], r.PostForm["party_phone"], r.PostForm["party_id"]
	for i := range names {
		p := events.Party{Name: names[i]}
		if i < len(sides) {
			p.Side = sides[i]
		}
		if i < len(phones) {
			p.Phone = phones[i]
		}
		if i < len(ids) {
			p.IDNumber = ids[i]
		}
		m.Parties = append(m.Parties, p)
	}
	orgs := r.PostForm["mediator_org"]
	for i, n := range r.PostForm["mediator_name"] {
		md := events.Mediator{Name: n}
		if i < len(orgs) {
			md.Org = orgs[i]
		}
		m.Mediators = append(m.Mediators, md)
	}
	if err := h.Events.SaveMediation(r.Context(), rq.Viewer, e.ID, m); err != nil {
		h.actFailed(w, r, rq, e, "mediation", err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, eventBase(rq.Viewer, e)+"#mediation", http.StatusSeeOther)
}

func (h *handler) addMediationSession(w http.ResponseWriter, r *http.Request, rq *Request) {
	e, ok := h.loadEvent(w, r, rq)
	if !ok {
		return
	}
	ss := events.Session{HeldOn: r.PostFormValue("held_on"), Place: r.PostFormValue("place"),
		Mediators: r.PostFormValue("mediators"), Summary: r.PostFormValue("summary")}
	if err := h.Events.AddSession(r.Context(), rq.Viewer, e.ID, ss); err != nil {
		h.actFailed(w, r, rq, e, "session", err)
		return
	}
	h.kit.SetFlash(w, "added")
	http.Redirect(w, r, eventBase(rq.Viewer, e)+"#mediation", http.StatusSeeOther)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return m[out[i]] < m[out[j]] })
	return out
}

// dueText says how a deadline stands: "剩 3 小时", "已超期 2 天".
func dueText(due time.Time) string {
	if due.IsZero() {
		return ""
	}
	now := time.Now()
	d := due.Sub(now)
	late := d < 0
	if late {
		d = -d
	}
	var s string
	switch {
	case d < time.Hour:
		s = strconv.Itoa(int(d.Minutes())) + " 分钟"
	case d < 48*time.Hour:
		s = strconv.Itoa(int(d.Hours())) + " 小时"
	default:
		s = strconv.Itoa(int(d.Hours()/24)) + " 天"
	}
	if late {
		return "已超期 " + s
	}
	return "剩 " + s
}

func init() {
	funcs["evstatus"] = func(s string) string { return events.StatusNames[s] }
	funcs["evaction"] = func(s string) string { return events.ActionNames[s] }
	funcs["evurgency"] = func(s string) string { return events.UrgencyNames[s] }
	funcs["evsource"] = func(s string) string { return events.SourceNames[s] }
	funcs["evlevel"] = func(s string) string { return events.LevelNames[s] }
	funcs["evgrade"] = func(s string) string { return events.GradeNames[s] }
	funcs["evstep"] = func(s string) string { return events.StepNames[s] }
	funcs["evoutcome"] = func(s string) string { return events.OutcomeNames[s] }
	funcs["evside"] = func(s string) string { return events.SideNames[s] }
	funcs["evdue"] = dueText
	funcs["bj"] = func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(workdays.Shanghai).Format("2006-01-02 15:04")
	}
	funcs["pct"] = func(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }
	funcs["hours"] = func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
	funcs["has"] = slices.Contains[[]string]
	funcs["addi"] = func(a, b int) int { return a + b }
	funcs["addf"] = func(a, b float64) float64 { return a + b }
	funcs["strs"] = func(s ...string) []string { return s }
}

func init() {
	flashes["reported"] = "已上报"
	flashes["done"] = "已办理"
	flashes["rated"] = "感谢您的评价"
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
