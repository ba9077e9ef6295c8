package imports

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// A list opened and saved again (other bytes, the same rows), imported a
// day later while a conflict of the first import is still open, changes
// nothing: no change event, no conflict queued or superseded.
func TestResavedCopy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		orig := policeWorkbook(t, f)
		im, _ := f.importFile(t, access.System, f.write(t, "公安.xlsx", orig), "police", f.cb.ID, Request{})
		if im.Queued != 1 {
			t.Fatalf("first import: %s", counts(im))
		}
		x, err := excelize.OpenReader(bytes.NewReader(orig))
		if err != nil {
			t.Fatal(err)
		}
		x.SetDocProps(&excelize.DocProperties{Creator: "另存"})
		resaved := saveXLSX(t, x)
		if bytes.Equal(resaved, orig) {
			t.Fatal("the copy is the same file")
		}
		events := f.count(t, `SELECT COUNT(*) FROM change_events`)
		conflicts := f.count(t, `SELECT COUNT(*) FROM import_conflicts`)
		f.svc.now = func() time.Time { return today.AddDate(0, 0, 1) }
		im2, how := f.importFile(t, access.System, f.write(t, "公安(另存).xlsx", resaved), "police", f.cb.ID, Request{})
		if how != CreatedNew || counts(im2) != "created 0 merged 0 queued 1 rejected 4 unchanged 9" {
			t.Errorf("the copy: %v %s", how, counts(im2))
		}
		if n := f.count(t, `SELECT COUNT(*) FROM change_events`); n != events {
			t.Errorf("the copy wrote %d change events", n-events)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM import_conflicts`); n != conflicts {
			t.Errorf("the copy queued %d conflicts", n-conflicts)
		}
		if n, _ := f.svc.CountConflicts(ctx, access.Everything); n != 1 {
			t.Errorf("%d open conflicts, want the first import's one", n)
		}

		// A tag no rule decides, without a start date in the list: asked
		// once, not again the next day.
		list := []byte("姓名,身份证号\n王秀兰," + f.p2.IDNumber + "\n")
		f.svc.now = func() time.Time { return today }
		tagged, _ := f.importFile(t, access.System, f.write(t, "名单.csv", list), "police", f.cb.ID, Request{Adjust: func(o *Options) { o.Tag = "living_alone" }})
		if tagged.Queued != 1 {
			t.Fatalf("the tag: %s", counts(tagged))
		}
		conflicts = f.count(t, `SELECT COUNT(*) FROM import_conflicts`)
		f.svc.now = func() time.Time { return today.AddDate(0, 0, 1) }
		tagged2, _ := f.importFile(t, access.System, f.write(t, "名单-另存.csv", append(list, '\n')), "police", f.cb.ID, Request{Adjust: func(o *Options) { o.Tag = "living_alone" }})
		if tagged2.Queued != 1 || f.count(t, `SELECT COUNT(*) FROM import_conflicts`) != conflicts ||
			f.count(t, `SELECT COUNT(*) FROM import_conflicts WHERE status = 'superseded'`) != 0 {
			t.Errorf("the tag asked again the next day: %s", counts(tagged2))
		}
	})
}
