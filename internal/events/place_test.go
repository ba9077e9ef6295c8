package events

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

func square(lon, lat, side float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	x0, y0, x1, y1 := f(lon), f(lat), f(lon+side), f(lat+side)
	return `{"type":"Polygon","coordinates":[[[` + x0 + `,` + y0 + `],[` + x1 + `,` + y0 + `],[` + x1 + `,` + y1 + `],[` +
		x0 + `,` + y1 + `],[` + x0 + `,` + y0 + `]]]}`
}

// placeFix gives grid 1 of the fixture a boundary and three buildings
// with outlines and addresses: 3号楼 and 13号楼 in its south, 5号楼 in its
// north-east.
func placeFix(t *testing.T, f *fix) (b5, b13 orgtree.Unit) {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(f.db)
	g1, _ := org.Get(ctx, f.grid1.ID)
	g1.Boundary = square(109.00, 36.00, 0.01)
	if err := org.Update(ctx, g1); err != nil {
		t.Fatal(err)
	}
	b1, _ := org.Get(ctx, f.b1.ID)
	b1.Boundary = square(109.001, 36.001, 0.0005)
	if err := org.Update(ctx, b1); err != nil {
		t.Fatal(err)
	}
	b5 = orgtree.Unit{ParentID: f.grid1.ID, Level: "building", Name: "5号楼", Boundary: square(109.008, 36.008, 0.0005)}
	b13 = orgtree.Unit{ParentID: f.grid1.ID, Level: "building", Name: "13号楼", Boundary: square(109.005, 36.001, 0.0005)}
	for _, u := range []*orgtree.Unit{&b5, &b13} {
		if err := org.Create(ctx, f.db, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []struct {
		id      int64
		name    string
		address string
	}{{f.b1.ID, "3号楼", "幸福路3号楼"}, {b5.ID, "5号楼", "幸福路5号楼"}, {b13.ID, "13号楼", "幸福路13号楼"}} {
		if _, err := f.db.ExecContext(ctx, `INSERT INTO buildings (community_id, id, grid_id, name, address, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, '2026-01-01', '2026-01-01')`, f.cb.ID, b.id, f.grid1.ID, b.name, b.address); err != nil {
			t.Fatal(err)
		}
	}
	f.s.Reload()
	return b5, b13
}

// A tap on the map or the device's position: the grid holding the point
// and the nearest building with an outline, if it is near.
func TestLocateNearestBuilding(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		b5, b13 := placeFix(t, f)
		for _, c := range []struct {
			name           string
			lat, lon       float64
			grid, building int64
		}{
			{"inside 3号楼", 36.0012, 109.0012, f.grid1.ID, f.b1.ID},
			{"18 m east of 5号楼", 36.0082, 109.0087, f.grid1.ID, b5.ID},
			{"between 3号楼 and 13号楼, nearer 13号楼", 36.0012, 109.0047, f.grid1.ID, b13.ID},
			{"in the grid, far from every building", 36.005, 109.002, f.grid1.ID, 0},
			{"outside every grid", 36.5, 109.5, 0, 0},
		} {
			sp, err := f.s.Locate(ctx, c.lat, c.lon)
			if err != nil || sp.Grid != c.grid || sp.Building != c.building {
				t.Errorf("%s: %+v %v, want grid %d building %d", c.name, sp, err, c.grid, c.building)
			}
		}
		lat, lon := 36.0082, 109.0087
		e, err := f.s.ReportPublic(ctx, Report{Lat: &lat, Lon: &lon, Category: "facility.lamp", Description: "路灯不亮"})
		if err != nil || e.GridID != f.grid1.ID || e.OrgID != b5.ID || e.CommunityID != f.cb.ID {
			t.Fatalf("a report by position: %+v %v", e, err)
		}
		lat, lon = 36.5, 109.5
		_, err = f.s.ReportPublic(ctx, Report{Lat: &lat, Lon: &lon, Category: "facility.lamp", Description: "路灯不亮"})
		if fe := fault.FieldsOf(err); !strings.Contains(fe["org"], "不在任何网格内") {
			t.Errorf("a position outside every grid: %v", err)
		}
	})
}

// An address alone, as people write it.
func TestGeocode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		b5, b13 := placeFix(t, f)
		for _, c := range []struct {
			address string
			within  int64
			want    int64
		}{
			{"幸福路5号楼", 0, b5.ID},             // exact
			{"幸福路 ５号楼", 0, b5.ID},            // full-width digit, space
			{"城北社区幸福路13号楼东侧垃圾房", 0, b13.ID},  // the address inside more words
			{"城北社区3号楼门口", 0, f.b1.ID},        // a name with its community, not 13号楼
			{"13号楼", f.cb.ID, b13.ID},        // a name alone within one community
			{"城北第二网格路口", 0, 0},               // a grid needs its community …
			{"城北社区城北第二网格路口", 0, f.grid2.ID},  // … named with it
			{"城南社区菜市场", 0, f.cn.ID},          // a community
			{"幸福路", 0, f.grid1.ID},           // fits all three buildings: their grid
			{"城南社区幸福路5号楼", f.cn.ID, f.cn.ID}, // not looked for outside within
			{"火星基地", 0, 0},
		} {
			got, err := f.s.Geocode(ctx, c.address, c.within)
			if err != nil || got != c.want {
				t.Errorf("Geocode(%q, %d) = %d %v, want %d", c.address, c.within, got, err, c.want)
			}
		}
	})
}

// A private report shows none of its words in the public feed (the
// masking of the words shown is ident.MaskNumbers').
func TestPublicDescription(t *testing.T) {
	if got := PublicDescription(&Event{Description: "x 13912345678", Private: true}); got != "" {
		t.Errorf("a private description shows: %q", got)
	}
	if got := PublicDescription(&Event{Description: "路灯坏了,联系13912345678"}); got != "路灯坏了,联系139****5678" {
		t.Errorf("the public description: %q", got)
	}
}
