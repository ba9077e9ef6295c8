package eventsweb

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/events"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// The map of open events by grid, drawn as SVG on the server from the
// grids' GeoJSON boundaries: no script, no tiles, a few kilobytes.

type eventMapGrid struct {
	Unit               orgtree.Unit
	Path               string
	Fill, TextFill     string
	Stroke             string
	StrokeWidth        float64
	X, Y, FontSize     float64
	NameShown          bool
	Label              web.Box // where the label is drawn
	Open, Overdue, Red int
}

type eventPoint struct {
	X, Y    float64
	HitR    float64 // the radius that takes a tap, larger than the dot
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
	Legend        []web.LegendItem
	Outside       events.GridCount // open events in no grid
	TotalOpen     int
	TotalOverdue  int
}

// eventUnit is the unit an events page starts from: ?org=, or the one unit
// the viewer's events.read scope is bound to, or the top of the tree.
func (h *handler) eventUnit(ctx context.Context, r *http.Request, rq *web.Request) (orgtree.Unit, error) {
	if id, ok := web.QueryID(r, "org"); ok {
		u, err := h.Org.Get(ctx, id)
		if err != nil {
			return u, events.ErrNotFound
		}
		sc := rq.Viewer.Scope(events.PermRead)
		if !sc.Whole() && !sc.Contains(web.UnitPlace(u)) && !h.unitAbove(ctx, sc.Units(), u.ID) {
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

func (h *handler) eventMap(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	unit, err := h.eventUnit(ctx, r, rq)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	counts, err := h.Events.GridCounts(ctx, rq.Viewer, unit.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	var grids []orgtree.Unit
	if unit.Level == orgtree.LevelGrid {
		grids = []orgtree.Unit{unit}
	} else if grids, err = h.Org.Descendants(ctx, unit.ID, orgtree.LevelGrid); err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	orgtree.Sort(grids)
	open, _, err := h.Events.List(ctx, rq.Viewer, events.Filter{Unit: unit.ID, Open: true, Limit: 500})
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := eventMapData{Unit: unit, Outside: counts[0]}
	for _, c := range counts {
		d.TotalOpen += c.Open
		d.TotalOverdue += c.Overdue
	}
	drawEventMap(&d, grids, counts, open, h.Events.Now(), rq)
	h.tmpl.Render(w, r, http.StatusOK, "events_map", web.NewPage(rq, unit.Name+"事件地图", "events", d))
}

// drawEventMap colours each grid by its open events, outlines grids with
// overdue ones, and places the open events that have a position.
func drawEventMap(d *eventMapData, grids []orgtree.Unit, counts map[int64]events.GridCount, open []*events.Event, now time.Time, rq *web.Request) {
	maxOpen := 0
	boundaries := make([]string, len(grids))
	for i, g := range grids {
		maxOpen = max(maxOpen, counts[g.ID].Open)
		boundaries[i] = g.Boundary
	}
	step := web.NiceStep(maxOpen)
	m := web.DrawGrids(boundaries)
	d.Width, d.Height = m.Width, m.Height
	for i, g := range grids {
		c := counts[g.ID]
		mg := eventMapGrid{Unit: g, Open: c.Open, Overdue: c.Overdue, Red: c.Red, Stroke: "#ffffff", StrokeWidth: 3}
		mg.Fill, mg.TextFill = web.MapFill(c.Open, step)
		if c.Overdue > 0 {
			mg.Stroke, mg.StrokeWidth = "#b3261e", 6
		}
		d.All = append(d.All, mg)
		if sh := m.Shapes[i]; sh != nil {
			mg.Path, mg.X, mg.Y = sh.Path, sh.X, sh.Y
			count := countLine(c)
			mg.FontSize, mg.NameShown = web.LabelSize(g.Name, count, sh.W, sh.H)
			if mg.NameShown {
				mg.Label = web.LabelBox(mg.X, mg.Y, mg.FontSize, g.Name, count)
			} else {
				mg.Label = countBox(mg.X, mg.Y, mg.FontSize, count)
			}
			// A grid too narrow even for its count at the smallest size
			// goes unlabelled rather than spilling onto its neighbours;
			// the table below names every grid.
			if !mg.Label.Inside(web.Box{X: sh.X - sh.W/2, Y: sh.Y - sh.H/2, W: sh.W, H: sh.H}) {
				mg.FontSize, mg.Label = 0, web.Box{}
			}
			d.Grids = append(d.Grids, mg)
		}
	}
	d.Legend = web.MapLegend(maxOpen, step, "件", "无在办事件")
	for _, e := range open {
		if e.Lat == nil {
			continue
		}
		if x, y, ok := m.Point(*e.Lon, *e.Lat); ok {
			d.Points = append(d.Points, eventPoint{X: x, Y: y, HitR: hitRadius(d.Width), Href: eventBase(rq.Viewer, e),
				Title: e.Title + " " + e.TrackingNo, Overdue: e.Overdue(now)})
		}
	}
}

// countLine is a grid label's second line: its open events and how many
// are overdue.
func countLine(c events.GridCount) string {
	s := strconv.Itoa(c.Open) + "件"
	if c.Overdue > 0 {
		s += "·超" + strconv.Itoa(c.Overdue)
	}
	return s
}

// countBox is the box of a label that shows only the count, centred on its
// line (dy 0.35em).
func countBox(x, y, size float64, count string) web.Box {
	w := web.TextWidth(count, size)
	return web.Box{X: x - w/2, Y: y + 0.35*size - 0.88*size, W: w, H: size}
}

// mapOnPhone is how wide the map is drawn on a phone: a 375 px screen
// less the page's and the figure's padding and border is 336 px, a 360 px
// one's 321 px; 300 leaves room for a scroll bar and a 320 px screen.
const mapOnPhone = 300.0

// hitRadius is the radius, in the map's units, of the circle that takes a
// tap on an event: 44 px across on a phone (the smallest target a finger
// hits reliably), whatever the dot's drawn size.
func hitRadius(width float64) float64 {
	if width <= 0 {
		return 0
	}
	return math.Ceil(22 * width / mapOnPhone)
}
