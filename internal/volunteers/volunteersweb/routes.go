// Package volunteersweb serves 志愿服务: the staff's pages (the registry,
// teams, activities with their shifts and check-in QR codes, the hours
// ledger with hand records and reversals, commendations and evaluations,
// needs matched to volunteers) and the volunteer's own phone pages under
// /v/ — the public join page, and, signed in by the personal link's
// cookie, my shifts, sign-up and change, the QR check-in and my hours.
// The two sides share no session: staff pages go through the kit's
// session and rules; the /v/ pages are public routes that read the
// volunteer's cookie themselves.
package volunteersweb

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/orgtree"
	"shequ/internal/services"
	"shequ/internal/volunteers"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed phone/*.html
var phoneFS embed.FS

// Deps are what the pages need besides the kit.
type Deps struct {
	Volunteers *volunteers.Service
	// BaseURL is where residents reach the server (the QR codes' links);
	// "" takes the request's host.
	BaseURL string
	// Joins limits the join page per client address; nil is a default.
	Joins *services.Limiter
}

type handler struct {
	Deps
	kit   *web.Kit
	tmpl  *web.Templates
	phone map[string]*template.Template
}

// funcs are the template functions both sides use.
func funcs() template.FuncMap {
	return template.FuncMap{
		"hours":     func(m int) string { return strconv.FormatFloat(volunteers.Hours(m), 'f', 1, 64) },
		"skillName": volunteers.SkillName,
		"kindName":  volunteers.KindName,
		"hm":        func(t time.Time) string { return t.In(workdays.Shanghai).Format("15:04") },
		"zero":      func(t time.Time) bool { return t.IsZero() },
		"skills":    func() []volunteers.Skill { return volunteers.Skills },
		"weekdays":  func() []int { return []int{1, 2, 3, 4, 5, 6, 7} },
		"dayName":   func(d int) string { return []string{"", "一", "二", "三", "四", "五", "六", "日"}[d] },
		"has": func(xs []string, x string) bool {
			for _, y := range xs {
				if y == x {
					return true
				}
			}
			return false
		},
		"hasDay": func(xs []int, x int) bool {
			for _, y := range xs {
				if y == x {
					return true
				}
			}
			return false
		},
		"skillArgs": func(skills []string, errs map[string]string) map[string]any {
			return map[string]any{"Skills": skills, "Errors": errs}
		},
		"hasTeam": func(ts []volunteers.Team, id int64) bool {
			for _, t := range ts {
				if t.ID == id {
					return true
				}
			}
			return false
		},
	}
}

// Routes registers the pages.
func Routes(rt *web.Routes, k *web.Kit, d Deps) {
	if d.Joins == nil {
		d.Joins = services.NewLimiter(10, 20, 8, 30*time.Minute)
	}
	h := &handler{Deps: d, kit: k, tmpl: k.Templates(templateFS, funcs()), phone: parsePhone()}
	k.AddFlashes(map[string]string{"volunteer_saved": "志愿者信息已保存", "volunteer_hours_saved": "服务时长已记录",
		"volunteer_hours_reversed": "已冲销", "volunteer_record_saved": "已记录", "volunteer_team_saved": "服务队已建立",
		"volunteer_activity_saved": "活动已保存", "volunteer_shift_saved": "班次已添加", "volunteer_assigned": "已指派志愿者,并生成服务活动"})
	k.AddNav("volunteers", "志愿服务", "/volunteers", volunteers.PermManage)
	manage := access.Rule{Perm: volunteers.PermManage}
	view := access.Rule{Perm: volunteers.PermManage, Audit: audit.View}
	k.Handle(rt, "GET /volunteers", manage, h.list)
	k.Handle(rt, "GET /volunteers/new", manage, h.newForm)
	k.Handle(rt, "POST /volunteers/new", manage, h.create)
	k.Handle(rt, "POST /volunteers/teams", manage, h.createTeam)
	k.Handle(rt, "GET /volunteers/{vol}", view, h.volunteer)
	k.Handle(rt, "POST /volunteers/{vol}/edit", manage, h.edit)
	k.Handle(rt, "POST /volunteers/{vol}/hours", manage, h.recordHours)
	k.Handle(rt, "POST /volunteers/{vol}/hours/{row}/reverse", manage, h.reverse)
	k.Handle(rt, "POST /volunteers/{vol}/records", manage, h.addRecord)
	k.Handle(rt, "POST /volunteers/{vol}/key", manage, h.reissue)
	k.Handle(rt, "GET /volunteer-activities", manage, h.activities)
	k.Handle(rt, "GET /volunteer-activities/new", manage, h.activityForm)
	k.Handle(rt, "POST /volunteer-activities/new", manage, h.createActivity)
	k.Handle(rt, "GET /volunteer-activities/{act}", view, h.activity)
	k.Handle(rt, "POST /volunteer-activities/{act}/shifts", manage, h.addShift)
	k.Handle(rt, "GET /volunteer-needs", view, h.needs)
	k.Handle(rt, "POST /volunteer-needs/assign", manage, h.assign)

	// The volunteer's phone: public routes reading the volunteer's cookie.
	public := access.Rule{Public: true}
	for pattern, fn := range map[string]http.HandlerFunc{
		"GET /v/join":                   h.joinForm,
		"POST /v/join":                  h.join,
		"GET /v/key":                    h.key,
		"GET /v/me":                     h.me,
		"GET /v/shifts":                 h.openShifts,
		"POST /v/shifts/{shift}/signup": h.signUp,
		"POST /v/shifts/{shift}/cancel": h.cancel,
		"POST /v/shifts/{shift}/change": h.change,
		"GET /v/scan/{shift}":           h.scan,
		"POST /v/logout":                h.logout,
	} {
		rt.Handle(pattern, public, k.Recover(phoneHeaders(fn)))
	}
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

// staff is the viewer as volunteers' staff.
func staff(rq *web.Request) volunteers.Staff {
	sc := rq.Viewer.Scope(volunteers.PermManage)
	name := rq.User.DisplayName // the verifier's name on the volunteer's record
	if name == "" {
		name = rq.User.Name
	}
	return volunteers.Staff{UserID: rq.User.ID, Name: name,
		May: func(c int64) bool { return c != 0 && sc.Contains(access.Place{Community: c, Org: c}) }}
}

// community is ?org= (a community in the scope) or the viewer's first.
func (h *handler) community(r *http.Request, rq *web.Request) (orgtree.Unit, bool) {
	sc := rq.Viewer.Scope(volunteers.PermManage)
	id, _ := strconv.ParseInt(r.FormValue("org"), 10, 64)
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

// baseURL is the scheme and host residents reach the server at.
func (h *handler) baseURL(r *http.Request) string {
	if h.BaseURL != "" {
		return h.BaseURL
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
