package visitsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/visits"
	"shequ/internal/web"
)

type capacityData struct {
	Unit    orgtree.Unit
	Target  string
	Plan    *visits.Plan
	Loads   []visits.Load
	MayEdit bool
	Errors  map[string]string
}

// capacity is the planner of one community: each worker's round and, for
// a target round, the workers and the building moves it would take.
func (h *handler) capacity(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	h.renderCapacity(w, r, rq, http.StatusOK, r.URL.Query().Get("org"), r.URL.Query().Get("target"), nil)
}

func (h *handler) renderCapacity(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, org, target string, errs map[string]string) {
	u, err := h.unitIn(r, rq.Viewer.Scope(visits.PermSupervise), org)
	if err == nil && u.Level != orgtree.LevelCommunity {
		err = fault.Fields{"org": "力量测算按社区进行,请选择一个社区"}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := capacityData{Unit: u, Target: target, MayEdit: keeper(rq).Community(u.ID), Errors: errs}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if target != "" {
		days, err := strconv.Atoi(target)
		if err != nil || days < 1 || days > 1000 {
			d.Errors["target"] = "目标周期应为 1 到 1000 之间的工作日数"
		} else {
			p, err := h.Visits.PlanFor(r.Context(), u.ID, days)
			if err != nil {
				h.kit.Fail(w, r, rq, err)
				return
			}
			d.Plan, d.Loads = &p, p.Before
		}
	}
	if d.Loads == nil {
		if d.Loads, err = h.Visits.Loads(r.Context(), []int64{u.ID}); err != nil {
			h.kit.Fail(w, r, rq, err)
			return
		}
	}
	h.tmpl.Render(w, r, status, "capacity", web.NewPage(rq, u.Name+" 走访力量测算", "visits", d))
}

func (h *handler) saveCapacity(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	org, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	staff, _ := strconv.ParseInt(r.PostFormValue("staff"), 10, 64)
	err := h.Visits.SetCapacity(r.Context(), keeper(rq), org, staff, r.PostFormValue("visits_per_day"), r.PostFormValue("team_size"))
	if fe := fault.FieldsOf(err); fe != nil {
		h.renderCapacity(w, r, rq, http.StatusUnprocessableEntity, r.PostFormValue("org"), "", fe)
		return
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Entity, rq.Audit.ID = "unit", org
	h.kit.SetFlash(w, "visit_capacity_saved")
	http.Redirect(w, r, "/visits/capacity?org="+strconv.FormatInt(org, 10), http.StatusSeeOther)
}
