package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// The map of open events by grid and the KPI page with its charts, drawn
// as SVG on the server: no script, no tiles, a few kilobytes.

type eventMapGrid struct {
	Unit               orgtree.Unit
	Path               string
	Fill, TextFill     string
	Stroke             string
	StrokeWidth        float64
	X, Y, FontSize     float64
	Open, Overdue, Red int
}

type eventPoint struct {
	X, Y    float64
	Href    string
	Title   string
	Overdue bool
}

type eventMapData struct {
	Unit          orgtree.Unit
	Width, Height float64
	Grids         []eventMapGrid
	All           []eventMapGrid
	Points        []eventPoint
	Legend        []LegendItem
	Outside       events.GridCount // open events in no grid
	TotalOpen     int
	TotalOverdue  int
}

// eventUnit is the unit an events page starts from: ?org=, or the one unit
// the viewer's events.read scope is bound to, or the top of the tree.
func (h *handler) eventUnit(ctx context.Context, r *http.Request, rq *Request) (orgtree.Unit, error) {
	if id, ok := QueryID(r, "org"); ok {
		u, err := h.Org.Get(ctx, id)
		if err != nil {
			return u, events.ErrNotFound
		}
		sc := rq.Viewer.Scope(events.PermRead)
		if !sc.Whole() && !sc.Contains(UnitPlace(u)) && !h.unitAbove(ctx, sc.Units(), u.ID) {
			return u, events.ErrNotFound
		}
		return u, nil
	} else if r.URL.Query().Has("org") {
		return orgtree.Unit{}, events.ErrNotFound
	}
	if units := rq.Viewer.Scope(events.PermRead).Units(); len(units) == 1 {
		return h.Org.Get(ctx, units[0])
	}
	roots, err := h.Org.Roots(ctx)
	if err != nil || len(roots) == 0 {
		return orgtree.Unit{}, err
	}
	return roots[0], nil
}

// unitAbove reports whether u lies within one of the units (a street
// operator looking at their street).
func (h *handler) unitAbove(ctx context.Context, units []int64, u int64) bool {
	for _, a := range units {
		if ok, _ := h.Org.IsWithin(ctx, u, a); ok {
			return true
		}
	}
	return false
}

