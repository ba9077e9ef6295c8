package imports

import (
	"context"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/register"
)

// Persons a roster knew by their birth month alone meet later lists: a
// date in that month makes a candidate, not a disagreement on the birth,
// and confirmed it gives the day; a number whose date lies in another
// month is somebody else; "不是同一人" on a row with a month makes a person
// born in that month.
func TestBirthMonthPersonsMeetLaterLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		health := f.write(t, "计生.csv", []byte("姓名,性别,出生年月,身份证号,现住址\n"+
			"王小丽,女,1988年03月,,城北路14号2-201\n"+
			"孙大勇,男,1979.03,,城北路12号3号楼1-301\n"+
			"张伟,男,1985-1,,城北路14号2-201\n")) // perhaps 张伟 born 1985-01-01: queued
		opts := func(o *Options) { o.Tag, o.Residence = "", register.ResidenceFloating }
		im, _ := f.importFile(t, access.System, health, "health", f.cb.ID, Request{Adjust: opts})
		if got := counts(im); got != "created 2 merged 0 queued 1 rejected 0 unchanged 0" {
			t.Fatalf("counts: %s", got)
		}
		find := func(name string) []register.Person {
			t.Helper()
			ps, _, err := f.reg.SearchPersons(ctx, access.Everything, register.PersonQuery{Text: name})
			if err != nil {
				t.Fatal(err)
			}
			return ps
		}
		wxl, sdy := find("王小丽"), find("孙大勇")
		if len(wxl) != 1 || wxl[0].Birth() != "1988-03" || len(sdy) != 1 || sdy[0].Birth() != "1979-03" {
			t.Fatalf("made: %+v %+v", wxl, sdy)
		}

		// "不是同一人": 张伟 born in January 1985 is made, known by the month.
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if err != nil || len(open) != 1 || open[0].PersonID != f.p4.ID {
			t.Fatalf("queue: %+v %v", open, err)
		}
		if err := f.svc.Resolve(ctx, access.System, open[0].ID, Resolution{Version: open[0].Version, Decision: DecideNew}); err != nil {
			t.Fatalf("不是同一人,新登记: %v", err)
		}
		zw := find("张伟")
		months := 0
		for _, p := range zw {
			if p.MonthOnly() && p.Birth() == "1985-01" && p.DocType == string(ident.DocNone) {
				months++
			}
		}
		if len(zw) != 2 || months != 1 {
			t.Errorf("张伟: %+v", zw)
		}

		// 民政 lists 王小丽 with a full date in her month, no number: a
		// candidate for a person to confirm, the birth not in dispute.
		civil := f.write(t, "民政.csv", []byte("姓名,性别,出生日期,现住址\n王小丽,女,1988-03-15,城北路14号2-201\n"))
		im2, _ := f.importFile(t, access.System, civil, "civil", f.cb.ID, Request{Adjust: opts})
		if got := counts(im2); got != "created 0 merged 0 queued 1 rejected 0 unchanged 0" {
			t.Fatalf("a date in the month: %s", got)
		}
		open, _, err = f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im2.ID})
		if err != nil || len(open) != 1 || open[0].Kind != KindIdentity || open[0].PersonID != wxl[0].ID {
			t.Fatalf("queue: %+v %v", open, err)
		}
		for _, d := range open[0].Fields {
			if d.Field == "birth_date" {
				t.Errorf("a date in the month known is no disagreement: %+v", d)
			}
		}
		if err := f.svc.Resolve(ctx, access.System, open[0].ID, Resolution{Version: open[0].Version, Decision: DecideSame,
			Choices: map[string]string{}}); err != nil {
			t.Fatal(err)
		}
		if p := f.person(t, wxl[0].ID); p.BirthDate != "1988-03-15" || p.MonthOnly() {
			t.Errorf("王小丽 confirmed: %+v", p)
		}

		// 公安 lists a 孙大勇 whose number says May 1979: not the one born
		// in March, whatever the name and address.
		other := ident.MakeResidentID("610603", date(1979, 5, 5), 71)
		police := f.write(t, "公安.csv", []byte("姓名,公民身份号码,现住址\n孙大勇,"+other+",城北路12号3号楼1-301\n"))
		im3, _ := f.importFile(t, access.System, police, "police", f.cb.ID, Request{})
		if got := counts(im3); got != "created 1 merged 0 queued 0 rejected 0 unchanged 0" {
			t.Errorf("another month: %s", got)
		}
		if p := f.person(t, sdy[0].ID); p.IDNumber != "" || p.Birth() != "1979-03" {
			t.Errorf("孙大勇 born in March: %+v", p)
		}
	})
}
