package reports

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
)

// A user who is 公安 in one street and 民政 in another reads 公安's items
// in the first street's communities, 民政's in the second's, neither in the
// district above; reports.all reads every item.
func TestDepartmentsAt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		district := orgtree.Unit{Level: "district", Name: "海勃湾区"}
		if err := org.Create(ctx, db, &district); err != nil {
			t.Fatal(err)
		}
		s1 := orgtree.Unit{ParentID: district.ID, Level: "street", Name: "新华街道"}
		s2 := orgtree.Unit{ParentID: district.ID, Level: "street", Name: "滨河街道"}
		for _, u := range []*orgtree.Unit{&s1, &s2} {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		c1 := orgtree.Unit{ParentID: s1.ID, Level: "community", Name: "第一社区"}
		c2 := orgtree.Unit{ParentID: s2.ID, Level: "community", Name: "第二社区"}
		for _, u := range []*orgtree.Unit{&c1, &c2} {
			if err := org.Create(ctx, db, u); err != nil {
				t.Fatal(err)
			}
		}
		acs := access.NewService(db)
		user := func(id int64, grants ...access.Grant) *access.Viewer {
			t.Helper()
			if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
				VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, fmt.Sprint("u", id)); err != nil {
				t.Fatal(err)
			}
			for _, g := range grants {
				g.UserID = id
				if err := acs.AddGrant(ctx, nil, &g); err != nil {
					t.Fatal(err)
				}
			}
			v, err := acs.Viewer(ctx, id, "u")
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		split := user(1, access.Grant{Role: "dept_police", Units: []int64{s1.ID}}, access.Grant{Role: "dept_civil", Units: []int64{s2.ID}})
		admin := user(2, access.Grant{Role: "admin"})
		at := func(u orgtree.Unit) access.Place { return access.Place{Community: u.CommunityID, Org: u.ID} }
		for _, c := range []struct {
			v    *access.Viewer
			unit orgtree.Unit
			want []string
		}{
			{split, c1, []string{"police"}},
			{split, c2, []string{"civil"}},
			{split, s1, []string{"police"}},
			{split, district, []string{}}, // neither grant covers the district
			{admin, c1, nil},
		} {
			got := DepartmentsAt(c.v, at(c.unit))
			if (got == nil) != (c.want == nil) || !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.unit.Name, got, c.want)
			}
		}
	})
}
