package eventsweb

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/access"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

// Saying where a problem is, on the report forms: the device's position
// (a script fills the hidden lat/lon), a tap on the map of the community's
// grids and buildings, or the list of places. The map is an <input
// type=image>: without a script a tap submits the form with the point
// tapped (map.x, map.y), and the server finds the grid and the nearest
// building and shows the form again with them chosen; with the script the
// tap only fills lat/lon, and the server locates them on submission.

// tapWidth is how wide the map is shown, in CSS pixels: fixed, so that the
// point a tap posts can be turned back into a position, and narrow enough
// for a 375 px phone.
const tapWidth = 320

// locator is the location part of a report form.
type locator struct {
	Lat, Lon string // the position posted (device or map), "" for none
	Note     string // what a tap or position was found to be
	NoteErr  bool
	Map      *tapMap
	// Communities offer a choice of map when no one community is known.
	Communities []web.Option
}

// tapMap is the map of one unit's grids as the form shows it.
type tapMap struct {
	Unit                   int64
	Src                    string
	Width, Height          int     // CSS pixels
	VBW, VBH               float64 // the SVG's viewBox
	Lon0, Lat0, DLon, DLat float64 // lon = Lon0 + x·DLon, lat = Lat0 − y·DLat (x, y in viewBox units)
	PinX, PinY             float64
	Pin                    bool
	grids                  []orgtree.Unit
	buildings              []orgtree.Unit
	drawn                  *web.GridMap
}

// mapGrids are the grids a tap map of unit draws: a community's (or a
// street's) grids, or the grid itself.
func (h *handler) mapGrids(ctx context.Context, unit orgtree.Unit) ([]orgtree.Unit, error) {
	if unit.Level == orgtree.LevelGrid {
		return []orgtree.Unit{unit}, nil
	}
	grids, err := h.Org.Descendants(ctx, unit.ID, orgtree.LevelGrid)
	orgtree.Sort(grids)
	return grids, err
}

// drawTapMap lays out the map of a unit; nil when none of its grids has a
// boundary.
func (h *handler) drawTapMap(ctx context.Context, unitID int64) (*tapMap, error) {
	unit, err := h.Org.Get(ctx, unitID)
	// A community's map, or a part of one: a street's or a district's
	// would be too many grids to tap on a phone.
	if err != nil || unit.CommunityID == 0 || unit.Level == orgtree.LevelBuilding || unit.Level == orgtree.LevelUnit {
		return nil, nil
	}
	grids, err := h.mapGrids(ctx, unit)
	if err != nil {
		return nil, err
	}
	boundaries := make([]string, len(grids))
	for i, g := range grids {
		boundaries[i] = g.Boundary
	}
	m := web.DrawGrids(boundaries)
	if m.Width == 0 {
		return nil, nil
	}
	tm := &tapMap{Unit: unit.ID, grids: grids, drawn: m, VBW: m.Width, VBH: m.Height, Width: tapWidth,
		Height: int(m.Height*tapWidth/m.Width + 0.5)}
	tm.Lon0, tm.Lat0, tm.DLon, tm.DLat = m.Inverse()
	tm.Src = "/public/events/map/" + strconv.FormatInt(unit.ID, 10) + ".svg"
	for _, g := range grids {
		bs, err := h.Org.Descendants(ctx, g.ID, orgtree.LevelBuilding)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if b.Boundary != "" {
				tm.buildings = append(tm.buildings, b)
			}
		}
	}
	return tm, nil
}

// mapUnitFor picks the unit whose map a form shows: the one asked for, or
// the community of the place chosen, or the one grid or community the
// viewer reports in (every community for the public), if there is one.
func (h *handler) mapUnitFor(ctx context.Context, r *http.Request, org string, sc access.Scope) int64 {
	if id, err := strconv.ParseInt(r.FormValue("map"), 10, 64); err == nil && id > 0 {
		return id
	}
	if id, err := strconv.ParseInt(org, 10, 64); err == nil && id > 0 {
		if u, err := h.Org.Get(ctx, id); err == nil && u.CommunityID != 0 {
			if !sc.Whole() && u.GridID != 0 && !sc.Contains(access.Place{Community: u.CommunityID}) {
				return u.GridID
			}
			return u.CommunityID
		}
	}
	if !sc.Whole() {
		if units := sc.Units(); len(units) == 1 {
			return units[0]
		}
		return 0
	}
	cs, err := h.allCommunities(ctx)
	if err == nil && len(cs) == 1 {
		return cs[0].ID
	}
	return 0
}

