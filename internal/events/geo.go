package events

import (
	"context"
	"time"

	"shequ/internal/orgtree"
)

// Locating a point: the grid whose GeoJSON boundary holds it. Boundaries
// are parsed once and kept with their bounding boxes; a city's tens of
// thousands of grids are a few megabytes and a lookup a few microseconds.

type gridShape struct {
	id                     int64
	geo                    orgtree.Geometry
	minX, minY, maxX, maxY float64
}

type gridIndex struct {
	shapes []gridShape
	loaded time.Time
}

func (s *Store) grids(ctx context.Context) (*gridIndex, error) {
	s.mu.Lock()
	gi := s.gridIdx
	s.mu.Unlock()
	if gi != nil && time.Since(gi.loaded) < 5*time.Minute {
		return gi, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, boundary FROM org_units WHERE level = 'grid' AND boundary <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gi = &gridIndex{loaded: time.Now()}
	for rows.Next() {
		var id int64
		var b string
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		g, err := orgtree.ParseGeometry(b)
		if err != nil {
			continue
		}
		a, c, d, e := g.Bounds()
		gi.shapes = append(gi.shapes, gridShape{id: id, geo: g, minX: a, minY: c, maxX: d, maxY: e})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.gridIdx = gi
	s.mu.Unlock()
	return gi, nil
}

// GridAt returns the grid whose boundary holds the point, 0 for none.
func (s *Store) GridAt(ctx context.Context, lat, lon float64) (int64, error) {
	gi, err := s.grids(ctx)
	if err != nil {
		return 0, err
	}
	for _, g := range gi.shapes {
		if lon < g.minX || lon > g.maxX || lat < g.minY || lat > g.maxY {
			continue
		}
		if inGeometry(g.geo, lon, lat) {
			return g.id, nil
		}
	}
	return 0, nil
}

// inGeometry: inside a polygon's outer ring and outside its holes, for
// any of its polygons (even-odd ray casting).
func inGeometry(g orgtree.Geometry, x, y float64) bool {
	for _, poly := range g.Polygons {
		if len(poly) == 0 || !inRing(poly[0], x, y) {
			continue
		}
		hole := false
		for _, r := range poly[1:] {
			if inRing(r, x, y) {
				hole = true
				break
			}
		}
		if !hole {
			return true
		}
	}
	return false
}

func inRing(ring [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
