package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/register"
)

// Event settings (events.manage): categories, time limits per step and
// urgency, the 督办 settings and who receives notices.

func (h *handler) eventManageRoutes(rt *Routes) {
	manage := access.Rule{Perm: events.PermManage}
	h.kit.Handle(rt, "GET /events/manage", manage, h.eventManage)
	h.kit.Handle(rt, "POST /events/manage/category", manage, h.saveCategory)
	h.kit.Handle(rt, "POST /events/manage/limits", manage, h.saveLimits)
	h.kit.Handle(rt, "POST /events/manage/settings", manage, h.saveEventSettings)
	h.kit.Handle(rt, "POST /events/manage/contacts", manage, h.addContact)
	h.kit.Handle(rt, "POST /events/manage/contacts/{contact}/delete", manage, h.deleteContact)
}

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
	Steps       []Option
	Urgencies   []Option
	Units       []Option
	Levels      []Option
	Departments []Option
	Settings    map[string]string
	ContactUnit int64
	Contacts    []events.Contact
	Errors      map[string]string
	Error       string
}

func (h *handler) eventManage(w http.ResponseWriter, r *http.Request, rq *Request) {
	h.renderManage(w, r, rq, http.StatusOK, eventManageData{})
}

func (h *handler) renderManage(w http.ResponseWriter, r *http.Request, rq *Request, status int, d eventManageData) {
	ctx := r.Context()
	cat, err := h.Events.Catalogue(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
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
	for _, step := range []string{events.StepAccept, events.StepFile, events.StepDispatch, events.StepHandle, events.StepVerify, events.StepClose} {
		var row []eventLimitCell
		for _, u := range []string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical} {
			l := own[step+"|"+u]
			row = append(row, eventLimitCell{Step: step, Urgency: u, Amount: l.Amount, Unit: l.Unit,
				Inherited: cat.Limit(d.LimitsOf, step, u).String()})
		}
		d.Limits = append(d.Limits, row)
		d.Steps = append(d.Steps, Option{step, events.StepNames[step]})
	}
	for _, u := range []string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical} {
		d.Urgencies = append(d.Urgencies, Option{u, events.UrgencyNames[u]})
	}
	for _, u := range []string{events.UnitMinutes, events.UnitHours, events.UnitDays, events.UnitWorkHours, events.UnitWorkDays} {
		d.Units = append(d.Units, Option{u, events.UnitNames[u]})
	}
	d.Levels = []Option{{"", "同大类"}, {events.LevelCommunity, "社区自办"}, {events.LevelStreet, "街道"}, {events.LevelDistrict, "区县"}}
	depts, err := h.Events.Departments(ctx)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	for _, c := range sortedKeys(depts) {
		d.Departments = append(d.Departments, Option{c, depts[c]})
	}
	d.Settings = map[string]string{}
	for _, k := range []string{"warn_percent", "red_after", "red_after_unit"} {
		d.Settings[k] = cat.Setting(k)
	}
	if d.ContactUnit == 0 {
		d.ContactUnit, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	}
	if d.ContactUnit != 0 {
		if d.Contacts, err = h.Events.Contacts(ctx, rq.Viewer, d.ContactUnit); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "events_manage", NewPage(rq, "事件分类与时限", "events", d))
}

func (h *handler) saveCategory(w http.ResponseWriter, r *http.Request, rq *Request) {
	c := events.Category{Code: r.PostFormValue("code"), Parent: r.PostFormValue("parent"), Name: r.PostFormValue("name"),
		Description: r.PostFormValue("description"), Level: r.PostFormValue("level"), Department: r.PostFormValue("department"),
		Kind: r.PostFormValue("kind"), Public: r.PostFormValue("public") == "1", Active: r.PostFormValue("active") == "1"}
	c.Sort, _ = strconv.Atoi(r.PostFormValue("sort"))
	c.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	if err := h.Events.SaveCategory(r.Context(), c); err != nil {
		var fe register.FieldErrors
		if errors.As(err, &fe) {
			h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{Edit: c, New: c.Version == 0, Errors: fe, Error: fe.Error()})
			return
		}
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?code="+url.QueryEscape(c.Code), http.StatusSeeOther)
}

func (h *handler) saveLimits(w http.ResponseWriter, r *http.Request, rq *Request) {
	category := r.PostFormValue("category")
	for _, step := range []string{events.StepAccept, events.StepFile, events.StepDispatch, events.StepHandle, events.StepVerify, events.StepClose} {
		for _, u := range []string{events.UrgencyNormal, events.UrgencyUrgent, events.UrgencyCritical} {
			key := step + "_" + u
			raw := r.PostFormValue("amount_" + key)
			amount := 0
			if raw != "" {
				n, err := strconv.Atoi(raw)
				if err != nil {
					h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{LimitsOf: category,
						Error: events.StepNames[step] + events.UrgencyNames[u] + "的时限应为整数"})
					return
				}
				amount = n
			}
			if category == "*" && amount == 0 {
				continue // the defaults stay
			}
			if err := h.Events.SetLimit(r.Context(), category, step, u, events.Limit{Amount: amount, Unit: r.PostFormValue("unit_" + key)}); err != nil {
				var fe register.FieldErrors
				if errors.As(err, &fe) {
					h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{LimitsOf: category,
						Error: events.StepNames[step] + events.UrgencyNames[u] + ":" + fe.Error()})
					return
				}
				h.kit.ServerError(w, r, rq, err)
				return
			}
		}
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?limits="+url.QueryEscape(category)+"#limits", http.StatusSeeOther)
}

func (h *handler) saveEventSettings(w http.ResponseWriter, r *http.Request, rq *Request) {
	for _, k := range []string{"warn_percent", "red_after", "red_after_unit"} {
		if err := h.Events.SetSetting(r.Context(), k, r.PostFormValue(k)); err != nil {
			var fe register.FieldErrors
			if errors.As(err, &fe) {
				h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{Errors: fe, Error: fe.Error()})
				return
			}
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage#settings", http.StatusSeeOther)
}

func (h *handler) addContact(w http.ResponseWriter, r *http.Request, rq *Request) {
	c := events.Contact{Department: r.PostFormValue("department"), Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone")}
	c.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	if err := h.Events.AddContact(r.Context(), nil, &c); err != nil {
		var fe register.FieldErrors
		if errors.As(err, &fe) {
			h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{ContactUnit: c.UnitID, Errors: fe, Error: fe.Error()})
			return
		}
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "added")
	http.Redirect(w, r, "/events/manage?unit="+strconv.FormatInt(c.UnitID, 10)+"#contacts", http.StatusSeeOther)
}

func (h *handler) deleteContact(w http.ResponseWriter, r *http.Request, rq *Request) {
	id, _ := strconv.ParseInt(r.PathValue("contact"), 10, 64)
	if err := h.Events.DeleteContact(r.Context(), id); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?unit="+r.PostFormValue("unit")+"#contacts", http.StatusSeeOther)
}
