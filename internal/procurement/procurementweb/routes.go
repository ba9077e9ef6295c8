// Package procurementweb serves 政府购买服务: the staff's list of projects
// by stage, the new project's form, the project page with the form of each
// stage (tender, bids, panel and scores, award, contract, milestones,
// payments, ratings), the public tender and award pages, and the OCDS 1.1
// release and record packages.
package procurementweb

import (
	"embed"
	"net/http"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/money"
	"shequ/internal/orgtree"
	"shequ/internal/procurement"
	"shequ/internal/web"
	"shequ/internal/workaccess"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Projects *procurement.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k}
	h.tmpl = k.Templates(templateFS, map[string]any{
		"yuan":       money.Yuan,
		"points":     procurement.Points,
		"stages":     func() []procurement.Kind { return procurement.Stages },
		"categories": func() []procurement.Kind { return procurement.Categories },
		"negative":   func() []procurement.Forbidden { return procurement.NegativeList },
		"stageName":  procurement.StageName,
		"local":      local,
		"minPrice":   func() int { return procurement.MinPricePoints },
		"maxPrice":   func() int { return procurement.MaxPricePoints },
	})
	k.AddFlashes(map[string]string{"project_saved": "项目已立项", "tender_published": "招标公告已发布",
		"bid_saved": "投标已登记", "bid_withdrawn": "投标已撤回", "panel_saved": "评委已加入评审小组",
		"score_saved": "评分已保存", "project_awarded": "已按评审排名授标并公示", "contract_saved": "合同已登记",
		"milestone_saved": "节点已添加", "milestone_accepted": "节点已验收", "payment_saved": "付款已登记",
		"project_completed": "项目已结项并记录居民评议"})
	k.AddNav("procurement", "购买服务", "/projects", procurement.PermRead)
	read := access.Rule{Perm: procurement.PermRead}
	view := access.Rule{Perm: procurement.PermRead, Audit: audit.View}
	manage := access.Rule{Perm: procurement.PermManage}
	k.Handle(rt, "GET /projects", read, h.list)
	k.Handle(rt, "GET /projects/new", manage, h.newForm)
	k.Handle(rt, "POST /projects/new", manage, h.create)
	k.Handle(rt, "GET /projects/{project}", view, h.page)
	k.Handle(rt, "POST /projects/{project}/tender", manage, h.publish)
	k.Handle(rt, "POST /projects/{project}/bids", manage, h.bid)
	k.Handle(rt, "POST /projects/{project}/bids/{bid}/withdraw", manage, h.withdraw)
	k.Handle(rt, "POST /projects/{project}/panel", manage, h.member)
	k.Handle(rt, "POST /projects/{project}/scores", manage, h.score)
	k.Handle(rt, "POST /projects/{project}/award", manage, h.award)
	k.Handle(rt, "POST /projects/{project}/contract", manage, h.sign)
	k.Handle(rt, "POST /projects/{project}/milestones", manage, h.milestone)
	k.Handle(rt, "POST /projects/{project}/milestones/{milestone}/accept", manage, h.accept)
	k.Handle(rt, "POST /projects/{project}/payments", manage, h.pay)
	k.Handle(rt, "POST /projects/{project}/complete", manage, h.complete)
	k.HandlePublic(rt, "GET /public/tenders", h.publicList)
	k.HandlePublic(rt, "GET /public/tenders/{project}", h.publicPage)
	k.HandlePublic(rt, "GET /public/ocds/releases", h.releases)
	k.HandlePublic(rt, "GET /public/ocds/records", h.records)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return id
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.PostFormValue(name))
	return n
}

// formFen reads an amount typed in 元; a malformed one is -1, which the
// service refuses at its field.
func formFen(r *http.Request, name string) int64 {
	fen, ok := workaccess.ParseYuan(r.PostFormValue(name))
	if !ok {
		return -1
	}
	return fen
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// staff is the viewer acting with perm.
func staff(rq *web.Request, perm string) procurement.Staff {
	sc := rq.Viewer.Scope(perm)
	name := rq.User.DisplayName
	if name == "" {
		name = rq.User.Name
	}
	return procurement.Staff{Name: name,
		May: func(c int64) bool { return c != 0 && sc.Contains(access.Place{Community: c, Org: c}) }}
}

var errNoUnit = fault.New(fault.NotFound, "没有这个社区,或不在您的管辖范围内")

// community is ?org= (a community in the scope of perm) or the viewer's first.
func (h *handler) community(r *http.Request, rq *web.Request, perm string) (orgtree.Unit, bool) {
	sc := rq.Viewer.Scope(perm)
	id, _ := strconv.ParseInt(r.URL.Query().Get("org"), 10, 64)
	if id == 0 {
		if cs := sc.Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(r.Context(), id)
	if err != nil || u.Level != orgtree.LevelCommunity || !sc.Contains(web.UnitPlace(u)) {
		return u, false
	}
	return u, true
}
