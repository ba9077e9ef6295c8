// Package visitsweb serves 百家熟: a grid worker's daily list and the
// visit form (a phone page that works without script), the supervisors'
// view of their workers' lists, coverage by grid and worker with its map,
// the capacity planner, and the rules.
package visitsweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Visits   *visits.Service
	Register *register.Store
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"outcome":  func(o string) string { return visits.OutcomeNames[o] },
		"applies":  func(a string) string { return visits.AppliesNames[a] },
		"outcomes": func() []string { return []string{visits.OutcomeMet, visits.OutcomeAbsent, visits.OutcomeRefused} },
		"minus":    func(a, b int) int { return a - b },
		"static":   web.StaticURL,
		"options": func() []web.Option {
			return []web.Option{{Value: visits.AppliesAll, Label: visits.AppliesNames[visits.AppliesAll]},
				{Value: visits.AppliesKind, Label: visits.AppliesNames[visits.AppliesKind]},
				{Value: visits.AppliesTag, Label: visits.AppliesNames[visits.AppliesTag]}}
		},
	})}
	k.AddFlashes(map[string]string{"visit_saved": "走访已登记", "visit_rule_saved": "走访规则已保存",
		"visit_capacity_saved": "每日走访量已保存", "visit_event_reported": "走访已登记,发现的需求已上报为事件",
		"visit_conflict_decided": "已处理"})
	k.AddNav("visits", "入户走访", "/visits", visits.PermRecord)
	record := access.Rule{Perm: visits.PermRecord}
	supervise := access.Rule{Perm: visits.PermSupervise}
	rules := access.Rule{Perm: visits.PermRules}
	k.Handle(rt, "GET /visits", access.Rule{Login: true}, h.home)
	k.Handle(rt, "GET /visits/workers/{staff}", access.Rule{Login: true}, h.worklist) // the worker, or a supervisor of the worker's grids
	k.Handle(rt, "GET /visits/team", supervise, h.team)                               // ?org= checked against the scope
	k.Handle(rt, "GET /visits/households/{id}/new", access.Rule{Perm: visits.PermRecord, Object: "household", Audit: "view"}, h.form)
	k.Handle(rt, "POST /visits/households/{id}/new", access.Rule{Perm: visits.PermRecord, Object: "household"}, h.save)
	k.Handle(rt, "GET /visits/{visit}", record, h.visit)
	k.Handle(rt, "POST /visits/{visit}/event", record, h.reportNeed) // 报事件: the events' own permission is checked at the household's place
	// The offline phone (offline.go) and the conflicts its sync finds.
	k.Handle(rt, "GET /visits/offline", record, h.offlineShell)
	k.Handle(rt, "GET /visits/offline.json", access.Rule{Perm: visits.PermRecord, Audit: audit.View}, h.offlinePackage)
	k.HandleWithBody(rt, "POST /visits/sync", record, maxSyncBody, h.sync)
	rt.Handle("GET /visits/sw.js", access.Rule{Public: true}, k.Recover(serviceWorker()))
	k.Handle(rt, "GET /visits/conflicts", record, h.conflicts)
	k.Handle(rt, "POST /visits/conflicts/{conflict}/decide", record, h.decide)
	k.Handle(rt, "GET /visits/coverage", supervise, h.coverage)
	k.Handle(rt, "GET /visits/capacity", supervise, h.capacity)
	k.Handle(rt, "POST /visits/capacity", rules, h.saveCapacity)
	k.Handle(rt, "GET /visit-rules", supervise, h.rules)
	k.Handle(rt, "GET /visit-rules/new", rules, h.ruleForm)
	k.Handle(rt, "POST /visit-rules/new", rules, h.saveRule)
	k.Handle(rt, "GET /visit-rules/{rule}/edit", rules, h.ruleForm)
	k.Handle(rt, "POST /visit-rules/{rule}/edit", rules, h.saveRule)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// unitIn reads the unit of ?org= (default: the viewer's first community)
// within the scope; a unit outside it is not found.
func (h *handler) unitIn(r *http.Request, scope access.Scope, param string) (orgtree.Unit, error) {
	id, _ := strconv.ParseInt(param, 10, 64)
	if id == 0 {
		if cs := scope.Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || !scope.Contains(web.UnitPlace(u)) {
		return u, errNoUnit
	}
	return u, nil
}

// keeper is the viewer as keeper of rules and capacities.
func keeper(rq *web.Request) visits.Keeper {
	sc := rq.Viewer.Scope(visits.PermRules)
	return visits.Keeper{Name: rq.User.Name, Shared: sc.Whole(),
		Community: func(c int64) bool { return sc.Contains(access.Place{Community: c, Org: c}) }}
}
