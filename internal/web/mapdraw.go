package web

import (
	"math"
	"strconv"

	"shequ/internal/orgtree"
)

// The maps of grids (the register's households, the events open in each) are
// SVG drawn on the server from the grids' GeoJSON boundaries: no tiles from
// the internet, no script, a few kilobytes. These are the pieces every such
// map shares: the colour MapScale, its legend and the size of a grid's label.

const MapWidth = 1000 // viewBox units; the SVG scales to the screen

// MapScale is ColorBrewer's 5-class YlOrRd, light to dark, with the text colour
// that reads on each.
var MapScale = []struct{ Fill, Text string }{
	{"#ffffb2", "#222"}, {"#fecc5c", "#222"}, {"#fd8d3c", "#222"}, {"#e6550d", "#fff"}, {"#a63603", "#fff"},
}

const MapEmptyFill = "#eeeeee"

type LegendItem struct{ Fill, Label string }

// LabelSize picks a font size that fits the name over the count inside the
// grid's box (by TextWidth, so neither line runs out of it); a grid too
// small for its name shows only the count.
func LabelSize(name, count string, w, h float64) (float64, bool) {
	const maxSize, minSize = 44, 24
	wide := math.Max(TextWidth(name, 1), TextWidth(count, 1))
	// Two lines take 2.2 em (LabelBox); keep a margin to the grid's edge.
	fs := math.Min(maxSize, math.Min(w*0.85/wide, h*0.85/2.2))
	if fs >= minSize {
		return math.Floor(fs*10) / 10, true
	}
	fs = math.Min(maxSize, math.Min(w*0.85/TextWidth(count, 1), h*0.85))
	return math.Floor(math.Max(fs, 8)*10) / 10, false
}

// NiceStep is the width of each colour class: max/5 rounded up to 1, 2 or 5
// times a power of ten, so the legend reads 1–100, 101–200 ….
func NiceStep(maxHH int) int {
	if maxHH <= len(MapScale) {
		return 1
	}
	raw := float64(maxHH) / float64(len(MapScale))
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return int(m * pow)
		}
	}
	return int(10 * pow)
}

// MapFill is the fill of a grid holding n of what the map counts, and the
// text colour that reads on it, on a scale whose classes are step wide.
func MapFill(n, step int) (fill, text string) {
	if n <= 0 {
		return MapEmptyFill, "#222"
	}
	c := min((n-1)/step, len(MapScale)-1)
	return MapScale[c].Fill, MapScale[c].Text
}

// MapLegend lists the scale's classes up to the largest count, each as
// from–to and the unit counted (户, 件), then the fill of an empty grid.
func MapLegend(largest, step int, unit, empty string) []LegendItem {
	var out []LegendItem
	for c := range MapScale {
		from, to := c*step+1, (c+1)*step
		if largest <= 0 || from > largest {
			break
		}
		out = append(out, LegendItem{Fill: MapScale[c].Fill, Label: strconv.Itoa(from) + "–" + strconv.Itoa(to) + unit})
	}
	return append(out, LegendItem{Fill: MapEmptyFill, Label: empty})
}

// GridShape is one grid on the map: its SVG path and the box of its label.
type GridShape struct {
	Path string
	X, Y float64 // the centre of the grid's box
	W, H float64 // the grid's box
}

// GridMap is grids' boundaries projected together onto a canvas MapWidth
// wide.
type GridMap struct {
	Width, Height float64
	// Shapes holds a shape per boundary given, nil for one that is empty
	// or not a polygon.
	Shapes []*GridShape

	proj                   orgtree.Projection
	minX, minY, maxX, maxY float64
}

