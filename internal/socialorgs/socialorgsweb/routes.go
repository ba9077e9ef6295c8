// Package socialorgsweb serves 社区社会组织: the staff's list with filters,
// an organisation's page (filing, leader, hub and whom it supports,
// members, activities, history) with its forms, and the public list of a
// community's filed organisations, which names no person.
package socialorgsweb

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/socialorgs"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Orgs *socialorgs.Service
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
		"kinds":      func() []socialorgs.Kind { return socialorgs.Kinds },
		"statuses":   func() []socialorgs.Kind { return socialorgs.Statuses },
		"kindName":   socialorgs.KindName,
		"statusName": socialorgs.StatusName,
		"hasID": func(xs []int64, id int64) bool {
			for _, x := range xs {
				if x == id {
					return true
				}
			}
			return false
		},
	})
	k.AddFlashes(map[string]string{"socialorg_saved": "社会组织信息已保存", "socialorg_member_saved": "成员已加入",
		"socialorg_member_left": "成员已退出", "socialorg_activity_saved": "活动已记录"})
	k.AddNav("socialorgs", "社会组织", "/social-orgs", socialorgs.PermRead)
	read := access.Rule{Perm: socialorgs.PermRead}
	view := access.Rule{Perm: socialorgs.PermRead, Audit: audit.View}
	manage := access.Rule{Perm: socialorgs.PermManage}
	k.Handle(rt, "GET /social-orgs", read, h.list)
	k.Handle(rt, "GET /social-orgs/new", manage, h.newForm)
	k.Handle(rt, "POST /social-orgs/new", manage, h.create)
	k.Handle(rt, "GET /social-orgs/{so}", view, h.page)
	k.Handle(rt, "POST /social-orgs/{so}/edit", manage, h.edit)
	k.Handle(rt, "POST /social-orgs/{so}/members", manage, h.join)
	k.Handle(rt, "POST /social-orgs/{so}/leave", manage, h.leave)
	k.Handle(rt, "POST /social-orgs/{so}/activities", manage, h.record)
	k.HandlePublic(rt, "GET /public/social-orgs/{org}", h.public)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// staff is the viewer acting with perm.
func staff(rq *web.Request, perm string) socialorgs.Staff {
	sc := rq.Viewer.Scope(perm)
	name := rq.User.DisplayName
	if name == "" {
		name = rq.User.Name
	}
	return socialorgs.Staff{Name: name,
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

// draftOf reads the organisation form.
func draftOf(r *http.Request) socialorgs.Draft {
	id := func(name string) int64 {
		n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
		return n
	}
	d := socialorgs.Draft{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Status: r.PostFormValue("status"),
		FilingNumber: r.PostFormValue("filing_number"), FiledOn: r.PostFormValue("filed_on"),
		DissolvedOn: r.PostFormValue("dissolved_on"), LeaderID: id("leader"), Hub: r.PostFormValue("hub") == "1",
		TeamID: id("volunteer_team"), Purpose: r.PostFormValue("purpose")}
	for _, v := range r.PostForm["supports"] {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			d.Supports = append(d.Supports, n)
		}
	}
	return d
}
