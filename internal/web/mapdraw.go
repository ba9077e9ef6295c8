package web

import (
	"math"
	"unicode/utf8"
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