// DrawGrids projects boundaries (GeoJSON) onto one canvas.
func DrawGrids(boundaries []string) *GridMap {
	m := &GridMap{Shapes: make([]*GridShape, len(boundaries)),
		minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	geos := make([]*orgtree.Geometry, len(boundaries))
	for i, boundary := range boundaries {
		if boundary == "" {
			continue
		}
		geo, err := orgtree.ParseGeometry(boundary)
		if err != nil {
			continue
		}
		a, b, c, e := geo.Bounds()
		m.minX, m.minY, m.maxX, m.maxY = math.Min(m.minX, a), math.Min(m.minY, b), math.Max(m.maxX, c), math.Max(m.maxY, e)
		geos[i] = &geo
	}
	if math.IsInf(m.minX, 1) {
		return m
	}
	m.proj = orgtree.NewProjection(m.minX, m.minY, m.maxX, m.maxY, MapWidth)
	m.Width, m.Height = m.proj.Width, math.Ceil(m.proj.Height)
	for i, geo := range geos {
		if geo == nil {
			continue
		}
		a, b, c, e := geo.Bounds()
		x0, y0 := m.proj.Point(a, e)
		x1, y1 := m.proj.Point(c, b)
		m.Shapes[i] = &GridShape{Path: m.proj.SVGPath(*geo), X: (x0 + x1) / 2, Y: (y0 + y1) / 2, W: x1 - x0, H: y1 - y0}
	}
	return m
}

// Point places a position on the canvas; ok is false outside the bounds of
// the grids drawn.
func (m *GridMap) Point(lon, lat float64) (x, y float64, ok bool) {
	if lon < m.minX || lon > m.maxX || lat < m.minY || lat > m.maxY {
		return 0, 0, false
	}
	x, y = m.proj.Point(lon, lat)
	return x, y, true
}

// LonLat is the inverse of Point: the position at a point of the canvas.
func (m *GridMap) LonLat(x, y float64) (lon, lat float64, ok bool) {
	if m.Width == 0 {
		return 0, 0, false
	}
	minLon, maxLat, perX, perY := m.Inverse()
	lon, lat = minLon+x*perX, maxLat-y*perY
	if lon < m.minX || lon > m.maxX || lat < m.minY || lat > m.maxY {
		return 0, 0, false
	}
	return lon, lat, true
}

// Inverse gives what turns a canvas point back into a position, for a
// script that does so in the browser: lon = minLon + x·perX, lat = maxLat −
// y·perY.
func (m *GridMap) Inverse() (minLon, maxLat, perX, perY float64) {
	x0, y0 := m.proj.Point(m.minX, m.maxY)
	x1, y1 := m.proj.Point(m.maxX, m.minY)
	perX, perY = (m.maxX-m.minX)/(x1-x0), (m.maxY-m.minY)/(y1-y0)
	if x1 == x0 {
		perX = 0
	}
	if y1 == y0 {
		perY = 0
	}
	return m.minX, m.maxY, perX, perY
}

// TextWidth estimates how wide a line of text is at a font size: Chinese
// characters a full em, Latin letters and digits a little over half. It
// errs wide, so that what is sized by it is never clipped.
func TextWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r < 0x80 && (r == 'm' || r == 'w' || r == 'M' || r == 'W' || r == '%'):
			w += 0.9
		case r < 0x80:
			w += 0.62
		default:
			w += 1
		}
	}
	return w * size
}

// Box is a rectangle on a canvas.
type Box struct{ X, Y, W, H float64 }

// Overlaps reports whether two boxes share any area.
func (b Box) Overlaps(o Box) bool {
	return b.X < o.X+o.W && o.X < b.X+b.W && b.Y < o.Y+o.H && o.Y < b.Y+b.H
}

// Inside reports whether b lies within o.
func (b Box) Inside(o Box) bool {
	return b.X >= o.X && b.Y >= o.Y && b.X+b.W <= o.X+o.W && b.Y+b.H <= o.Y+o.H
}

// LabelBox is the box of a grid's two-line label (name over count) centred
// at x, y as the maps draw it: the first line's baseline 0.2 em above the
// centre, the second 1.2 em below that.
func LabelBox(x, y, size float64, lines ...string) Box {
	w := 0.0
	for _, l := range lines {
		w = math.Max(w, TextWidth(l, size))
	}
	// From the first line's ascender (0.88 em above its baseline) to the
	// last line's descender (0.12 em below its baseline).
	top := y - 0.2*size - 0.88*size
	bottom := y - 0.2*size + float64(len(lines)-1)*1.2*size + 0.12*size
	return Box{X: x - w/2, Y: top, W: w, H: bottom - top}
}
