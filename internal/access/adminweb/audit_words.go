package adminweb

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/events"
	"shequ/internal/register"
)

// The audit log keeps what happened as data — action codes, routes,
// statuses, ids; this file puts each entry into the words an auditor reads:
// who (name and role), did what, to which record (its name, masked where
// it is personal), when, from where.

// auditRow is one entry as the page and the export show it.
type auditRow struct {
	At      string // local time
	Who     string
	Roles   string
	Addr    string
	Did     string
	Outcome string // why it did not happen; "" when it did
	Record  string
	Link    string // the record's page, for kinds that have one
	Detail  string
	Rows    string // "" when the entry is not of a list
}

// outcomes say why a request was not carried out, by its status.
var outcomes = map[int]string{
	400: "请求有误,未办理",
	401: "未登录或会话已失效",
	403: "无此权限",
	404: "记录不存在或不在权限范围内",
	409: "与他人的修改冲突,未保存",
	413: "内容过大,未办理",
	422: "填写有误,未保存",
	429: "次数过多,已被限制",
}

// searchKinds name what a search looked through.
var searchKinds = map[string]string{
	"persons":             "人员",
	"households":          "户",
	"organisations":       "单位",
	"intake persons":      "受理时查找人员",
	"intake households":   "受理时查找户",
	"certificate persons": "开证明时查找人员",
	"tracking":            "受理编号",
	"open311":             "Open311 查询条件",
	"events":              "事件",
	"applications":        "办件队列",
	"audit":               "审计日志",
}

// eventActRoutes carry the step taken as their detail.
var eventActRoutes = map[string]bool{
	"POST /events/{id}/act": true, "POST /events/tasks/{id}/act": true,
	"POST /api/v1/events/{id}/actions": true, "POST /api/v1/tasks/{id}/actions": true,
}

// did says what an entry's request did.
func did(e audit.Entry) string {
	phrase, ok := audit.Phrase(e.Route)
	switch e.Action {
	case audit.Login, audit.LoginFailed, audit.LoginLocked, audit.Logout:
		return audit.ActionNames[e.Action]
	case audit.TokenUsed, audit.Denied:
		if ok {
			return audit.ActionNames[e.Action] + ":" + phrase
		}
		return audit.ActionNames[e.Action]
	}
	if ok {
		return phrase
	}
	if n, ok := audit.ActionNames[e.Action]; ok {
		return n
	}
	return "其他操作"
}

func outcome(status int) string {
	if status < 400 {
		return ""
	}
	if o, ok := outcomes[status]; ok {
		return o
	}
	if status >= 500 {
		return "系统出错,未办理"
	}
	return "未办理"
}

// detailWords puts an entry's detail into words: a search's term under
// what was searched, a step of an event by its name, the codes some
// entries note under their Chinese names.
func (h *handler) detailWords(e audit.Entry, roles map[string]string) string {
	d := e.Detail
	if eventActRoutes[e.Route] {
		if n, ok := events.ActionNames[d]; ok {
			return n
		}
	}
	if what, term, ok := strings.Cut(d, ": "); ok {
		if k, ok := searchKinds[what]; ok {
			if what == "applications" {
				term = h.kit.Label("svclevel", term)
			}
			if term == "" {
				term = "(未填写,列出全部)"
			}
			return k + ":" + term
		}
	}
	for prefix, words := range map[string]string{"report ledger ": "报表台账 ", "report template ": "报表模板 ",
		"indicator ": "指标 ", "since=": "自变更序号 ", "feed cursor=": "自推送位置 "} {
		if rest, ok := strings.CutPrefix(d, prefix); ok {
			return words + rest
		}
	}
	for _, prefix := range []string{"授权 ", "角色 "} {
		if code, ok := strings.CutPrefix(d, prefix); ok && roles[code] != "" {
			return prefix + roles[code]
		}
	}
	if kind, date, ok := strings.Cut(d, "@"); ok && register.EntityLabel(kind) != kind {
		return register.EntityLabel(kind) + ",截至 " + date
	}
	return d
}

