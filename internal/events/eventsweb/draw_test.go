package eventsweb

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// The events map: labels drawn from computed boxes never overlap each
// other, stay in their grid, and are not covered by dots (drawn after
// them); every dot takes a tap 44 px across on a phone; the legend reads
// as ranges.
func TestEventMapDrawing(t *testing.T) {
	var grids []orgtree.Unit
	counts := map[int64]events.GridCount{}
	var open []*events.Event
	// 19 grids of a community in strips of uneven width, as the demo lays
	// them out, with the busiest grid's events clustered at its centre.
	lon := 109.0
	for i := 1; i <= 19; i++ {
		w := 0.0015 + 0.0005*float64(i%4)
		g := orgtree.Unit{ID: int64(i), Level: "grid", Name: "第" + strconv.Itoa(i) + "网格",
			Boundary: fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,36],[%g,36],[%g,36.006],[%g,36.006],[%g,36]]]}`, lon, lon+w, lon+w, lon, lon)}
		grids = append(grids, g)
		counts[g.ID] = events.GridCount{Open: i * 3, Overdue: i % 3}
		for j := 0; j < i; j++ {
			la, lo := 36.003+0.0001*float64(j%3), lon+w/2
			open = append(open, &events.Event{ID: int64(100*i + j), CommunityID: 1, GridID: g.ID, Lat: &la, Lon: &lo, Title: "x"})
		}
		lon += w
	}
	orgtree.Sort(grids)
	rq := &web.Request{Viewer: access.System}
	var d eventMapData
	drawEventMap(&d, grids, counts, open, time.Now(), rq)
	if len(d.Grids) != 19 || len(d.Points) != len(open) {
		t.Fatalf("%d grids, %d points drawn", len(d.Grids), len(d.Points))
	}
	labelled := 0
	for i, g := range d.Grids {
		if g.FontSize == 0 {
			continue // too narrow for any label
		}
		labelled++
		if g.FontSize < 8 {
			t.Errorf("%s: label at %v", g.Unit.Name, g.FontSize)
		}
		for _, o := range d.Grids[i+1:] {
			if g.Label.Overlaps(o.Label) {
				t.Errorf("the labels of %s %+v and %s %+v overlap", g.Unit.Name, g.Label, o.Unit.Name, o.Label)
			}
		}
	}
	if labelled < 15 {
		t.Errorf("only %d of 19 grids labelled", labelled)
	}
	// Each label within its grid's box.
	m := web.DrawGrids(boundariesOf(grids))
	for i, g := range d.Grids {
		if g.FontSize == 0 {
			continue
		}
		sh := m.Shapes[i]
		cell := web.Box{X: sh.X - sh.W/2, Y: sh.Y - sh.H/2, W: sh.W, H: sh.H}
		if !g.Label.Inside(cell) {
			t.Errorf("%s: label %+v outside its grid %+v", g.Unit.Name, g.Label, cell)
		}
	}
	// 44 px across at the width the map has on a 360 px phone (321 px,
	// measured in Chromium), and so on a 375 px one.
	for _, p := range d.Points {
		if px := 2 * p.HitR * 321 / d.Width; px < 44 {
			t.Fatalf("a dot takes taps %.0f px across", px)
		}
	}
	want := []string{"1–20件", "21–40件", "41–60件", "无在办事件"}
	if len(d.Legend) != len(want) {
		t.Fatalf("legend %+v", d.Legend)
	}
	for i, w := range want {
		if d.Legend[i].Label != w {
			t.Errorf("legend %d: %q, want %q", i, d.Legend[i].Label, w)
		}
	}
}

func boundariesOf(us []orgtree.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Boundary
	}
	return out
}

// The KPI charts' labels and values lie inside the picture, however long
// the groups' names.
func TestChartTextInside(t *testing.T) {
	rows := []events.KPIRow{{Label: "城管"}, {Label: "真武洞街道城北社区第十九网格"}, {Label: "公用设施/路灯不亮"},
		{Label: "Water 水务 (district)"}, {Label: ""}}
	for i := range rows {
		rows[i].Reported, rows[i].Closed = 1000*i+7, 999*i
	}
	check := func(name string, c barChart, trend bool) {
		t.Helper()
		picture := web.Box{W: c.Width, H: c.Height}
		for _, b := range c.textBoxes(trend) {
			if !b.Inside(picture) {
				t.Errorf("%s: text at %+v outside the picture %+v", name, b, picture)
			}
		}
	}
	check("rates", rateChart("按期处置率", rows, events.KPIRow.OnTimeRate, "#1a7f37"), false)
	months := []events.KPIRow{{Label: "2026-01", Reported: 12345, Closed: 3}, {Label: "2026-02", Reported: 1, Closed: 1}}
	check("months", countChart("每月", months), true)
	// The widest label is what sizes the label column.
	c := rateChart("t", rows, events.KPIRow.OnTimeRate, "#000")
	if w := web.TextWidth(rows[1].Label, rateFont); c.Bars[1].LabelX-w < 0 {
		t.Errorf("the longest label starts at %.0f", c.Bars[1].LabelX-w)
	}
}
