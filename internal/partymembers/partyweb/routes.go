// Package partyweb serves 在职党员双报到 to the community's staff: the
// members with their re-report due days (the overdue flagged), a
// member's page where staff record what the member reports — a re-report,
// posts claimed, service, pairings and their visits, the yearly grade —,
// the service posts, the residents' small wishes with their timeline, and
// each employer's figures with the quarterly card and yearly evaluation
// as PDF and xlsx. Members do not sign in: staff record on their behalf
// (the member's own report is marked as such), as the community's
// 报到 desk does today.
package partyweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/partymembers"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Party *partymembers.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"hours":     partymembers.Hours,
		"wishState": func(s string) string { return partymembers.WishStates[s] },
		"action":    func(s string) string { return partymembers.WishActions[s] },
		"kindName":  func(s string) string { return partymembers.ServiceKinds[s] },
		"grade":     func(s string) string { return partymembers.GradeNames[s] },
		"grades":    func() []string { return partymembers.Grades },
		"pre":       func(form, name string) string { return form + "-" + name },
	})}
	k.AddFlashes(map[string]string{"party_registered": "报到已登记", "party_saved": "已保存",
		"party_reported": "已登记再次报到", "party_left": "已退出报到", "party_visit": "结对走访已登记,计入该户走访",
		"party_wish_posted": "微心愿已发布", "party_wish_step": "心愿状态已更新", "party_graded": "年度评价已保存"})
	k.AddNav("party", "在职党员", "/party-members", partymembers.PermRead)
	read := access.Rule{Perm: partymembers.PermRead}
	view := access.Rule{Perm: partymembers.PermRead, Audit: audit.View}
	manage := access.Rule{Perm: partymembers.PermManage}
	k.Handle(rt, "GET /party-members", view, h.members)
	k.Handle(rt, "GET /party-members/new", manage, h.newForm)
	k.Handle(rt, "POST /party-members/new", manage, h.register)
	k.Handle(rt, "GET /party-members/{member}", view, h.member)
	k.Handle(rt, "POST /party-members/{member}/{act}", manage, h.memberAction)
	k.Handle(rt, "POST /party-members/{member}/{act}/{item}", manage, h.memberItemAction)
	k.Handle(rt, "GET /party-posts", read, h.posts)
	k.Handle(rt, "POST /party-posts", manage, h.savePost)
	k.Handle(rt, "GET /party-wishes", view, h.wishes)
	k.Handle(rt, "POST /party-wishes", manage, h.postWish)
	k.Handle(rt, "GET /party-wishes/{wish}", view, h.wish)
	k.Handle(rt, "POST /party-wishes/{wish}", manage, h.stepWish)
	k.Handle(rt, "GET /party-service", read, h.service)
	k.Handle(rt, "GET /party-service/card", access.Rule{Perm: partymembers.PermRead, Audit: audit.Export}, h.card)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

var errNoUnit = fault.New(fault.NotFound, "没有这个组织单元,或不在您的管辖范围内")

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

// community is unitIn that must name a community.
func (h *handler) community(r *http.Request, scope access.Scope) (orgtree.Unit, error) {
	u, err := h.unitIn(r, scope, r.URL.Query().Get("org"))
	if err == nil && u.Level != orgtree.LevelCommunity {
		err = fault.New(fault.NotFound, "请选择一个社区")
	}
	return u, err
}

func staff(rq *web.Request, perm string) partymembers.Staff {
	return partymembers.Staff{UserID: rq.User.ID, Name: rq.Actor.Name, Scope: rq.Viewer.Scope(perm)}
}

// prefixed puts a service's field errors under a form's prefix: the
// member's page holds several forms whose fields share names.
func prefixed(form string, fe fault.Fields) map[string]string {
	out := map[string]string{}
	for k, v := range fe {
		out[form+"-"+k] = v
	}
	return out
}
