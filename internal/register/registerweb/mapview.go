package registerweb

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"

	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

// The grid map is an SVG drawn on the server from the grids' GeoJSON
// boundaries: no tiles from the internet, no script, a few kilobytes. Each
// grid is a link to its page, filled by how many households it holds.

type mapGrid struct {
	Unit       orgtree.Unit
	Path       string
	Fill       string
	TextFill   string
	X, Y       float64 // label centre
	FontSize   float64
	NameShown  bool
	Households int
	Persons    int
}

type mapData struct {
	Unit    orgtree.Unit
	Width   float64
	Height  float64
	Grids   []mapGrid // drawn
	Missing []mapGrid // without a usable boundary
	All     []mapGrid // every grid, for the table under the map
	Legend  []web.LegendItem
	Below   bool // the unit lies below the grids (a building): nothing to draw
}

func (h *handler) mapView(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	ctx := r.Context()
	id, ok := web.QueryID(r, "org")
	if !ok {
		if r.URL.Query().Has("org") {
			h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
			return
		}
		// No unit asked for: the user's own, or the top of the tree.
		if rq.Home != nil {
			id = rq.Home.ID
		} else {
			roots, err := h.Org.Roots(ctx)
			if err != nil {
				h.kit.ServerError(w, r, rq, err)
				return
			}
			if len(roots) != 1 {
				orgtree.Sort(roots)
				h.tmpl.Render(w, r, http.StatusOK, "roots", web.NewPage(rq, "地图", "map", rootsData{Purpose: "map", Roots: roots}))
				return
			}
			id = roots[0].ID
		}
	}
	unit, err := h.Org.Get(ctx, id)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	if !visible(rq, unit) {
		h.kit.ErrorPage(w, r, rq, http.StatusNotFound)
		return
	}
	d := mapData{Unit: unit, Below: !hasMap(unit)}
	var grids []orgtree.Unit
	if unit.Level == orgtree.LevelGrid {
		grids = []orgtree.Unit{unit}
	} else if !d.Below {
		if grids, err = h.Org.Descendants(ctx, id, orgtree.LevelGrid); err != nil {
			h.kit.ServerError(w, r, rq, err)
			return
		}
	}
	orgtree.Sort(grids)
	scope, err := h.Access.Narrow(ctx, rq.Read(), unit.ID)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	grids = slices.DeleteFunc(grids, func(g orgtree.Unit) bool { return !visible(rq, g) })
	loads, err := h.Register.GridLoads(ctx, scope)
	if err != nil {
		h.kit.ServerError(w, r, rq, err)
		return
	}
	drawMap(&d, grids, loads)
	h.tmpl.Render(w, r, http.StatusOK, "map", web.NewPage(rq, unit.Name+"网格地图", "map", d))
}

// drawMap projects the grids onto the canvas, colours them and places labels.
func drawMap(d *mapData, grids []orgtree.Unit, loads map[int64]register.GridLoad) {
	maxHH := 0
	for _, g := range grids {
		maxHH = max(maxHH, loads[g.ID].Households)
	}
	step := web.NiceStep(maxHH)
	type parsed struct {
		i   int
		geo orgtree.Geometry
	}
	var drawn []parsed
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, g := range grids {
		l := loads[g.ID]
		mg := mapGrid{Unit: g, Households: l.Households, Persons: l.Persons, Fill: web.MapEmptyFill, TextFill: "#222"}
		if l.Households > 0 {
			c := min((l.Households-1)/step, len(web.MapScale)-1)
			mg.Fill, mg.TextFill = web.MapScale[c].Fill, web.MapScale[c].Text
		}
		d.All = append(d.All, mg)
		if g.Boundary == "" {
			d.Missing = append(d.Missing, mg)
			continue
		}
		geo, err := orgtree.ParseGeometry(g.Boundary)
		if err != nil {
			d.Missing = append(d.Missing, mg)
			continue
		}
		a, b, c, e := geo.Bounds()
		minX, minY, maxX, maxY = math.Min(minX, a), math.Min(minY, b), math.Max(maxX, c), math.Max(maxY, e)
		drawn = append(drawn, parsed{len(d.All) - 1, geo})
	}
	if maxHH > 0 {
		for c := range web.MapScale {
			from, to := c*step+1, (c+1)*step
			if from > maxHH {
				break
			}
			d.Legend = append(d.Legend, web.LegendItem{Fill: web.MapScale[c].Fill, Label: fmt.Sprintf("%d–%d户", from, to)})
		}
	}
	if len(grids) > 0 {
		d.Legend = append(d.Legend, web.LegendItem{Fill: web.MapEmptyFill, Label: "无住户"})
	}
	if len(drawn) == 0 {
		return
	}
	p := orgtree.NewProjection(minX, minY, maxX, maxY, web.MapWidth)
	d.Width, d.Height = p.Width, math.Ceil(p.Height)
	for _, x := range drawn {
		mg := d.All[x.i]
		mg.Path = p.SVGPath(x.geo)
		a, b, c, e := x.geo.Bounds()
		x0, y0 := p.Point(a, e)
		x1, y1 := p.Point(c, b)
		mg.X, mg.Y = (x0+x1)/2, (y0+y1)/2
		mg.FontSize, mg.NameShown = web.LabelSize(mg.Unit.Name, strconv.Itoa(mg.Households)+"户", x1-x0, y1-y0)
		d.Grids = append(d.Grids, mg)
	}
	// One size for every full label reads calmer than sizes that vary with
	// the length of each name.
	size := math.Inf(1)
	for _, g := range d.Grids {
		if g.NameShown {
			size = math.Min(size, g.FontSize)
		}
	}
	for i := range d.Grids {
		if d.Grids[i].NameShown {
			d.Grids[i].FontSize = size
		}
	}
}
