package orgtree

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Geometry is the subset of GeoJSON used for grid boundaries: a Polygon or
// MultiPolygon in longitude/latitude, normalised to a list of polygons, each a
// list of rings.
type Geometry struct {
	Polygons [][][][2]float64
}

// ParseGeometry reads a GeoJSON geometry, Feature or single-feature
// FeatureCollection holding a Polygon or MultiPolygon.
func ParseGeometry(s string) (Geometry, error) {
	var raw struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
		Features    []struct {
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return Geometry{}, fmt.Errorf("边界不是有效的 GeoJSON: %v", err)
	}
	switch raw.Type {
	case "Feature":
		return ParseGeometry(string(raw.Geometry))
	case "FeatureCollection":
		if len(raw.Features) != 1 {
			return Geometry{}, fmt.Errorf("边界 FeatureCollection 应只含一个要素")
		}
		return ParseGeometry(string(raw.Features[0].Geometry))
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(raw.Coordinates, &p); err != nil {
			return Geometry{}, fmt.Errorf("边界坐标格式错误: %v", err)
		}
		g := Geometry{Polygons: [][][][2]float64{p}}
		return g, g.check()
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(raw.Coordinates, &mp); err != nil {
			return Geometry{}, fmt.Errorf("边界坐标格式错误: %v", err)
		}
		g := Geometry{Polygons: mp}
		return g, g.check()
	default:
		return Geometry{}, fmt.Errorf("边界应为 Polygon 或 MultiPolygon,而不是 %q", raw.Type)
	}
}

func (g Geometry) check() error {
	if len(g.Polygons) == 0 {
		return fmt.Errorf("边界没有多边形")
	}
	for _, p := range g.Polygons {
		if len(p) == 0 {
			return fmt.Errorf("多边形没有环")
		}
		for _, ring := range p {
			if len(ring) < 4 {
				return fmt.Errorf("多边形的环至少需要4个点(首尾相同)")
			}
			if ring[0] != ring[len(ring)-1] {
				return fmt.Errorf("多边形的环首尾坐标必须相同")
			}
			for _, pt := range ring {
				if pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 ||
					math.IsNaN(pt[0]) || math.IsNaN(pt[1]) {
					return fmt.Errorf("坐标超出经纬度范围")
				}
			}
		}
	}
	return nil
}

// Bounds returns the bounding box as minLon, minLat, maxLon, maxLat.
func (g Geometry) Bounds() (float64, float64, float64, float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range g.Polygons {
		for _, ring := range p {
			for _, pt := range ring {
				minX, maxX = math.Min(minX, pt[0]), math.Max(maxX, pt[0])
				minY, maxY = math.Min(minY, pt[1]), math.Max(maxY, pt[1])
			}
		}
	}
	return minX, minY, maxX, maxY
}

// Centroid is the centre of the bounding box, good enough to place a label.
func (g Geometry) Centroid() (float64, float64) {
	a, b, c, d := g.Bounds()
	return (a + c) / 2, (b + d) / 2
}

// Projection maps lon/lat onto an SVG canvas. Grids span a few hundred
// metres, so an equirectangular projection scaled by cos(latitude) is
// indistinguishable from a proper one and needs no tiles or libraries.
type Projection struct {
	minX, maxY, scale, kx float64
	Width, Height         float64
}

// NewProjection fits the box into a canvas width wide.
func NewProjection(minX, minY, maxX, maxY, width float64) Projection {
	kx := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	w := (maxX - minX) * kx
	h := maxY - minY
	if w <= 0 {
		w = 1e-6
	}
	if h <= 0 {
		h = 1e-6
	}
	scale := width / w
	return Projection{minX: minX, maxY: maxY, scale: scale, kx: kx, Width: width, Height: h * scale}
}

// Point projects one coordinate.
func (p Projection) Point(lon, lat float64) (float64, float64) {
	return (lon - p.minX) * p.kx * p.scale, (p.maxY - lat) * p.scale
}

// SVGPath renders the geometry as an SVG path "d" attribute.
func (p Projection) SVGPath(g Geometry) string {
	var b strings.Builder
	for _, poly := range g.Polygons {
		for _, ring := range poly {
			for i, pt := range ring[:len(ring)-1] {
				x, y := p.Point(pt[0], pt[1])
				if i == 0 {
					fmt.Fprintf(&b, "M%.1f %.1f", x, y)
				} else {
					fmt.Fprintf(&b, "L%.1f %.1f", x, y)
				}
			}
			b.WriteString("Z")
		}
	}
	return b.String()
}
