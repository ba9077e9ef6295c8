package web

import (
	"math"
	"strconv"
	"unicode/utf8"

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

// LabelSize picks a font size that fits the name and the count inside the
// grid's box; a grid too small for its name shows only the count.
func LabelSize(name, count string, w, h float64) (float64, bool) {
	const maxSize, minSize = 44, 24
	n := float64(utf8.RuneCountInString(name))
	fs := math.Min(maxSize, math.Min(w*0.85/n, h/3))
	if fs >= minSize {
		return math.Round(fs*10) / 10, true
	}
	c := float64(len(count)) * 0.6
	fs = math.Min(maxSize, math.Min(w*0.85/c, h/1.5))
	return math.Round(math.Max(fs, 8)*10) / 10, false
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
