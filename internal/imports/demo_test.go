package imports

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/demo"
)

// TestChengbeiWorkbooks imports the four department lists `shequ demo
// --workbooks` writes into the 城北 register they were made from. What each
// row should become is known to the generator; the result is also pinned
// here, as documented in the README.
func TestChengbeiWorkbooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		opt := demo.Options{Preset: "chengbei", Seed: 1, Today: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
		if _, err := demo.Load(ctx, db, opt, nil); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		wbs, err := demo.WriteWorkbooks(opt, dir)
		if err != nil {
			t.Fatal(err)
		}
		var unit int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = 'community'`).Scan(&unit); err != nil {
			t.Fatal(err)
		}
		svc := NewService(db)
		svc.now = func() time.Time { return opt.Today }
		pinned := map[string]string{
			"police":   "created 25 merged 65 queued 0 rejected 18 unchanged 13877",
			"health":   "created 15 merged 20 queued 30 rejected 3 unchanged 6844",
			"civil":    "created 5 merged 416 queued 6 rejected 3 unchanged 0",
			"disabled": "created 5 merged 1231 queued 5 rejected 6 unchanged 0",
		}
		for _, wb := range wbs {
			path := filepath.Join(dir, wb.File)
			im, how, err := svc.Create(ctx, access.System, Request{UnitID: unit, Department: wb.Department, Path: path, FileName: wb.File})
			if err != nil || how != CreatedNew {
				t.Fatalf("%s: %v %v", wb.File, how, err)
			}
			if err := svc.Run(ctx, access.System, im.ID, path, nil); err != nil {
				t.Fatalf("%s: %v", wb.File, err)
			}
			im, _ = svc.Import(ctx, access.Everything, im.ID)
			got := counts(im)
			want := counts(&Import{Counts: Counts{Created: wb.Created, Merged: wb.Merged, Queued: wb.Queued, Rejected: wb.Rejected, Unchanged: wb.Unchanged}})
			if got != want {
				t.Errorf("%s: %s, the generator meant %s", wb.File, got, want)
			}
			if got != pinned[wb.Department] {
				t.Errorf("%s: %s, documented %s", wb.File, got, pinned[wb.Department])
			}
		}
		var open int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM import_conflicts WHERE status = 'open'`).Scan(&open)
		if open != 41 {
			t.Errorf("%d open conflicts, want 41", open)
		}
		// Each list again: recognised, nothing to do.
		for _, wb := range wbs {
			path := filepath.Join(dir, wb.File)
			if _, how, err := svc.Create(ctx, access.System, Request{UnitID: unit, Department: wb.Department, Path: path, FileName: wb.File}); err != nil || how != CreatedDuplicate {
				t.Errorf("%s again: %v %v", wb.File, how, err)
			}
		}
	})
}
