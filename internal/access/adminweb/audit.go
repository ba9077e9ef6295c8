package adminweb

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/audit"
	"shequ/internal/register"
	"shequ/internal/sheets"
	"shequ/internal/web"
)

type auditData struct {
	F       audit.Filter
	Who     string // as typed: a user name or a display name
	Rows    []auditRow
	Actions []web.Option
	Kinds   []web.Option
	Export  string // the export of the entries the filters select
	NextURL string
	Error   string
}

// auditKinds are the kinds of record the page filters on.
var auditKinds = []string{"person", "household", "house", "building", "organisation", "unit", "event", "application",
	"certificate", "import", "conflict", "user", "role"}

// auditExportMax bounds one export of the log; a longer period is
// exported in parts.
const auditExportMax = 20000

// auditFilter reads the page's filters; a date it cannot read is told at
// the field.
func (h *handler) auditFilter(ctx context.Context, q url.Values) (audit.Filter, string, string) {
	who := strings.TrimSpace(q.Get("user"))
	f := audit.Filter{UserName: who, Action: q.Get("action"), Entity: q.Get("entity"), From: q.Get("from"), To: q.Get("to"), Limit: 100}
	if who != "" {
		// People know a colleague by name, the log by account.
		if users, err := h.Accounts.Users(ctx); err == nil {
			for _, u := range users {
				if u.DisplayName == who && u.Name != who {
					f.UserName = u.Name
				}
			}
		}
	}
	if _, ok := audit.ActionNames[f.Action]; !ok {
		f.Action = ""
	}
	if !slices.Contains(auditKinds, f.Entity) {
		f.Entity = ""
	}
	if v := q.Get("entity_id"); v != "" && f.Entity != "" {
		f.EntityID, _ = strconv.ParseInt(v, 10, 64)
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	var msg string
	for _, p := range []*string{&f.From, &f.To} {
		if *p == "" {
			continue
		}
		day, ok := register.ParseDate(*p)
		if !ok {
			msg = "日期应为 年-月-日,如 2026-11-01"
			*p = ""
			continue
		}
		*p = day
	}
	return f, who, msg
}

// filterWords says what an auditor asked the log for, for the log itself.
func (h *handler) filterWords(f audit.Filter, who string) string {
	var parts []string
	if who != "" {
		parts = append(parts, "用户 "+who)
	}
	if f.Action != "" {
		parts = append(parts, "操作 "+audit.ActionNames[f.Action])
	}
	if f.Entity != "" {
		p := "对象 " + h.kit.Label("entity", f.Entity)
		if f.EntityID != 0 {
			p += " " + strconv.FormatInt(f.EntityID, 10)
		}
		parts = append(parts, p)
	}
	if f.From != "" || f.To != "" {
		parts = append(parts, "时间 "+f.From+" 至 "+f.To)
	}
	return strings.Join(parts, ";")
}

// auditLog lets administrators and auditors query the audit log. Nothing
// on the page changes it: the log is append-only. Reading it is itself
// recorded, with the filters and the entries shown.
func (h *handler) auditLog(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	q := r.URL.Query()
	var d auditData
	d.F, d.Who, d.Error = h.auditFilter(r.Context(), q)
	for _, a := range []string{audit.Login, audit.LoginFailed, audit.LoginLocked, audit.Logout, audit.View, audit.Reveal,
		audit.Search, audit.Export, audit.Change, audit.Denied, audit.TokenUsed} {
		d.Actions = append(d.Actions, web.Option{Value: a, Label: audit.ActionNames[a]})
	}
	for _, k := range auditKinds {
		d.Kinds = append(d.Kinds, web.Option{Value: k, Label: h.kit.Label("entity", k)})
	}
	rq.Audit.Detail = audit.SearchDetail("audit", h.filterWords(d.F, d.Who))
	status := http.StatusOK
	if d.Error != "" {
		status = http.StatusUnprocessableEntity
	} else {
		es, more, err := h.kit.Audit.Query(r.Context(), d.F)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		if d.Rows, err = h.describe(r.Context(), es); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		rq.Audit.Rows = len(es)
		v := url.Values{}
		for k, vs := range q {
			if k != "before" {
				v[k] = vs
			}
		}
		d.Export = "/audit/export?" + v.Encode()
		if more {
			v.Set("before", strconv.FormatInt(es[len(es)-1].ID, 10))
			d.NextURL = "/audit?" + v.Encode()
		}
	}
	h.tmpl.Render(w, r, status, "audit", web.NewPage(rq, "审计日志", "audit", d))
}

// auditExport sends the entries the filters select as a workbook, in the
// page's words. The export is recorded before it goes out.
func (h *handler) auditExport(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	f, who, msg := h.auditFilter(ctx, r.URL.Query())
	if msg != "" {
		h.kit.ErrorMessage(w, r, rq, http.StatusUnprocessableEntity, "无法导出", "", "无法导出", msg)
		return
	}
	f.Limit, f.Before = 500, 0
	var es []audit.Entry
	for len(es) < auditExportMax {
		page, more, err := h.kit.Audit.Query(ctx, f)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		es = append(es, page...)
		if !more || len(page) == 0 {
			break
		}
		f.Before = page[len(page)-1].ID
	}
	if len(es) > auditExportMax {
		es = es[:auditExportMax]
	}
	rows, err := h.describe(ctx, es)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	if err := h.kit.Audit.RecordNow(ctx, audit.Entry{UserID: rq.User.ID, UserName: rq.User.Name, Addr: web.ClientAddr(r),
		Action: audit.Export, Route: "GET /audit/export", Status: http.StatusOK, Rows: len(rows),
		Detail: audit.SearchDetail("audit", h.filterWords(f, who))}); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", sheets.ContentType("xlsx"))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"audit.xlsx\"; filename*=UTF-8''%s",
		url.PathEscape("审计日志.xlsx")))
	sw, err := sheets.NewWriter(w, "xlsx", "审计日志")
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	sw.WriteRow([]string{"时间", "用户", "角色", "地址", "操作", "结果", "对象", "内容", "条数"})
	for _, x := range rows {
		result := x.Outcome
		if result == "" {
			result = "已办理"
		}
		sw.WriteRow([]string{x.At, x.Who, x.Roles, x.Addr, x.Did, result, x.Record, x.Detail, x.Rows})
	}
	if err := sw.Close(); err != nil {
		h.kit.Log.Error("audit export", "err", err)
	}
}
