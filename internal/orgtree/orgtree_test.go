package orgtree

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		mk := func(parent int64, level, name, code string) Unit {
			t.Helper()
			u := Unit{ParentID: parent, Level: level, Name: name, Code: code}
			if err := s.Create(ctx, db, &u); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			return u
		}
		city := mk(0, LevelCity, "临汾市", "141000")
		county := mk(city.ID, LevelDistrict, "侯马市", "141081")
		street := mk(county.ID, LevelStreet, "路东街道", "141081001000")
		zn := mk(street.ID, LevelCommunity, "紫南社区", "141081001001")
		g := mk(zn.ID, LevelGrid, "一网格", "")
		b := mk(g.ID, LevelBuilding, "1号楼", "")
		if b.CommunityID != zn.ID || b.GridID != g.ID {
			t.Errorf("building should know its community and grid: %+v", b)
		}
		path, _ := s.Ancestors(ctx, b.ID)
		var names []string
		for _, u := range path {
			names = append(names, u.Name)
		}
		if strings.Join(names, ">") != "临汾市>侯马市>路东街道>紫南社区>一网格>1号楼" {
			t.Errorf("ancestors = %v", names)
		}
		grids, _ := s.Descendants(ctx, city.ID, LevelGrid)
		if len(grids) != 1 || grids[0].ID != g.ID {
			t.Errorf("grids under the city = %v", grids)
		}
		counts, _ := s.CountDescendants(ctx, street.ID)
		if counts[LevelCommunity] != 1 || counts[LevelBuilding] != 1 {
			t.Errorf("counts = %v", counts)
		}
		if ok, _ := s.IsWithin(ctx, b.ID, street.ID); !ok {
			t.Error("building is within the street")
		}
		if ok, _ := s.IsWithin(ctx, street.ID, b.ID); ok {
			t.Error("street is not within the building")
		}
		// A grid cannot sit above a community, and codes are checked.
		bad := Unit{ParentID: g.ID, Level: LevelCommunity, Name: "错误"}
		if err := s.Create(ctx, db, &bad); err == nil {
			t.Error("a community under a grid should be refused")
		}
		bad = Unit{ParentID: street.ID, Level: LevelCommunity, Name: "错误", Code: "12ab"}
		if err := s.Create(ctx, db, &bad); err == nil {
			t.Error("a malformed code should be refused")
		}
		// Renaming a level is data.
		if err := s.SetLevel(ctx, Level{Kind: LevelStreet, Name: "乡镇街道", Rank: 30}); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.Get(ctx, street.ID); u.LevelName != "乡镇街道" {
			t.Errorf("level name = %s", u.LevelName)
		}
		// Boundaries must be valid GeoJSON; stale versions are refused.
		g.Boundary = `{"type":"Polygon","coordinates":[[[111.3,35.6],[111.4,35.6],[111.4,35.7],[111.3,35.6]]]}`
		if err := s.Update(ctx, g); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, g); err == nil {
			t.Error("a save on a stale version should conflict")
		}
		g.Version++
		g.Boundary = `{"type":"Point","coordinates":[1,2]}`
		if err := s.Update(ctx, g); err == nil {
			t.Error("a point is not a boundary")
		}
	})
}

func TestScopeFilter(t *testing.T) {
	tests := []struct {
		u    Unit
		want string
	}{
		{Unit{ID: 1, Level: LevelCommunity, CommunityID: 1}, "p.community_id = $3"},
		{Unit{ID: 2, Level: LevelGrid, CommunityID: 1, GridID: 2}, "p.grid_id = $3"},
		{Unit{ID: 3, Level: LevelStreet}, "p.community_id IN (SELECT"},
		{Unit{ID: 4, Level: LevelBuilding, CommunityID: 1, GridID: 2}, "p.org_id IN (SELECT"},
	}
	for _, tt := range tests {
		q := database.ArgsAfter(3)
		if got := ScopeFilter(q, tt.u, "p"); !strings.HasPrefix(got, tt.want) {
			t.Errorf("ScopeFilter(%s) = %s", tt.u.Level, got)
		}
		if v := q.Values(); len(v) != 1 || v[0] != tt.u.ID {
			t.Errorf("ScopeFilter(%s) adds %v, want the unit's id", tt.u.Level, v)
		}
	}
}

func TestGeometry(t *testing.T) {
	g, err := ParseGeometry(`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}}`)
	if err != nil {
		t.Fatal(err)
	}
	p := NewProjection(0, 0, 1, 1, 100)
	if d := p.SVGPath(g); !strings.HasPrefix(d, "M0.0 100.0L100.0 100.0") {
		t.Errorf("path = %s", d)
	}
	for _, bad := range []string{`{`, `{"type":"Polygon","coordinates":[[[0,0],[1,1]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, `{"type":"Polygon","coordinates":[[[0,0],[500,0],[1,1],[0,0]]]}`} {
		if _, err := ParseGeometry(bad); err == nil {
			t.Errorf("ParseGeometry(%s) should fail", bad)
		}
	}
}
