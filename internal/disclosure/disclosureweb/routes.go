// Package disclosureweb serves 居务公开: to the community's staff the
// scheduled publications with their due days (the overdue flagged as
// 督办), publishing one with its computed block, the decisions that
// schedule a publication, the residents' questions to answer, and the
// catalogue; to everyone, without a login, each community's public page
// with the publications in force and past, and a form to ask about one.
//
// Staff (disclosure.read; acting needs disclosure.manage):
//
//	GET  /disclosures[?org=&overdue=1]                      the publications of a community
//	POST /disclosures/decisions                             record a decision to publish
//	GET  /disclosures/{community}/{pub}                     one publication, its questions
//	POST /disclosures/{community}/{pub}/publish             publish it
//	POST /disclosures/{community}/{pub}/questions/{q}       answer a question
//	GET  /disclosure-items[?org=]                           the catalogue holding in a community
//	GET  /disclosure-items/new?org=, POST                   add a community's own row
//	GET  /disclosure-items/{item}, POST                     edit a row (version-checked)
//
// Public:
//
//	GET  /gongkai/{community}                               the community's 居务公开
//	GET  /gongkai/{community}/{pub}                         one publication with its questions
//	POST /gongkai/{community}/{pub}/questions               ask (rate-limited per address)
package disclosureweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/disclosure"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/services"
	"shequ/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Disclosure *disclosure.Service
	// Asks limits residents' questions per address; nil: a burst of 5,
	// then 2 a minute, as a household asks a few and a script many.
	Asks *services.Limiter
}

type handler struct {
	Deps
	kit  *web.Kit
	tmpl *web.Templates
}

const publicCookie = "gk_csrf"

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Asks == nil {
		d.Asks = services.NewLimiter(2, 5, 1<<30, time.Minute)
	}
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, template.FuncMap{
		"ruleName": func(s string) string { return disclosure.RuleNames[s] },
		"compName": func(s string) string { return disclosure.ComputedNames[s] },
		"qState":   func(s string) string { return disclosure.QuestionStates[s] },
		"rules": func() []string {
			return []string{disclosure.RuleMonthly, disclosure.RuleQuarter, disclosure.RuleDecision, disclosure.RuleAtOnce}
		},
		"computeds": func() []string { return disclosure.ComputedKinds },
		"lines":     func(s string) []string { return strings.Split(s, "\n") },
		"masked":    maskPhone,
	})}
	k.AddFlashes(map[string]string{"disc_published": "已公开", "disc_decision": "决定已登记,已安排公开",
		"disc_answered": "答复已公开", "disc_item_saved": "公开目录已保存"})
	k.AddNav("disclosure", "居务公开", "/disclosures", disclosure.PermRead)
	view := access.Rule{Perm: disclosure.PermRead, Audit: audit.View}
	read := access.Rule{Perm: disclosure.PermRead}
	manage := access.Rule{Perm: disclosure.PermManage}
	k.Handle(rt, "GET /disclosures", read, h.list)
	k.Handle(rt, "POST /disclosures/decisions", manage, h.decide)
	k.Handle(rt, "GET /disclosures/{community}/{pub}", view, h.show)
	k.Handle(rt, "POST /disclosures/{community}/{pub}/publish", manage, h.publish)
	k.Handle(rt, "POST /disclosures/{community}/{pub}/questions/{q}", manage, h.answer)
	k.Handle(rt, "GET /disclosure-items", read, h.items)
	k.Handle(rt, "GET /disclosure-items/new", manage, h.itemForm)
	k.Handle(rt, "POST /disclosure-items/new", manage, h.saveItem)
	k.Handle(rt, "GET /disclosure-items/{item}", manage, h.itemForm)
	k.Handle(rt, "POST /disclosure-items/{item}", manage, h.saveItem)
	k.HandlePublic(rt, "GET /gongkai/{community}", noStore(h.board))
	k.HandlePublic(rt, "GET /gongkai/{community}/{pub}", noStore(h.publicShow))
	k.HandlePublic(rt, "POST /gongkai/{community}/{pub}/questions", noStore(h.ask))
}

// noStore keeps public answers out of shared caches and bounds a posted form.
func noStore(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
		}
		next(w, r)
	}
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func maskPhone(p string) string {
	if len(p) != 11 {
		return p
	}
	return p[:3] + "****" + p[7:]
}

var errNoUnit = fault.New(fault.NotFound, "没有这个组织单元,或不在您的管辖范围内")

// community reads the community of param (default: the viewer's first)
// within scope.
func (h *handler) community(r *http.Request, scope access.Scope, param string) (orgtree.Unit, error) {
	u, err := h.unit(r, scope, param)
	if err == nil && u.Level != orgtree.LevelCommunity {
		return u, errNoUnit
	}
	return u, err
}

// unit reads the unit of param (default: the viewer's first community)
// within scope.
func (h *handler) unit(r *http.Request, scope access.Scope, param string) (orgtree.Unit, error) {
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

func staff(rq *web.Request, perm string) disclosure.Staff {
	return disclosure.Staff{Name: rq.Actor.Name, Scope: rq.Viewer.Scope(perm), Shared: rq.Viewer.Scope(perm).Whole()}
}
