package imports

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The queue's bulk decisions: every incoming phone of one import taken,
// then every register value kept; questions of identity stay for a person.
func TestResolveBulk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		text := "姓名,身份证号,联系电话,民族,出生年月,现住址\n" +
			"李建国," + f.p1.IDNumber + ",13000000001,回族,,\n" +
			"王秀兰," + f.p2.IDNumber + ",13000000002,,,\n" +
			"张秀英," + f.p5.IDNumber + ",13000000005,,,\n" +
			"张伟,,,,1985.01," + f.p4.Address + "\n"
		im, _ := f.importFile(t, access.System, f.write(t, "计生.csv", []byte(text)), "health", f.cb.ID,
			Request{Adjust: func(o *Options) { o.Tag = "" }})
		if got := counts(im); got != "created 0 merged 0 queued 4 rejected 0 unchanged 0" {
			t.Fatalf("counts: %s", got)
		}
		if _, err := f.svc.ResolveBulk(ctx, access.System, Bulk{ImportID: im.ID, Choice: ChooseIncoming}); err == nil {
			t.Error("every field taken from the list at once")
		}
		res, err := f.svc.ResolveBulk(ctx, access.System, Bulk{ImportID: im.ID, Field: "phone", Choice: ChooseIncoming})
		if err != nil || res != (BulkResult{Decided: 2, Partly: 1}) {
			t.Fatalf("phones: %+v %v", res, err)
		}
		for _, c := range []struct {
			id    int64
			phone string
		}{{f.p1.ID, "13000000001"}, {f.p2.ID, "13000000002"}, {f.p5.ID, "13000000005"}} {
			if p := f.person(t, c.id); p.Phone != c.phone {
				t.Errorf("%s: phone %s", p.Name, p.Phone)
			}
		}
		open, _, _ := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if len(open) != 2 {
			t.Fatalf("open after the phones: %d", len(open))
		}
		for _, c := range open {
			if c.Kind == KindFields && (len(c.Fields) != 1 || c.Fields[0].Field != "ethnicity" || c.Version != 2) {
				t.Errorf("李建国's other field stays open: %+v", c)
			}
		}
		res, err = f.svc.ResolveBulk(ctx, access.System, Bulk{ImportID: im.ID, Choice: ChooseRegister})
		if err != nil || res != (BulkResult{Decided: 1}) {
			t.Fatalf("keep the register: %+v %v", res, err)
		}
		if p := f.person(t, f.p1.ID); p.Ethnicity != "01" {
			t.Errorf("ethnicity: %s", p.Ethnicity)
		}
		open, _, _ = f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if len(open) != 1 || open[0].Kind != KindIdentity {
			t.Errorf("the identity question stays: %+v", open)
		}
		// The values kept are remembered: the list again queues only the
		// identity question, already open.
		im2, _ := f.importFile(t, access.System, f.write(t, "计生-2.csv", []byte(text+"\n")), "health", f.cb.ID,
			Request{Adjust: func(o *Options) { o.Tag = "" }})
		if got := counts(im2); got != "created 0 merged 0 queued 1 rejected 0 unchanged 3" {
			t.Errorf("again: %s", got)
		}
		if f.count(t, `SELECT COUNT(*) FROM import_conflicts WHERE status = 'open'`) != 1 {
			t.Error("queued again")
		}
	})
}
