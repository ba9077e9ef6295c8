// Package workforceweb serves the roster of a community's workers and
// coordinators (社区工作者与协管员): the roster with its filters and xlsx
// export, a person's card with certificates, training and assessments and
// the forms recording them, the coordinator form, and the staffing table of
// a street or city.
package workforceweb

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workforce"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Workforce *workforce.Service
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

// Routes registers the pages. A person's pages are checked at the place of
// the assignment the path names (the "staff" object).
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"wfkind":      workforce.KindName,
		"wfpost":      workforce.PostName,
		"wfwulao":     workforce.WulaoName,
		"wfduty":      workforce.DutyName,
		"wfqual":      workforce.QualKindName,
		"wfperiod":    workforce.PeriodName,
		"hours":       workforce.Hours,
		"neg":         func(n int) int { return -n },
		"staffrole":   func(r string) string { return orgtree.StaffRoleNames[r] },
		"gradename":   workforce.GradeName,
		"changewords": changeWords,
		"has": func(xs []string, x string) bool {
			for _, v := range xs {
				if v == x {
					return true
				}
			}
			return false
		},
	})}
	k.AddFlashes(map[string]string{"wf_added": "协管员已登记", "wf_profile_saved": "已保存", "wf_qual_saved": "证书已登记",
		"wf_qual_withdrawn": "证书已作废", "wf_training_saved": "培训已登记", "wf_assessment_saved": "考核已保存"})
	k.AddNav("workforce", "人员队伍", "/workforce", workforce.PermRead) // 社区工作者与协管员: a label of four characters fits a phone's menu cell
	read := access.Rule{Perm: workforce.PermRead}
	manage := access.Rule{Perm: workforce.PermManage}
	member := access.Rule{Perm: workforce.PermRead, Object: "staff", Param: "staff", Audit: audit.View}
	change := access.Rule{Perm: workforce.PermManage, Object: "staff", Param: "staff"}
	k.Handle(rt, "GET /workforce", access.Rule{Perm: workforce.PermRead, Audit: audit.View}, h.roster) // ?org= checked against the scope
	k.Handle(rt, "GET /workforce/export", access.Rule{Perm: workforce.PermRead, Audit: audit.Export}, h.export)
	k.Handle(rt, "GET /workforce/staffing", read, h.staffing)
	k.Handle(rt, "GET /workforce/new", manage, h.coordinatorForm)
	k.Handle(rt, "POST /workforce/new", manage, h.addCoordinator)
	k.Handle(rt, "GET /workforce/members/{staff}", member, h.card)
	k.Handle(rt, "POST /workforce/members/{staff}/profile", change, h.saveProfile)
	k.Handle(rt, "POST /workforce/members/{staff}/qualifications", change, h.addQualification)
	k.Handle(rt, "POST /workforce/members/{staff}/qualifications/{qual}/withdraw", change, h.withdrawQualification)
	k.Handle(rt, "POST /workforce/members/{staff}/training", change, h.addTraining)
	k.Handle(rt, "POST /workforce/members/{staff}/assessments", change, h.saveAssessment)
}

var errNoUnit = fault.New(fault.NotFound, "没有这个组织单元,或不在您的管辖范围内")

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// unitIn reads the unit of ?org= (default: the viewer's first community)
// within the viewer's scope of perm.
func (h *handler) unitIn(r *http.Request, rq *web.Request, perm, param string) (orgtree.Unit, error) {
	scope := rq.Viewer.Scope(perm)
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

// actor is the viewer as the one changing the roster: where they hold
// PermManage.
func actor(rq *web.Request) workforce.Actor {
	sc := rq.Viewer.Scope(workforce.PermManage)
	return workforce.Actor{UserID: rq.User.ID, Name: rq.User.Name,
		May: func(c int64) bool { return sc.Contains(access.Place{Community: c, Org: c}) }}
}

func options(ls []workforce.Label) []web.Option {
	out := make([]web.Option, len(ls))
	for i, l := range ls {
		out[i] = web.Option{Value: l.Code, Label: l.Name}
	}
	return out
}

// filterOf reads the roster's filter from the query.
func filterOf(r *http.Request) workforce.Filter {
	q := r.URL.Query()
	return workforce.Filter{Kind: q.Get("kind"), Post: q.Get("post"), Wulao: q.Get("wulao") == "1",
		Qualified: q.Get("qualified") == "1", Name: strings.TrimSpace(q.Get("q")), Former: q.Get("former") == "1"}
}

var opWords = map[string]string{"add": "登记任职", "profile": "修改岗位信息", "qualification": "证书",
	"training": "登记培训", "assessment": "考核"}

// changeWords writes a change event in words: 考核 2025年度 80分 合格 → 91分 优秀.
func changeWords(op, changes string) string {
	var m map[string][2]any
	if json.Unmarshal([]byte(changes), &m) != nil {
		return opWords[op]
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		b, a := m[k][0], m[k][1]
		str := func(v any) string {
			if v == nil || v == "" || v == float64(0) {
				return "(空)"
			}
			return fmt.Sprint(v)
		}
		parts = append(parts, str(b)+" → "+str(a))
	}
	return opWords[op] + ":" + strings.Join(parts, ";")
}
