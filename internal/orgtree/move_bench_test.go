package orgtree_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// BenchmarkMoveGridAcrossCommunities moves a grid of 1,000 households
// (20 buildings of 50 houses, 3,000 persons, 300 tags, 100 rentals with
// their tenants) between two communities on SQLite, back and forth, each
// move one transaction with every record's two change events.
// Run with: go test -run - -bench MoveGridAcross -benchtime 4x ./internal/orgtree/
func BenchmarkMoveGridAcrossCommunities(b *testing.B) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(b.TempDir(), "move.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	org := orgtree.NewStore(db)
	mk := func(parent int64, level, name string) orgtree.Unit {
		u := orgtree.Unit{ParentID: parent, Level: level, Name: name}
		if err := org.Create(ctx, db, &u); err != nil {
			b.Fatal(err)
		}
		return u
	}
	street := mk(0, orgtree.LevelStreet, "真武洞街道")
	ca, cb := mk(street.ID, orgtree.LevelCommunity, "城北社区"), mk(street.ID, orgtree.LevelCommunity, "城南社区")
	grid := mk(ca.ID, orgtree.LevelGrid, "第一网格")
	var buildings []orgtree.Unit
	for bi := 0; bi < 20; bi++ {
		buildings = append(buildings, mk(grid.ID, orgtree.LevelBuilding, fmt.Sprint(bi+1, "号楼")))
	}
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "装载", Source: "cli"})
	if err != nil {
		b.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			l.Rollback()
			b.Fatal(err)
		}
	}
	at := time.Now().AddDate(-1, 0, 0)
	seq := 0
	for bi, bu := range buildings {
		must(l.Building(ctx, at, &register.Building{CommunityID: ca.ID, ID: bu.ID, GridID: grid.ID, Name: bu.Name, Kind: "residential"}))
		for hi := 0; hi < 50; hi++ {
			h := &register.House{CommunityID: ca.ID, BuildingID: bu.ID, OrgID: bu.ID, GridID: grid.ID,
				Number: fmt.Sprint(hi/10+1, "-", 101+hi%10), Use: "owner"}
			must(l.House(ctx, at, h))
			hh := &register.Household{CommunityID: ca.ID, Number: fmt.Sprint("H", bi, "-", hi), Kind: "registered",
				HouseID: h.ID, OrgID: bu.ID, GridID: grid.ID}
			must(l.Household(ctx, at, hh, "户主"))
			var members []int64
			for pi := 0; pi < 3; pi++ {
				seq++
				p := &register.Person{CommunityID: ca.ID, HouseholdID: hh.ID, OrgID: bu.ID, GridID: grid.ID,
					Name: fmt.Sprint("居民", seq), Gender: "M", BirthDate: "1980-01-01", Residence: "registered", Relation: "99",
					IDNumber: ident.MakeResidentID("610603", time.Date(1950+seq%50, 1, 1+seq%28, 0, 0, 0, 0, time.UTC), seq)}
				must(l.Person(ctx, at, p))
				members = append(members, p.ID)
				if seq%10 == 0 {
					must(l.Tag(ctx, at, &register.Tag{CommunityID: ca.ID, PersonID: p.ID, Tag: "dibao", StartedOn: "2020-01-01"}))
				}
			}
			if hi%10 == 0 {
				must(l.Rental(ctx, at, &register.Rental{CommunityID: ca.ID, HouseID: h.ID, Landlord: "房东",
					StartedOn: "2024-01-01", TenantIDs: members[:1]}))
			}
		}
	}
	must(l.Commit(ctx))
	m := orgtree.NewManager(org, orgtree.Followers{register.NewStore(db), imports.NewService(db)})
	actor := orgtree.Actor{Name: "管理员", Source: "web"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		to := cb.ID
		if i%2 == 1 {
			to = ca.ID
		}
		g, err := org.Get(ctx, grid.ID)
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Move(ctx, actor, g.ID, g.Version, to); err != nil {
			b.Fatal(err)
		}
	}
}