// maskName keeps a person's family name: 张**.
func maskName(n string) string {
	r := []rune(n)
	if len(r) <= 1 {
		return n
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// describe puts entries into words, naming their users and records.
func (h *handler) describe(ctx context.Context, es []audit.Entry) ([]auditRow, error) {
	type who struct{ name, roles string }
	users := map[int64]who{}
	ids := map[string][]int64{}
	for _, e := range es {
		if e.UserID != 0 {
			users[e.UserID] = who{}
		}
		if e.Entity != "" && e.EntityID != 0 {
			ids[e.Entity] = append(ids[e.Entity], e.EntityID)
		}
	}
	for id := range users {
		u, err := h.Accounts.User(ctx, id)
		if err != nil {
			continue // an account since removed: the log's name stands
		}
		w := who{name: u.Name}
		if u.DisplayName != "" && u.DisplayName != u.Name {
			w.name = u.DisplayName + "(" + u.Name + ")"
		}
		gs, err := h.Access.Grants(ctx, id)
		if err != nil {
			return nil, err
		}
		var roles []string
		for _, g := range gs {
			if g.RoleName != "" && !slices.Contains(roles, g.RoleName) {
				roles = append(roles, g.RoleName)
			}
		}
		w.roles = strings.Join(roles, "、")
		users[id] = w
	}
	names, err := h.recordNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	rs, err := h.Access.Roles(ctx)
	if err != nil {
		return nil, err
	}
	roles := map[string]string{}
	for _, ro := range rs {
		roles[ro.Code] = ro.Name
	}
	out := make([]auditRow, 0, len(es))
	for _, e := range es {
		r := auditRow{At: h.kit.When(e.At), Addr: e.Addr, Did: did(e), Outcome: outcome(e.Status), Detail: h.detailWords(e, roles)}
		switch w, ok := users[e.UserID]; {
		case ok && w.name != "":
			r.Who, r.Roles = w.name, w.roles
		case e.UserName != "":
			r.Who = e.UserName
			if e.UserID == 0 {
				r.Who += "(未登录)"
			}
		default:
			r.Who = "未登录的访问者"
		}
		if e.Entity != "" {
			r.Record = h.kit.Label("entity", e.Entity)
			if n := names[e.Entity][e.EntityID]; n != "" {
				r.Record += " " + n
			} else if e.EntityID != 0 {
				r.Record += "(编号 " + strconv.FormatInt(e.EntityID, 10) + ")"
			}
			if e.EntityID != 0 && recordPages[e.Entity] != "" {
				r.Link = recordPages[e.Entity] + strconv.FormatInt(e.EntityID, 10)
			}
		}
		if e.Rows >= 0 {
			r.Rows = strconv.Itoa(e.Rows)
		}
		out = append(out, r)
	}
	return out, nil
}

// recordPages are where a record of each kind is read, for a link.
var recordPages = map[string]string{"person": "/persons/", "household": "/households/", "house": "/houses/",
	"organisation": "/organisations/", "event": "/events/", "application": "/services/applications/"}

// recordNames names the records entries name, by kind then id. Persons
// are named masked: the auditor reads the log, not the register.
func (h *handler) recordNames(ctx context.Context, ids map[string][]int64) (map[string]map[int64]string, error) {
	out := map[string]map[int64]string{}
	namers := h.kit.RecordNamers()
	for kind, list := range ids {
		m := map[int64]string{}
		var err error
		switch kind {
		case "person":
			m, err = h.Register.PersonNames(ctx, access.Everything, list)
			for id, n := range m {
				m[id] = maskName(n)
			}
		case "organisation":
			m, err = h.Register.OrganisationNames(ctx, list)
		case "household":
			for _, id := range list {
				if hh, err := h.Register.Household(ctx, access.Everything, id); err == nil {
					m[id] = hh.Number
				}
			}
		case "house":
			for _, id := range list {
				if ho, err := h.Register.House(ctx, access.Everything, id); err == nil {
					m[id] = ho.Number
				}
			}
		case "building", "unit":
			for _, id := range list {
				if u, err := h.kit.Org.Get(ctx, id); err == nil {
					m[id] = u.Name
				}
			}
		case "user":
			for _, id := range list {
				if u, err := h.Accounts.User(ctx, id); err == nil {
					m[id] = u.Name
				}
			}
		default:
			if fn := namers[kind]; fn != nil {
				m, err = fn(ctx, list)
			}
		}
		if err != nil {
			return nil, err
		}
		out[kind] = m
	}
	return out, nil
}
