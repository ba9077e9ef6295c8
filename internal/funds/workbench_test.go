package funds

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestWorkbench: an idle fund is on the board of its community's staff,
// not on another community's; spending from it takes it off.
func TestWorkbench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		acs := access.NewService(db)
		user := func(id int64, name string, unit int64) *access.Viewer {
			t.Helper()
			if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
				VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, name); err != nil {
				t.Fatal(err)
			}
			if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: "community_staff", Units: []int64{unit}}); err != nil {
				t.Fatal(err)
			}
			v, err := acs.Viewer(ctx, id, name)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		ours, theirs := user(12, "李干事", f.cb.ID), user(13, "王干事", f.other.ID)
		fd, err := f.s.Create(ctx, f.staff, f.cb.ID, Draft{Kind: "special", Name: "微更新专项", Year: 2026, IdleDays: "90"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Receive(ctx, f.staff, fd.ID, Receipt{AmountYuan: "5000", OnDate: "2026-06-01", Payer: "区住建局"}); err != nil {
			t.Fatal(err)
		}
		secs, err := f.s.Workbench(ctx, ours, *f.clock)
		if err != nil || len(secs) != 1 || len(secs[0].Items) != 1 || !strings.HasPrefix(secs[0].Items[0].Link, "/funds/") {
			t.Fatalf("the staff's board: %+v %v", secs, err)
		}
		if secs, _ := f.s.Workbench(ctx, theirs, *f.clock); len(secs) != 0 {
			t.Fatalf("another community's board shows the fund: %+v", secs)
		}
		if _, err := f.s.Spend(ctx, f.staff, fd.ID, Expense{AmountYuan: "100", OnDate: "2026-11-01", Category: "repair",
			Payee: "施工队", Description: "加装扶手"}); err != nil {
			t.Fatal(err)
		}
		if secs, _ := f.s.Workbench(ctx, ours, *f.clock); len(secs) != 0 {
			t.Fatalf("still idle after an expense 19 days ago: %+v", secs)
		}
	})
}
