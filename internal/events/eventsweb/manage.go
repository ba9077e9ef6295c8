package eventsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/web"
)

// The settings page (events.manage): categories, time limits per step and
// urgency, the 督办 settings and who receives notices.

type eventLimitCell struct {
	Step, Urgency string
	Amount        int
	Unit          string
	Inherited     string // the limit that applies when none is set here
}

type eventManageData struct {
	Categories  []events.Category
	Catalogue   *events.Catalogue
	Edit        events.Category
	New         bool
	LimitsOf    string
	Limits      [][]eventLimitCell // by step, then urgency
	Steps       []web.Option
	Urgencies   []web.Option
	Units       []web.Option
	Levels      []web.Option
	Departments []web.Option
	DeptNames   map[string]string // department code → name, for every place the page names one
	Settings    map[string]string
	ContactUnit int64
	Contacts    []events.Contact
	Errors      map[string]string
	Error       string
}

// The steps and urgencies a time limit is set for, in the table's order.
var (
	limitSteps     = []string{events.StepAccept, events.StepFile, events.StepDispatch, events.StepHandle, events.StepVerify, events.StepClose}
	limitUrgencies = []string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical}
	settingKeys    = []string{"warn_percent", "red_after", "red_after_unit"}
)

func (h *handler) eventManage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderManage(w, r, rq, http.StatusOK, eventManageData{})
}

func (h *handler) renderManage(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d eventManageData) {
	ctx := r.Context()
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	q := r.URL.Query()
	d.Catalogue, d.Categories = cat, cat.Categories()
	if d.Edit.Code == "" {
		if c, ok := cat.Get(q.Get("code")); ok {
			d.Edit = c
		} else {
			d.New, d.Edit = true, events.Category{Public: true, Active: true, Kind: events.KindGeneral}
		}
	}
	if d.LimitsOf == "" {
		d.LimitsOf = q.Get("limits")
		if _, ok := cat.Get(d.LimitsOf); !ok {
			d.LimitsOf = "*"
		}
	}
	own := cat.OwnLimits(d.LimitsOf)
	for _, step := range limitSteps {
		var row []eventLimitCell
		for _, u := range limitUrgencies {
			l := own[step+"|"+u]
			row = append(row, eventLimitCell{Step: step, Urgency: u, Amount: l.Amount, Unit: l.Unit,
				Inherited: cat.Limit(d.LimitsOf, step, u).String()})
		}
		d.Limits = append(d.Limits, row)
	}
	d.Steps = options(limitSteps, events.StepNames)
	d.Urgencies = options(limitUrgencies, events.UrgencyNames)
	d.Units = options([]string{events.UnitMinutes, events.UnitHours, events.UnitDays, events.UnitWorkHours, events.UnitWorkDays}, events.UnitNames)
	d.Levels = []web.Option{{Value: "", Label: "同大类"}, {Value: events.LevelCommunity, Label: "社区自办"},
		{Value: events.LevelStreet, Label: "街道"}, {Value: events.LevelDistrict, Label: "区县"}}
	depts, err := h.Events.Departments(ctx)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Departments, d.DeptNames = departmentOptions(depts), depts
	d.Settings = map[string]string{}
	for _, k := range settingKeys {
		d.Settings[k] = cat.Setting(k)
	}
	if d.ContactUnit == 0 {
		d.ContactUnit, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	}
	if d.ContactUnit != 0 {
		if d.Contacts, err = h.Events.Contacts(ctx, rq.Viewer, d.ContactUnit); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "events_manage", web.NewPage(rq, "事件分类与时限", "events", d))
}