func (h *handler) eventMap(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	unit, err := h.eventUnit(ctx, r, rq)
	if errors.Is(err, events.ErrNotFound) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	counts, err := h.Events.GridCounts(ctx, rq.Viewer, unit.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	var grids []orgtree.Unit
	if unit.Level == orgtree.LevelGrid {
		grids = []orgtree.Unit{unit}
	} else if grids, err = h.Org.Descendants(ctx, unit.ID, orgtree.LevelGrid); err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	orgtree.Sort(grids)
	open, _, err := h.Events.List(ctx, rq.Viewer, events.Filter{Unit: unit.ID, Open: true, Limit: 500})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d := eventMapData{Unit: unit, Outside: counts[0]}
	for _, c := range counts {
		d.TotalOpen += c.Open
		d.TotalOverdue += c.Overdue
	}
	drawEventMap(&d, grids, counts, open, h.Events.Now(), rq)
	h.tmpl.Render(w, r, http.StatusOK, "events_map", NewPage(rq, unit.Name+"事件地图", "events", d))
}

func drawEventMap(d *eventMapData, grids []orgtree.Unit, counts map[int64]events.GridCount, open []*events.Event, now time.Time, rq *Request) {
	maxOpen := 0
	for _, g := range grids {
		maxOpen = max(maxOpen, counts[g.ID].Open)
	}
	step := NiceStep(maxOpen)
	type parsed struct {
		i   int
		geo orgtree.Geometry
	}
	var drawn []parsed
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, g := range grids {
		c := counts[g.ID]
		mg := eventMapGrid{Unit: g, Open: c.Open, Overdue: c.Overdue, Red: c.Red, Fill: MapEmptyFill, TextFill: "#222",
			Stroke: "#ffffff", StrokeWidth: 3}
		if c.Open > 0 {
			k := min((c.Open-1)/step, len(MapScale)-1)
			mg.Fill, mg.TextFill = MapScale[k].Fill, MapScale[k].Text
		}
		if c.Overdue > 0 {
			mg.Stroke, mg.StrokeWidth = "#b3261e", 6
		}
		d.All = append(d.All, mg)
		geo, err := orgtree.ParseGeometry(g.Boundary)
		if g.Boundary == "" || err != nil {
			continue
		}
		a, b, cc, e := geo.Bounds()
		minX, minY, maxX, maxY = math.Min(minX, a), math.Min(minY, b), math.Max(maxX, cc), math.Max(maxY, e)
		drawn = append(drawn, parsed{len(d.All) - 1, geo})
	}
	if maxOpen > 0 {
		for c := range MapScale {
			from, to := c*step+1, (c+1)*step
			if from > maxOpen {
				break
			}
			d.Legend = append(d.Legend, LegendItem{MapScale[c].Fill, strconv.Itoa(from) + "–" + strconv.Itoa(to) + "件"})
		}
	}
	d.Legend = append(d.Legend, LegendItem{MapEmptyFill, "无在办事件"})
	if len(drawn) == 0 {
		return
	}
	p := orgtree.NewProjection(minX, minY, maxX, maxY, MapWidth)
	d.Width, d.Height = p.Width, math.Ceil(p.Height)
	for _, x := range drawn {
		mg := d.All[x.i]
		mg.Path = p.SVGPath(x.geo)
		a, b, c, e := x.geo.Bounds()
		x0, y0 := p.Point(a, e)
		x1, y1 := p.Point(c, b)
		mg.X, mg.Y = (x0+x1)/2, (y0+y1)/2
		mg.FontSize, _ = LabelSize(mg.Unit.Name, strconv.Itoa(mg.Open)+"件", x1-x0, y1-y0)
		d.Grids = append(d.Grids, mg)
	}
	for _, e := range open {
		if e.Lat == nil || *e.Lon < minX || *e.Lon > maxX || *e.Lat < minY || *e.Lat > maxY {
			continue
		}
		x, y := p.Point(*e.Lon, *e.Lat)
		d.Points = append(d.Points, eventPoint{X: x, Y: y, Href: eventBase(rq.Viewer, e), Title: e.Title + " " + e.TrackingNo,
			Overdue: e.Overdue(now)})
	}
}

// KPIs ------------------------------------------------------------------

type bar struct {
	Label, Text    string
	X, Y, W, H     float64
	LabelX, LabelY float64
	Fill           string
}

type barChart struct {
	Title         string
	Width, Height float64
	Full          float64 // the width of a 100 % bar
	Bars          []bar
}

type eventKPIData struct {
	Unit     orgtree.Unit
	From, To string
	By       string
	Bys      []Option
	Rows     []events.KPIRow
	Total    events.KPIRow
	Charts   []barChart
	Trend    barChart
	Error    string
}

func (h *handler) eventKPI(w http.ResponseWriter, r *http.Request, rq *Request) {
	ctx := r.Context()
	q := r.URL.Query()
	now := h.Events.Now().In(workdays.Shanghai)
	d := eventKPIData{By: q.Get("by"), From: q.Get("from"), To: q.Get("to")}
	if d.By == "" {
		d.By = events.ByDepartment
	}
	for _, b := range []Option{{events.ByDepartment, "按部门"}, {events.ByGrid, "按网格"}, {events.ByCommunity, "按社区"},
		{events.ByCategory, "按大类"}, {events.ByMonth, "按月份"}} {
		d.Bys = append(d.Bys, b)
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
	if _, ok := QueryID(r, "org"); ok || q.Has("org") {
		unit, err := h.eventUnit(ctx, r, rq)
		if err != nil {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
		d.Unit, kq.Unit = unit, unit.ID
	}
	rows, err := h.Events.KPIs(ctx, rq.Viewer, kq)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	total, err := h.Events.KPIs(ctx, rq.Viewer, events.KPIQuery{From: kq.From, To: kq.To, Unit: kq.Unit})
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
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
		h.kit.ServerError(w, r, rq, err)
		return
	}
	d.Trend = countChart("每月上报与结案", monthly)
	rq.Audit.Rows = len(rows)
	h.tmpl.Render(w, r, status, "events_kpi", NewPage(rq, "事件考核", "events", d))
}

// rateChart draws one rate per group as horizontal bars from 0 to 100 %.
func rateChart(title string, rows []events.KPIRow, rate func(events.KPIRow) float64, fill string) barChart {
	// Narrow enough that a phone shows the labels at a readable size.
	const labelW, barW, rowH = 120.0, 230.0, 34.0
	c := barChart{Title: title, Width: labelW + barW + 72, Height: math.Max(rowH, float64(len(rows))*rowH) + 6, Full: barW}
	for i, r := range rows {
		v := rate(r)
		y := float64(i)*rowH + 4
		c.Bars = append(c.Bars, bar{Label: r.Label, Text: strconv.FormatFloat(v*100, 'f', 1, 64) + "%",
			X: labelW, Y: y, W: math.Max(1, v*barW), H: rowH - 8, LabelX: labelW - 8, LabelY: y + rowH/2, Fill: fill})
	}
	return c
}

// countChart draws reported and closed events per month as pairs of
// vertical bars.
func countChart(title string, rows []events.KPIRow) barChart {
	const colW, plotH, base = 56.0, 180.0, 210.0
	c := barChart{Title: title, Width: math.Max(300, float64(len(rows))*colW+40), Height: base + 30}
	top := 1
	for _, r := range rows {
		top = max(top, r.Reported)
	}
	for i, r := range rows {
		x := 30 + float64(i)*colW
		for j, v := range []int{r.Reported, r.Closed} {
			h := float64(v) / float64(top) * plotH
			fill := "#0b57d0"
			if j == 1 {
				fill = "#1a7f37"
			}
			label := r.Label
			if j == 1 {
				label = ""
			}
			c.Bars = append(c.Bars, bar{Label: label, Text: strconv.Itoa(v), X: x + float64(j)*20, Y: base - h,
				W: 18, H: math.Max(h, 0.5), LabelX: x + 19, LabelY: base + 18, Fill: fill})
		}
	}
	return c
}
