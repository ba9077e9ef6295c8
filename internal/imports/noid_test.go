package imports

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/register"
)

// A 民政 list of people without numbers: nobody like a row is made a new
// person without a document (once, however often the row comes), known by
// the birth month when the list gives no more; a row perhaps someone else
// is queued, and "不是同一人,新登记" makes them; the number a later list
// brings is taken by the person made without one, with the day of a birth
// known to the month.
func TestRowsWithoutNumbersBecomePersons(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// 张伟 born 1985-01-01 lives at 城北路14号2-201; this one, born the
		// same day, lives elsewhere: perhaps him, for a person to decide.
		text := "姓名,性别,出生日期,身份证号,现住址\n" +
			"刘小宝,男,2025-03-01,,城北路12号3号楼1-301\n" + // nobody like it: made
			"刘小宝,男,2025-03-01,,城北路12号3号楼1-301\n" + // the same again (another batch): that person
			"马小花,女,1990-07-07,,城北路14号2-201\n" + // made too
			"孙小红,,1990-08-08,,城北路14号2-201\n" + // no sex: refused, saying so
			"周小军,男,1990.09,,城北路14号2-201\n" + // a birth month only: made, born in that month
			"张伟,男,1985-01-01,,城南路88号\n" // queued
		path := f.write(t, "民政.csv", []byte(text))
		opts := func(o *Options) { o.Tag, o.Residence, o.BatchRows = "", register.ResidenceFloating, 2 }
		im, _ := f.importFile(t, access.System, path, "civil", f.cb.ID, Request{Adjust: opts})
		if got := counts(im); got != "created 3 merged 0 queued 1 rejected 1 unchanged 1" {
			t.Errorf("counts: %s", got)
		}
		rs, _ := f.svc.Rejects(ctx, access.Everything, im.ID, 0, 0)
		if len(rs) != 1 || !strings.Contains(rs[0].Reason, "也没有性别") {
			t.Errorf("rejects: %+v", rs)
		}
		made := func(name string) []register.Person {
			t.Helper()
			ps, _, err := f.reg.SearchPersons(ctx, access.Everything, register.PersonQuery{Text: name})
			if err != nil {
				t.Fatal(err)
			}
			return ps
		}
		baby := made("刘小宝")
		if len(baby) != 1 || baby[0].DocType != string(ident.DocNone) || baby[0].IDNumber != "" || baby[0].BirthDate != "2025-03-01" ||
			baby[0].Gender != "M" || baby[0].Residence != register.ResidenceFloating || baby[0].HouseholdID != f.h1.ID {
			t.Fatalf("刘小宝: %+v", baby)
		}
		if len(made("马小花")) != 1 {
			t.Error("马小花 was not made")
		}
		zxj := made("周小军")
		if len(zxj) != 1 || zxj[0].DocType != string(ident.DocNone) || zxj[0].Birth() != "1990-09" || !zxj[0].MonthOnly() ||
			zxj[0].BirthDate != "1990-09-30" || zxj[0].Gender != "M" || zxj[0].HouseholdID != f.h2.ID {
			t.Fatalf("周小军: %+v", zxj)
		}

		// Not 张伟: a person of his own, without a document.
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if err != nil || len(open) != 1 || open[0].PersonID != f.p4.ID {
			t.Fatalf("queue: %+v %v", open, err)
		}
		if err := f.svc.Resolve(ctx, access.System, open[0].ID, Resolution{Version: open[0].Version, Decision: DecideNew}); err != nil {
			t.Fatalf("不是同一人,新登记: %v", err)
		}
		zw := made("张伟")
		if len(zw) != 2 {
			t.Fatalf("张伟: %+v", zw)
		}

		// The same list again: everyone is found, nobody is made twice,
		// nothing is asked again.
		again := f.write(t, "民政-副本.csv", []byte(text+"\n"))
		im2, _ := f.importFile(t, access.System, again, "civil", f.cb.ID, Request{Adjust: opts})
		if got := counts(im2); got != "created 0 merged 0 queued 0 rejected 1 unchanged 5" {
			t.Errorf("again: %s", got)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM persons WHERE doc_type = 'none'`); n != 4 {
			t.Errorf("%d persons without a document, want 4", n)
		}

		// 公安's list brings the child's number: the register takes it;
		// and 周小军's, whose day of birth it gives in the month known.
		number := ident.MakeResidentID("610603", date(2025, 3, 1), 15)
		zxjNumber := ident.MakeResidentID("610603", date(1990, 9, 17), 35)
		police := f.write(t, "公安.csv", []byte("姓名,公民身份号码,现住址\n刘小宝,"+number+",城北路12号3号楼1-301\n"+
			"周小军,"+zxjNumber+",城北路14号2-201\n"))
		im3, _ := f.importFile(t, access.System, police, "police", f.cb.ID, Request{})
		if got := counts(im3); got != "created 0 merged 2 queued 0 rejected 0 unchanged 0" {
			t.Errorf("numbered: %s", got)
		}
		if p := f.person(t, baby[0].ID); p.IDNumber != number || p.DocType != string(ident.DocResidentID) {
			t.Errorf("刘小宝 numbered: %+v", p)
		}
		if p := f.person(t, zxj[0].ID); p.IDNumber != zxjNumber || p.DocType != string(ident.DocResidentID) ||
			p.BirthDate != "1990-09-17" || p.MonthOnly() || p.BirthPrecision != register.BirthByDay {
			t.Errorf("周小军 numbered: %+v", p)
		}
	})
}
