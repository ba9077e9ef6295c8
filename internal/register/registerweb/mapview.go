package registerweb

import (
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
	boundaries := make([]string, len(grids))
	for i, g := range grids {
		maxHH = max(maxHH, loads[g.ID].Households)
		boundaries[i] = g.Boundary
	}
	step := web.NiceStep(maxHH)
	m := web.DrawGrids(boundaries)
	d.Width, d.Height = m.Width, m.Height
	for i, g := range grids {
		l := loads[g.ID]
		mg := mapGrid{Unit: g, Households: l.Households, Persons: l.Persons}
		mg.Fill, mg.TextFill = web.MapFill(l.Households, step)
		d.All = append(d.All, mg)
		sh := m.Shapes[i]
		if sh == nil {
			d.Missing = append(d.Missing, mg)
			continue
		}
		mg.Path, mg.X, mg.Y = sh.Path, sh.X, sh.Y
		mg.FontSize, mg.NameShown = web.LabelSize(g.Name, strconv.Itoa(l.Households)+"户", sh.W, sh.H)
		d.Grids = append(d.Grids, mg)
	}
	if len(grids) > 0 {
		d.Legend = web.MapLegend(maxHH, step, "户", "无住户")
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
