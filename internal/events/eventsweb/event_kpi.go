package eventsweb

import (
	"net/http"

	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workdays"
)

// The KPI page (考核): rates by department, grid, community, category or
// month over a period, with bar charts and the monthly trend.

type eventKPIData struct {
	Unit     orgtree.Unit
	From, To string
	By       string
	Bys      []web.Option
	Rows     []events.KPIRow
	Total    events.KPIRow
	Charts   []barChart
	Trend    barChart
	Error    string
}

var kpiGroupings = []web.Option{{Value: events.ByDepartment, Label: "按部门"}, {Value: events.ByGrid, Label: "按网格"},
	{Value: events.ByCommunity, Label: "按社区"}, {Value: events.ByCategory, Label: "按大类"}, {Value: events.ByMonth, Label: "按月份"}}

func (h *handler) eventKPI(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	now := h.Events.Now().In(workdays.Shanghai)
	d := eventKPIData{By: q.Get("by"), From: q.Get("from"), To: q.Get("to"), Bys: kpiGroupings}
	if d.By == "" {
		d.By = events.ByDepartment
	}
	valid := false
	for _, b := range d.Bys {
		valid = valid || b.Value == d.By
	}
	if !valid {
		h.kit.ErrorPage(w, r, rq, http.StatusBadRequest)
		return
	}
	from := now.AddDate(0, 0, -89)
	if d.From == "" {
		d.From = from.Format("2006-01-02")
	}
	if d.To == "" {
		d.To = now.Format("2006-01-02")
	}
	f, err1 := workdays.ParseDate(d.From)
	t, err2 := workdays.ParseDate(d.To)
	status := http.StatusOK
	if err1 != nil || err2 != nil || t.Before(f) {
		d.Error, status = "日期应为 年-月-日,且结束不早于开始", http.StatusUnprocessableEntity
		f, t = from, now
	}
	kq := events.KPIQuery{From: f, To: t.AddDate(0, 0, 1), By: d.By}
	if _, ok := web.QueryID(r, "org"); ok || q.Has("org") {
		unit, err := h.eventUnit(ctx, r, rq)
		if err != nil {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
		d.Unit, kq.Unit = unit, unit.ID
	}
	rows, err := h.Events.KPIs(ctx, rq.Viewer, kq)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	total, err := h.Events.KPIs(ctx, rq.Viewer, events.KPIQuery{From: kq.From, To: kq.To, Unit: kq.Unit})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Rows = rows
	if len(total) == 1 {
		d.Total = total[0]
	}
	d.Charts = []barChart{
		rateChart("按期处置率", rows, events.KPIRow.OnTimeRate, "#1a7f37"),
		rateChart("结案率", rows, events.KPIRow.ClosureRate, "#0b57d0"),
		rateChart("满意率", rows, events.KPIRow.Satisfaction, "#8250df"),
		rateChart("返工率", rows, events.KPIRow.ReworkRate, "#b3261e"),
	}
	monthly, err := h.Events.KPIs(ctx, rq.Viewer, events.KPIQuery{From: kq.From, To: kq.To, Unit: kq.Unit, By: events.ByMonth})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Trend = countChart("每月上报与结案", monthly)
	rq.Audit.Rows = len(rows)
	h.tmpl.Render(w, r, status, "events_kpi", web.NewPage(rq, "事件考核", "events", d))
}
