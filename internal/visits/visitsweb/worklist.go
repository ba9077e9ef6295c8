package visitsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/visits"
	"shequ/internal/web"
)

type worklistData struct {
	List       visits.Worklist
	Own        bool // the viewer's own list
	Supervisor bool
}

// home is the viewer's own list, or their team's for a supervisor.
func (h *handler) home(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ws, err := h.Visits.WorkersOfUser(r.Context(), rq.User.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if len(ws) > 0 {
		h.renderList(w, r, rq, ws[0])
		return
	}
	if rq.Viewer.Can(visits.PermSupervise) {
		http.Redirect(w, r, "/visits/team", http.StatusSeeOther)
		return
	}
	h.kit.Fail(w, r, rq, fault.New(fault.NotFound, "您不是网格员,没有走访清单"))
}

// mayWatch reports whether the viewer supervises every grid of the worker.
func mayWatch(rq *web.Request, wk visits.Worker) bool {
	sc := rq.Viewer.Scope(visits.PermSupervise)
	for _, g := range wk.Grids {
		if !sc.Contains(access.Place{Community: wk.CommunityID, Grid: g, Org: g}) {
			return false
		}
	}
	return len(wk.Grids) > 0
}

func (h *handler) worklist(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	wk, err := h.Visits.Worker(r.Context(), pathID(r, "staff"))
	if err == nil && wk.UserID != rq.User.ID && !mayWatch(rq, wk) {
		err = visits.ErrNoWorker
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	h.renderList(w, r, rq, wk)
}

func (h *handler) renderList(w http.ResponseWriter, r *http.Request, rq *web.Request, wk visits.Worker) {
	l, err := h.Visits.WorklistOf(r.Context(), wk)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rq.Audit.Rows = len(l.Stops)
	h.tmpl.Render(w, r, http.StatusOK, "worklist", web.NewPage(rq, wk.Name+"的走访清单", "visits",
		worklistData{List: l, Own: wk.UserID == rq.User.ID, Supervisor: mayWatch(rq, wk)}))
}

type teamData struct {
	Unit  orgtree.Unit
	Lists []visits.Worklist
}

// team is a supervisor's view: each worker's list of the community, with
// what is due and overdue.
func (h *handler) team(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	u, err := h.unitIn(r, rq.Viewer.Scope(visits.PermSupervise), r.URL.Query().Get("org"))
	if err == nil && u.CommunityID == 0 {
		err = fault.Fields{"org": "请选择一个社区"}
	}
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	ls, err := h.Visits.Worklists(r.Context(), []int64{u.CommunityID})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	out := ls[:0]
	for _, l := range ls {
		if mayWatch(rq, l.Worker) {
			out = append(out, l)
		}
	}
	h.tmpl.Render(w, r, http.StatusOK, "team", web.NewPage(rq, u.Name+" 走访清单", "visits", teamData{Unit: u, Lists: out}))
}

func staffQuery(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.FormValue("staff"), 10, 64)
	return id
}
