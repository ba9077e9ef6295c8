package adminweb

import (
	"net/http"
	"net/url"
	"shequ/internal/web"
	"strconv"
	"strings"

	"shequ/internal/audit"
	"shequ/internal/register"
)

type auditData struct {
	F       audit.Filter
	Entries []audit.Entry
	Actions []web.Option
	NextURL string
	Error   string
}

// auditLog lets administrators and auditors query the audit log. Nothing
// on the page changes it: the log is append-only.
func (h *handler) auditLog(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	d := auditData{F: audit.Filter{UserName: strings.TrimSpace(q.Get("user")), Action: q.Get("action"),
		Entity: q.Get("entity"), From: q.Get("from"), To: q.Get("to"), Limit: 100}}
	for _, a := range []string{audit.Login, audit.LoginFailed, audit.LoginLocked, audit.Logout, audit.View, audit.Reveal,
		audit.Search, audit.Export, audit.Change, audit.Denied} {
		d.Actions = append(d.Actions, web.Option{Value: a, Label: audit.ActionNames[a]})
	}
	if _, ok := audit.ActionNames[d.F.Action]; !ok {
		d.F.Action = ""
	}
	if v := q.Get("entity_id"); v != "" {
		d.F.EntityID, _ = strconv.ParseInt(v, 10, 64)
	}
	d.F.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	for _, p := range []*string{&d.F.From, &d.F.To} {
		if *p == "" {
			continue
		}
		day, ok := register.ParseDate(*p)
		if !ok {
			d.Error = "日期应为 年-月-日,如 2026-11-01"
			*p = ""
			continue
		}
		*p = day
	}
	status := http.StatusOK
	if d.Error != "" {
		status = http.StatusUnprocessableEntity
	} else {
		var more bool
		var err error
		d.Entries, more, err = h.kit.Audit.Query(r.Context(), d.F)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		if more {
			v := url.Values{}
			for k, vs := range q {
				v[k] = vs
			}
			v.Set("before", strconv.FormatInt(d.Entries[len(d.Entries)-1].ID, 10))
			d.NextURL = "/audit?" + v.Encode()
		}
	}
	rq.Audit.Rows = len(d.Entries)
	h.tmpl.Render(w, r, status, "audit", web.NewPage(rq, "审计日志", "audit", d))
}
