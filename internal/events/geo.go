package events

import (
	"context"
	"math"
	"time"

	"shequ/internal/orgtree"
)

// Locating a point: the grid whose GeoJSON boundary holds it, and in it
// the nearest building that has an outline drawn. Boundaries are parsed
// once and kept with their bounding boxes; a city's tens of thousands of
// grids are a few megabytes and a lookup a few microseconds.

type gridShape struct {
	id                     int64
	geo                    orgtree.Geometry
	minX, minY, maxX, maxY float64
}

// buildingSpot is a building's outline, by grid.
type buildingSpot struct {
	id                     int64
	geo                    orgtree.Geometry
	minX, minY, maxX, maxY float64
}

type gridIndex struct {
	shapes    []gridShape
	buildings map[int64][]buildingSpot // by grid
	loaded    time.Time
}

func (s *Store) grids(ctx context.Context) (*gridIndex, error) {
	s.mu.Lock()
	gi := s.gridIdx
	s.mu.Unlock()
	if gi != nil && time.Since(gi.loaded) < 5*time.Minute {
		return gi, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, level, COALESCE(grid_id, 0), boundary FROM org_units
		WHERE level IN ('grid', 'building') AND boundary <> '' AND retired_on IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gi = &gridIndex{loaded: time.Now(), buildings: map[int64][]buildingSpot{}}
	for rows.Next() {
		var id, grid int64
		var level, b string
		if err := rows.Scan(&id, &level, &grid, &b); err != nil {
			return nil, err
		}
		g, err := orgtree.ParseGeometry(b)
		if err != nil {
			continue
		}
		a, c, d, e := g.Bounds()
		if level == orgtree.LevelGrid {
			gi.shapes = append(gi.shapes, gridShape{id: id, geo: g, minX: a, minY: c, maxX: d, maxY: e})
		} else if grid != 0 {
			gi.buildings[grid] = append(gi.buildings[grid], buildingSpot{id: id, geo: g, minX: a, minY: c, maxX: d, maxY: e})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.gridIdx = gi
	s.mu.Unlock()
	return gi, nil
}

// Spot is where a point lies in the org tree.
type Spot struct {
	Grid     int64 // the grid holding the point, 0 for none
	Building int64 // the nearest building of that grid with an outline, 0 for none
	Metres   float64
}

// nearBuilding bounds how far from a building's outline a point may be
// and still be said to be at it: a yard or the pavement outside, not the
// next block.
const nearBuilding = 60.0

// Locate finds the grid holding a point and the nearest building in it.
func (s *Store) Locate(ctx context.Context, lat, lon float64) (Spot, error) {
	gi, err := s.grids(ctx)
	if err != nil {
		return Spot{}, err
	}
	var sp Spot
	for _, g := range gi.shapes {
		if lon < g.minX || lon > g.maxX || lat < g.minY || lat > g.maxY {
			continue
		}
		if inGeometry(g.geo, lon, lat) {
			sp.Grid = g.id
			break
		}
	}
	if sp.Grid == 0 {
		return sp, nil
	}
	best := math.Inf(1)
	for _, b := range gi.buildings[sp.Grid] {
		d := 0.0
		if !inGeometry(b.geo, lon, lat) {
			d = distanceToGeometry(b.geo, lon, lat)
		}
		if d < best {
			best, sp.Building = d, b.id
		}
	}
	if best > nearBuilding {
		sp.Building = 0
	} else {
		sp.Metres = best
	}
	return sp, nil
}

// distanceToGeometry is the distance in metres from a point to the
// nearest edge of an outline, on the local plane (a building is tens of
// metres across; the earth's curve does not matter).
func distanceToGeometry(g orgtree.Geometry, lon, lat float64) float64 {
	const metresPerDegree = 111320.0
	kx := math.Cos(lat*math.Pi/180) * metresPerDegree
	best := math.Inf(1)
	for _, poly := range g.Polygons {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				ax, ay := (ring[i-1][0]-lon)*kx, (ring[i-1][1]-lat)*metresPerDegree
				bx, by := (ring[i][0]-lon)*kx, (ring[i][1]-lat)*metresPerDegree
				best = math.Min(best, segmentDistance(ax, ay, bx, by))
			}
		}
	}
	return best
}

// segmentDistance is the distance from the origin to the segment a–b.
func segmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// GridAt returns the grid whose boundary holds the point, 0 for none.
func (s *Store) GridAt(ctx context.Context, lat, lon float64) (int64, error) {
	sp, err := s.Locate(ctx, lat, lon)
	return sp.Grid, err
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
