package visitsweb

import (
	"net/http"
	"strconv"

	"shequ/internal/orgtree"
	"shequ/internal/visits"
	"shequ/internal/web"
)

type coverageData struct {
	Unit   orgtree.Unit
	Report visits.CoverageReport
	Map    *coverageMap
}

// coverageMap is the grid map coloured by the households not visited
// within their cycle (due, overdue or never visited).
type coverageMap struct {
	Width, Height float64
	Grids         []mapGrid
	Legend        []web.LegendItem
}

type mapGrid struct {
	visits.GridCoverage
	Path, Fill, TextFill string
	X, Y, FontSize       float64
	NameShown            bool
	Behind               int
}

func (h *handler) coverage(w http.ResponseWriter, r *http.Request, rq *web.Request) {
	sc := rq.Viewer.Scope(visits.PermSupervise)
	u, err := h.unitIn(r, sc, r.URL.Query().Get("org"))
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	within, err := h.kit.Access.Narrow(r.Context(), sc, u.ID)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	rep, err := h.Visits.CoverageOf(r.Context(), within)
	if err != nil {
		h.kit.Fail(w, r, rq, err)
		return
	}
	d := coverageData{Unit: u, Report: rep}
	if len(rep.Grids) <= 400 { // a street's grids; a district's map would be unreadable
		d.Map = drawCoverage(rep.Grids)
	}
	h.tmpl.Render(w, r, http.StatusOK, "coverage", web.NewPage(rq, u.Name+" 走访覆盖", "visits", d))
}

func drawCoverage(grids []visits.GridCoverage) *coverageMap {
	bounds := make([]string, len(grids))
	most := 0
	for i, g := range grids {
		bounds[i] = g.Boundary
		most = max(most, g.Households-g.VisitedInCycle)
	}
	m := web.DrawGrids(bounds)
	if m.Width == 0 {
		return nil
	}
	step := web.NiceStep(most)
	out := &coverageMap{Width: m.Width, Height: m.Height, Legend: web.MapLegend(most, step, "户", "全部覆盖")}
	for i, sh := range m.Shapes {
		if sh == nil {
			continue
		}
		g := mapGrid{GridCoverage: grids[i], Path: sh.Path, X: sh.X, Y: sh.Y}
		g.Behind = g.Households - g.VisitedInCycle
		g.Fill, g.TextFill = web.MapFill(g.Behind, step)
		g.FontSize, g.NameShown = web.LabelSize(g.Name, strconv.Itoa(g.Behind)+"户", sh.W, sh.H)
		out.Grids = append(out.Grids, g)
	}
	return out
}
