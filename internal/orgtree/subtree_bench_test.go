package orgtree

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"shequ/internal/database"
)

// BenchmarkSubtree100k builds a tree of about 100,000 units — 1 city, 4
// districts, 40 streets, 400 communities, 3,200 grids, ~32,000 buildings and
// ~64,000 units — on SQLite and times the subtree questions pages ask.
// Run with: go test -run - -bench Subtree ./internal/orgtree/
func BenchmarkSubtree100k(b *testing.B) {
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(b.TempDir(), "tree.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Migrate(ctx)
	s := NewStore(db)
	var streets, communities []int64
	n := 0
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		mk := func(parent int64, level, name string) int64 {
			u := Unit{ParentID: parent, Level: level, Name: name}
			if err := s.Create(ctx, tx, &u); err != nil {
				b.Fatal(err)
			}
			n++
			return u.ID
		}
		city := mk(0, LevelCity, "市")
		for d := 0; d < 4; d++ {
			dist := mk(city, LevelDistrict, fmt.Sprint("区", d))
			for st := 0; st < 10; st++ {
				street := mk(dist, LevelStreet, fmt.Sprint("街道", st))
				streets = append(streets, street)
				for c := 0; c < 10; c++ {
					comm := mk(street, LevelCommunity, fmt.Sprint("社区", c))
					communities = append(communities, comm)
					for g := 0; g < 8; g++ {
						grid := mk(comm, LevelGrid, fmt.Sprint("网格", g))
						for bd := 0; bd < 10; bd++ {
							building := mk(grid, LevelBuilding, fmt.Sprint("楼", bd))
							mk(building, LevelUnit, "1单元")
							mk(building, LevelUnit, "2单元")
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d org units", n)
	b.Run("CountDescendants/street", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.CountDescendants(ctx, streets[i%len(streets)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Descendants/grids-of-street", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Descendants(ctx, streets[i%len(streets)], LevelGrid); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Ancestors/unit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Ancestors(ctx, communities[i%len(communities)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("IsWithin", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.IsWithin(ctx, communities[i%len(communities)], streets[i%len(streets)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
