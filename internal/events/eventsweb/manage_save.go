package eventsweb

import (
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/web"
)

// The settings page's forms. Bad input shows the page again with the
// messages; anything else is the error page of its kind.

func (h *handler) saveCategory(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := events.Category{Code: r.PostFormValue("code"), Parent: r.PostFormValue("parent"), Name: r.PostFormValue("name"),
		Description: r.PostFormValue("description"), Level: r.PostFormValue("level"), Department: r.PostFormValue("department"),
		Kind: r.PostFormValue("kind"), Public: r.PostFormValue("public") == "1", Active: r.PostFormValue("active") == "1"}
	c.Sort, _ = strconv.Atoi(r.PostFormValue("sort"))
	c.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	if err := h.Events.SaveCategory(r.Context(), c); err != nil {
		if fe := fault.FieldsOf(err); fe != nil {
			h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{Edit: c, New: c.Version == 0, Errors: fe, Error: fe.Error()})
			return
		}
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?code="+url.QueryEscape(c.Code), http.StatusSeeOther)
}

func (h *handler) saveLimits(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	category := r.PostFormValue("category")
	for _, step := range limitSteps {
		for _, u := range limitUrgencies {
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
				if fe := fault.FieldsOf(err); fe != nil {
					h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{LimitsOf: category,
						Error: events.StepNames[step] + events.UrgencyNames[u] + ":" + fe.Error()})
					return
				}
				h.kit.Fail(w, r, rq, err)
				return
			}
		}
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?limits="+url.QueryEscape(category)+"#limits", http.StatusSeeOther)
}

func (h *handler) saveEventSettings(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	for _, k := range settingKeys {
		if err := h.Events.SetSetting(r.Context(), k, r.PostFormValue(k)); err != nil {
			if fe := fault.FieldsOf(err); fe != nil {
				h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{Errors: fe, Error: fe.Error()})
				return
			}
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage#settings", http.StatusSeeOther)
}

func (h *handler) addContact(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	c := events.Contact{Department: r.PostFormValue("department"), Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone")}
	c.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	if err := h.Events.AddContact(r.Context(), nil, &c); err != nil {
		if fe := fault.FieldsOf(err); fe != nil {
			h.renderManage(w, r, rq, http.StatusUnprocessableEntity, eventManageData{ContactUnit: c.UnitID, Errors: fe, Error: fe.Error()})
			return
		}
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "added")
	http.Redirect(w, r, "/events/manage?unit="+strconv.FormatInt(c.UnitID, 10)+"#contacts", http.StatusSeeOther)
}

func (h *handler) deleteContact(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	id, _ := strconv.ParseInt(r.PathValue("contact"), 10, 64)
	if err := h.Events.DeleteContact(r.Context(), id); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.kit.SetFlash(w, "saved")
	http.Redirect(w, r, "/events/manage?unit="+r.PostFormValue("unit")+"#contacts", http.StatusSeeOther)
}
