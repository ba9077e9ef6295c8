package workaccessweb

import (
	"net/http"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// column is one unit's month on the dashboard.
type column struct {
	Name string
	B    *workaccess.Burden
}

type burdenData struct {
	Unit        orgtree.Unit
	Period      string
	Total       column
	Communities []column // side by side, for a unit of several communities
	Departments []workaccess.Line
	YearFrom    string
	Trend       trendChart
	CanRecord   bool // the community's staff, who record its work
}

var errNoUnit = fault.New(fault.NotFound, "组织单元不存在")

// burden is the dashboard of /work-burden?org=&period=: a community's or a
// street's month, the departments' arrears over the year so far and a
// year's trend of funds due and received.
func (h *handler) burden(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	period := q.Get("period")
	if period == "" {
		period = time.Now().In(workdays.Shanghai).Format("2006-01")
	}
	m, ok := workaccess.ParsePeriod(period)
	if !ok {
		h.kit.Fail(w, r, rq, fault.New(fault.Invalid, "月份应为 YYYY-MM"))
		return
	}
	id, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	if id == 0 {
		if cs := rq.Read().Communities(); len(cs) > 0 {
			id = cs[0]
		}
	}
	u, err := h.kit.Org.Get(ctx, id)
	if err != nil || !rq.Read().Contains(access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}) {
		h.kit.Fail(w, r, rq, errNoUnit)
		return
	}
	area, err := h.Work.AreaOf(ctx, u.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := burdenData{Unit: u, Period: period, YearFrom: m.Format("2006") + "-01",
		CanRecord: u.Level == orgtree.LevelCommunity && rq.Write().Contains(access.Place{Community: u.CommunityID, Org: u.ID})}
	if d.Total.B, err = h.Work.Burden(ctx, area, period); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d.Total.Name = u.Name
	if len(area.Communities) > 1 {
		cs, err := h.kit.Org.Descendants(ctx, u.ID, orgtree.LevelCommunity)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		for _, c := range cs {
			a, err := h.Work.AreaOf(ctx, c.ID)
			if err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			b, err := h.Work.Burden(ctx, a, period)
			if err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			d.Communities = append(d.Communities, column{Name: c.Name, B: b})
		}
	}
	lg, err := h.Work.Ledger(ctx, area, d.YearFrom, period)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Departments = lg.Departments
	var points []trendPoint
	for i := 11; i >= 0; i-- {
		p := m.AddDate(0, -i, 0).Format("2006-01")
		l, err := h.Work.Ledger(ctx, area, p, p)
		if err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
		points = append(points, trendPoint{Month: p, Due: l.DueFen, Received: l.ReceivedFen})
	}
	d.Trend = drawTrend(points)
	h.tmpl.Render(w, r, http.StatusOK, "burden", web.NewPage(rq, "社区负担 "+u.Name+" "+period, "workaccess", d))
}
