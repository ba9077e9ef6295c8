package orgtree

import "encoding/json"

// GeoJSON writes the geometry as a bare GeoJSON geometry, the form
// boundaries are stored in: a Polygon when it is one, else a MultiPolygon.
func (g Geometry) GeoJSON() string {
	var v struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	if len(g.Polygons) == 1 {
		v.Type, v.Coordinates = "Polygon", g.Polygons[0]
	} else {
		v.Type, v.Coordinates = "MultiPolygon", g.Polygons
	}
	b, _ := json.Marshal(v)
	return string(b)
}
