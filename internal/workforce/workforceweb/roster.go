package workforceweb

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/sheets"
	"shequ/internal/web"
	"shequ/internal/workforce"
)

type rosterData struct {
	Unit      orgtree.Unit
	Filter    workforce.Filter
	Members   []*workforce.Member
	Kinds     []web.Option
	Posts     []web.Option
	CanManage bool
	Query     string // the filter as a query string, for the export link
}

// roster is /workforce?org=: a community's people by the filter; above a
// community, the staffing table.
func (h *handler) roster(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.unitIn(r, rq, workforce.PermRead, r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if u.Level != orgtree.LevelCommunity {
		http.Redirect(w, r, "/workforce/staffing?org="+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
		rq.Audit.Nothing = true
		return
	}
	f := filterOf(r)
	ms, err := h.Workforce.Roster(r.Context(), u.ID, f)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(ms)
	q := r.URL.Query()
	q.Set("org", strconv.FormatInt(u.ID, 10))
	d := rosterData{Unit: u, Filter: f, Members: ms, Kinds: options(workforce.Kinds), Posts: options(workforce.Posts),
		CanManage: rq.Viewer.CanAt(workforce.PermManage, web.UnitPlace(u)), Query: q.Encode()}
	h.tmpl.Render(w, r, http.StatusOK, "roster", web.NewPage(rq, u.Name+" 社区工作者与协管员", "workforce", d))
}

// export downloads the roster as the filter gives it, as xlsx: phones in
// full only where the viewer may reveal them, else masked.
func (h *handler) export(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.unitIn(r, rq, workforce.PermRead, r.URL.Query().Get("org"))
	if err != nil || u.Level != orgtree.LevelCommunity {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	ms, err := h.Workforce.Roster(r.Context(), u.ID, filterOf(r))
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	full := rq.Viewer.CanAt(access.RegisterReveal, web.UnitPlace(u))
	rq.Audit.Rows = len(ms)
	rq.Audit.Detail = u.Name + " 社区工作者与协管员名册"
	if full {
		rq.Audit.Detail += "(含完整电话)"
	}
	w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"workforce.xlsx\"; filename*=UTF-8''%s",
		url.PathEscape(u.Name+"社区工作者与协管员名册.xlsx")))
	sw, err := sheets.NewWriter(w, "xlsx", "名册")
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	sw.WriteRow([]string{"姓名", "类别", "岗位", "所在单元", "兼任", "五老", "五大员", "联系电话", "任职日期", "离任日期",
		"持社工证", "本年培训学时", "最近考核", "得分", "等次"})
	bands, _ := h.Workforce.Bands(r.Context())
	for _, m := range ms {
		phone := m.Phone
		if !full {
			phone = ident.MaskPhone(phone)
		}
		var also, duties []string
		for _, a := range m.Also {
			also = append(also, orgtree.StaffRoleNames[a.Role]+"("+a.UnitName+")")
		}
		for _, d := range m.Duties {
			duties = append(duties, workforce.DutyName(d))
		}
		qualified := "否"
		if m.Qualified {
			qualified = "是"
		}
		score, grade := "", ""
		if m.LastPeriod != "" {
			score, grade = strconv.Itoa(m.LastScore), workforce.GradeName(bands, m.LastGrade)
		}
		sw.WriteRow([]string{m.Name, workforce.KindName(m.Kind), m.PostName(), m.UnitName, strings.Join(also, "、"),
			workforce.WulaoName(m.Wulao), strings.Join(duties, "、"), phone, m.StartedOn, m.EndedOn, qualified,
			workforce.Hours(m.TrainingMinutes), workforce.PeriodName(m.LastPeriod), score, grade})
	}
	if err := sw.Close(); err != nil {
		h.kit.Log.Error("workforce export", "err", err)
	}
}

type staffingData struct {
	Report   *workforce.StaffingReport
	Sort     string
	Per      float64 // the baseline
	Children bool    // the unit is above a community
}

// staffing is the staffing table of a unit's communities, sortable by
// staff per 1,000 residents (lowest first: where help is needed most).
func (h *handler) staffing(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.unitIn(r, rq, workforce.PermRead, r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rep, err := h.Workforce.Staffing(r.Context(), u.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	// A viewer of part of a street sees the communities they may read.
	read := rq.Viewer.Scope(workforce.PermRead)
	kept := rep.Communities[:0]
	for _, c := range rep.Communities {
		if read.Contains(access.Place{Community: c.Community, Org: c.Community}) {
			kept = append(kept, c)
		}
	}
	rep.Communities = kept
	d := staffingData{Report: rep, Sort: r.URL.Query().Get("sort"), Per: workforce.BaselinePerThousand,
		Children: u.Level != orgtree.LevelCommunity}
	switch d.Sort {
	case "per_thousand":
		sort.SliceStable(rep.Communities, func(i, j int) bool { return rep.Communities[i].PerThousand < rep.Communities[j].PerThousand })
	case "shortfall":
		sort.SliceStable(rep.Communities, func(i, j int) bool { return rep.Communities[i].Shortfall > rep.Communities[j].Shortfall })
	default:
		d.Sort = ""
	}
	h.tmpl.Render(w, r, http.StatusOK, "staffing", web.NewPage(rq, u.Name+" 社区工作者配备", "workforce", d))
}

type coordinatorData struct {
	Unit    orgtree.Unit
	Units   []web.Option
	F       workforce.NewCoordinator
	Unit0   string
	Posts   []web.Option
	Wulao   []web.Option
	Duties  []workforce.Label
	Errors  map[string]string
	Summary []web.ErrItem
}

var coordinatorFields = []string{"unit", "name", "phone", "post", "title", "wulao", "duties", "employer", "id_number",
	"login", "started_on"}

func (h *handler) coordinatorForm(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderCoordinator(w, r, rq, http.StatusOK, r.URL.Query().Get("org"), coordinatorData{})
}

func (h *handler) renderCoordinator(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org string,
	d coordinatorData) {
	u, err := h.unitIn(r, rq, workforce.PermManage, org)
	if err != nil || u.Level != orgtree.LevelCommunity {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	d.Unit = u
	d.Units = []web.Option{{Value: strconv.FormatInt(u.ID, 10), Label: u.Name + "(社区)"}}
	grids, err := h.kit.Org.Descendants(r.Context(), u.ID, orgtree.LevelGrid)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, g := range grids {
		d.Units = append(d.Units, web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.Name})
	}
	if d.Unit0 == "" {
		d.Unit0 = strconv.FormatInt(u.ID, 10)
	}
	d.Posts, d.Wulao, d.Duties = options(workforce.Posts), options(workforce.Wulao), workforce.Duties
	d.Summary = web.Summarize(d.Errors, coordinatorFields)
	h.tmpl.Render(w, r, status, "coordinator_form", web.NewPage(rq, "登记协管员", "workforce", d))
}

func (h *handler) addCoordinator(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	f := r.PostFormValue
	unit, _ := strconv.ParseInt(f("unit"), 10, 64)
	c := workforce.NewCoordinator{UnitID: unit, Name: f("name"), Phone: f("phone"), Login: f("login"), StartedOn: f("started_on"),
		ProfileForm: workforce.ProfileForm{Post: f("post"), Title: f("title"), Wulao: f("wulao"), Employer: f("employer"),
			IDNumber: f("id_number"), Duties: r.PostForm["duties"]}}
	id, err := h.Workforce.AddCoordinator(r.Context(), actor(rq), c)
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderCoordinator(w, r, rq, http.StatusUnprocessableEntity, f("org"),
			coordinatorData{F: c, Unit0: f("unit"), Errors: fe})
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "staff", id
	h.kit.SetFlash(w, "wf_added")
	http.Redirect(w, r, "/workforce/members/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
