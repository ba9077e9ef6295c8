package demo

import (
	"context"
	"testing"
	"time"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/testdb"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var today = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func count(t *testing.T, db *database.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestChengbei checks the preset against the figures of the 城北社区 report,
// counting in the database rather than trusting the summary.
func TestChengbei(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sum, err := Load(ctx, db, Options{Preset: "chengbei", Seed: 1, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM households`:                                               7891,
			`SELECT COUNT(*) FROM persons`:                                                  25369,
			`SELECT COUNT(*) FROM persons WHERE residence = 'floating'`:                     10180,
			`SELECT COUNT(*) FROM households WHERE kind = 'floating'`:                       3112,
			`SELECT COUNT(*) FROM org_units WHERE level = 'group'`:                          5,
			`SELECT COUNT(*) FROM org_units WHERE level = 'grid'`:                           19,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'center_head'`:                     40,
			`SELECT COUNT(*) FROM org_staff WHERE role IN ('secretary', 'community_staff')`: 21,
			`SELECT COUNT(*) FROM org_staff WHERE role = 'grid_worker'`:                     19,
			`SELECT COUNT(*) FROM organisations`:                                            38,
			`SELECT COUNT(*) FROM households h WHERE h.head_id IS NULL OR NOT EXISTS
				(SELECT 1 FROM persons p WHERE p.id = h.head_id AND p.household_id = h.id)`: 0,
			`SELECT COUNT(*) FROM rentals r JOIN households h ON h.house_id = r.house_id WHERE h.kind = 'floating'`: 3112,
		} {
			if got := count(t, db, q); got != want {
				t.Errorf("%s = %d, want %d", q, got, want)
			}
		}
		if sum.Persons != 25369 || sum.Households != 7891 {
			t.Errorf("summary = %+v", sum)
		}
		// Grids of about 400 households.
		rows, _ := db.Query(`SELECT COUNT(*) FROM households GROUP BY grid_id`)
		for rows.Next() {
			var n int
			rows.Scan(&n)
			if n < 350 || n > 480 {
				t.Errorf("a grid has %d households", n)
			}
		}
		rows.Close()
		// Every ID valid, area codes known, unique; every USCC valid.
		rows, _ = db.Query(`SELECT id_number, gender, birth_date FROM persons`)
		seen := map[string]bool{}
		for rows.Next() {
			var id, gender, birth string
			rows.Scan(&id, &gender, &birth)
			r, err := ident.ParseResidentID(id, today)
			if err != nil {
				t.Fatalf("invalid ID %s: %v", id, err)
			}
			if (gender == "M") != r.Male || r.Birth.Format("2006-01-02") != birth || seen[id] {
				t.Fatalf("ID %s does not fit %s %s or repeats", id, gender, birth)
			}
			if _, ok := codes.AreaName(r.AreaCode); !ok {
				t.Fatalf("unknown area in %s", id)
			}
			seen[id] = true
		}
		rows.Close()
		rows, _ = db.Query(`SELECT uscc FROM organisations`)
		for rows.Next() {
			var c string
			rows.Scan(&c)
			if _, err := ident.ParseUSCC(c); err != nil {
				t.Errorf("USCC %s: %v", c, err)
			}
		}
		rows.Close()
		// Plausible tag shares.
		persons := 25369.0
		for tag, bounds := range map[string][2]float64{"disabled": {0.02, 0.08}, "dibao": {0.01, 0.05}, "childbearing": {0.15, 0.35}, "correction": {0, 0.005}} {
			share := float64(count(t, db, `SELECT COUNT(DISTINCT person_id) FROM person_tags WHERE tag = $1`, tag)) / persons
			if share < bounds[0] || share > bounds[1] {
				t.Errorf("%s share %.3f outside %v", tag, share, bounds)
			}
		}
		if count(t, db, `SELECT COUNT(*) FROM person_tags t JOIN persons p ON p.id = t.person_id
			WHERE t.tag = 'childbearing' AND p.gender = 'M'`) != 0 {
			t.Error("men tagged 育龄妇女")
		}
		if _, err := Load(ctx, db, Options{Preset: "chengbei", Seed: 1, Today: today}, nil); err == nil {
			t.Error("loading chengbei twice should be refused")
		}
	})
}

func TestDeterministicAndCity(t *testing.T) {
	ctx := context.Background()
	e := testdb.Engines()[0]
	names := func() []string {
		db := dbtest.Open(t, e)
		sum, err := Load(ctx, db, Options{Preset: "city", Persons: 20000, Seed: 7, Today: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Persons != 20000 {
			t.Errorf("city persons = %d", sum.Persons)
		}
		if per := sum.Households / sum.Communities; per < 2500 || per > 3500 {
			t.Errorf("%d households per community", per)
		}
		rows, _ := db.Query(`SELECT name || id_number FROM persons ORDER BY id_number`)
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	a, b := names(), names()
	if len(a) != len(b) {
		t.Fatalf("runs differ in size: %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs differ at %d: %s vs %s", i, a[i], b[i])
		}
	}
}
