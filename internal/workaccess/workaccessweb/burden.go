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

type burdenData struct {
	Unit       orgtree.Unit
	B          *workaccess.Board
	Kinds      []workaccess.Label
	Jiangxi    int
	FundsTrend trendChart
	HoursTrend trendChart
	ItemsTrend trendChart
	CanRecord  bool // the community's staff, who record its work
}

var errNoUnit = fault.New(fault.NotFound, "组织单元不存在")

// burden is the dashboard of /work-burden?org=&period=: a community's or a
// street's month with its communities side by side, the departments'
// arrears over the year so far and a year's trend — one Board.
func (h *handler) burden(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	period := q.Get("period")
	if period == "" {
		period = time.Now().In(workdays.Shanghai).Format("2006-01")
	}
	if _, ok := workaccess.ParsePeriod(period); !ok {
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
	b, err := h.Work.Board(ctx, u.ID, period)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := burdenData{Unit: u, B: b, Kinds: workaccess.DemandKinds, Jiangxi: workaccess.JiangxiShare,
		CanRecord: u.Level == orgtree.LevelCommunity && rq.Write().Contains(access.Place{Community: u.CommunityID, Org: u.ID})}
	d.FundsTrend, d.HoursTrend, d.ItemsTrend = drawTrends(b.Trend)
	if len(b.Communities) < 2 {
		b.Communities = nil // one community is the month itself
	}
	h.tmpl.Render(w, r, http.StatusOK, "burden", web.NewPage(rq, "社区负担 "+u.Name+" "+period, "workaccess", d))
}