// locatorFor prepares the location part of a form.
func (h *handler) locatorFor(ctx context.Context, r *http.Request, l locator, org string, sc access.Scope) (locator, error) {
	unit := h.mapUnitFor(ctx, r, org, sc)
	if unit != 0 {
		m, err := h.drawTapMap(ctx, unit)
		if err != nil {
			return l, err
		}
		l.Map = m
	}
	if l.Map == nil {
		cs, err := h.allCommunities(ctx)
		if err != nil {
			return l, err
		}
		orgtree.Sort(cs)
		for _, c := range cs {
			if sc.Whole() || slices.Contains(sc.Communities(), c.ID) {
				l.Communities = append(l.Communities, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
			}
		}
		if len(l.Communities) < 2 {
			l.Communities = nil
		}
	} else if lat, lon, ok := l.position(); ok {
		if x, y, in := l.Map.drawn.Point(lon, lat); in {
			l.Map.PinX, l.Map.PinY, l.Map.Pin = x, y, true
			l.Map.Src += fmt.Sprintf("?pin=%.1f,%.1f", x, y)
		}
	}
	return l, nil
}

// position is the posted position, if any.
func (l locator) position() (lat, lon float64, ok bool) {
	if l.Lat == "" || l.Lon == "" {
		return 0, 0, false
	}
	la, err1 := strconv.ParseFloat(l.Lat, 64)
	lo, err2 := strconv.ParseFloat(l.Lon, 64)
	if err1 != nil || err2 != nil || la < -90 || la > 90 || lo < -180 || lo > 180 || la != la || lo != lo {
		return 0, 0, false
	}
	return la, lo, true
}

// postedLocator reads lat/lon from a form.
func postedLocator(r *http.Request) locator {
	return locator{Lat: strings.TrimSpace(r.PostFormValue("lat")), Lon: strings.TrimSpace(r.PostFormValue("lon"))}
}

// tapped reports whether the form was sent by a tap on the map.
func tapped(r *http.Request) bool {
	_, ok := r.PostForm["map.x"]
	return ok
}

// locateTap turns a tap on the map of unit into a position, and finds the
// grid and nearest building there: the place chosen in the form's list.
func (h *handler) locateTap(ctx context.Context, r *http.Request, unit int64) (l locator, org string, err error) {
	l = locator{}
	m, err := h.drawTapMap(ctx, unit)
	if err != nil || m == nil {
		l.Note, l.NoteErr = "地图不可用,请从列表中选择地点。", true
		return l, "", err
	}
	px, err1 := strconv.ParseFloat(r.PostFormValue("map.x"), 64)
	py, err2 := strconv.ParseFloat(r.PostFormValue("map.y"), 64)
	lon, lat, ok := m.drawn.LonLat(px*m.VBW/float64(m.Width), py*m.VBH/float64(m.Height))
	if err1 != nil || err2 != nil || !ok {
		l.Note, l.NoteErr = "点选的位置不在地图范围内,请重新点选或从列表中选择。", true
		return l, "", nil
	}
	l.Lat, l.Lon = strconv.FormatFloat(lat, 'f', 6, 64), strconv.FormatFloat(lon, 'f', 6, 64)
	sp, err := h.Events.Locate(ctx, lat, lon)
	if err != nil {
		return l, "", err
	}
	if sp.Grid == 0 {
		l.Note, l.NoteErr = "点选的位置不在任何网格内,请重新点选或从列表中选择。", true
		return l, "", nil
	}
	g, err := h.Org.Get(ctx, sp.Grid)
	if err != nil {
		return l, "", err
	}
	l.Note, org = "已定位到 "+g.Name, strconv.FormatInt(sp.Grid, 10)
	if sp.Building != 0 {
		if b, err := h.Org.Get(ctx, sp.Building); err == nil {
			l.Note += " · " + b.Name
			org = strconv.FormatInt(sp.Building, 10)
		}
	}
	l.Note += ",请核对后提交。"
	return l, org, nil
}

// tapMapSVG draws a unit's grids and buildings with the grids' names, for
// the report forms' map (and a pin where a tap was located).
func (h *handler) tapMapSVG(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("unit"), ".svg"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	m, err := h.drawTapMap(r.Context(), id)
	if err != nil {
		h.kit.ServerError(w, r, nil, err)
		return
	}
	if m == nil {
		http.NotFound(w, r)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%d" height="%d">`, m.VBW, m.VBH, m.Width, m.Height)
	b.WriteString(`<rect width="100%" height="100%" fill="#f6f8fa"/>`)
	for i, sh := range m.drawn.Shapes {
		if sh == nil {
			continue
		}
		fill := "#e8f0fe"
		if i%2 == 1 {
			fill = "#e6f4ea"
		}
		fmt.Fprintf(&b, `<path d="%s" fill="%s" stroke="#5f6368" stroke-width="3"/>`, sh.Path, fill)
	}
	for _, bu := range m.buildings {
		geo, err := orgtree.ParseGeometry(bu.Boundary)
		if err != nil {
			continue
		}
		var d strings.Builder
		for _, poly := range geo.Polygons {
			for _, ring := range poly {
				for i, pt := range ring {
					x, y, _ := m.drawn.Point(pt[0], pt[1])
					if i == 0 {
						fmt.Fprintf(&d, "M%.1f %.1f", x, y)
					} else {
						fmt.Fprintf(&d, "L%.1f %.1f", x, y)
					}
				}
				d.WriteString("Z")
			}
		}
		fmt.Fprintf(&b, `<path d="%s" fill="#bdc1c6" stroke="#80868b" stroke-width="1.5"/>`, d.String())
	}
	for i, sh := range m.drawn.Shapes {
		if sh == nil {
			continue
		}
		// A name too small to read at the map's size on a phone is left
		// out; the list names every grid.
		name := m.grids[i].Name
		fs := math.Min(44, math.Min(sh.W*0.85/web.TextWidth(name, 1), sh.H*0.5))
		if fs*float64(m.Width)/m.VBW < 9 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%.1f" text-anchor="middle" dominant-baseline="middle" fill="#202124" stroke="#fff" stroke-width="%.1f" paint-order="stroke">%s</text>`,
			sh.X, sh.Y, fs, fs/6, html.EscapeString(name))
	}
	if pin := r.URL.Query().Get("pin"); pin != "" {
		var x, y float64
		if _, err := fmt.Sscanf(pin, "%g,%g", &x, &y); err == nil && x >= 0 && y >= 0 && x <= m.VBW && y <= m.VBH {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="16" fill="#d93025" stroke="#fff" stroke-width="5"/>`, x, y)
		}
	}
	b.WriteString(`</svg>`)
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(b.String()))
}
