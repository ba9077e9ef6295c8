package imports

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/sheets"
)

func TestBirthMonth(t *testing.T) {
	for _, c := range []struct {
		cell        sheets.Cell
		monthColumn bool
		date, month string
		wantErr     bool
	}{
		{sheets.Cell{Value: "1979年03月"}, true, "", "1979-03", false},
		{sheets.Cell{Value: "1979年3月"}, false, "", "1979-03", false},
		{sheets.Cell{Value: "1979.03"}, true, "", "1979-03", false},
		{sheets.Cell{Value: "1979-3"}, true, "", "1979-03", false},
		{sheets.Cell{Value: "197903"}, true, "", "1979-03", false},
		{sheets.Cell{Value: "197903", Number: true}, true, "", "1979-03", false},
		{sheets.Cell{Value: "１９７９.０３"}, true, "", "1979-03", false},
		{sheets.Cell{Value: "1979-03-09"}, true, "1979-03-09", "", false},
		{sheets.Cell{Value: "28923", Date: true, Number: true}, true, "", "1979-03", false}, // an Excel date shown as 1979年3月
		{sheets.Cell{Value: "28923", Date: true, Number: true}, false, "1979-03-09", "", false},
		{sheets.Cell{Value: "197913"}, true, "", "", true},
		{sheets.Cell{Value: "不详"}, true, "", "", true},
	} {
		d, m, err := parseBirthValue(c.cell, false, c.monthColumn)
		if d != c.date || m != c.month || (err != nil) != c.wantErr {
			t.Errorf("parseBirthValue(%+v, %v) = %q %q %v", c.cell, c.monthColumn, d, m, err)
		}
	}
	if !monthLabel("出生年月") || monthLabel("出生年月日") || monthLabel("出生日期") {
		t.Error("monthLabel")
	}
}

// A 计生 roster as departments keep it: 出生年月 without a day, rows
// without an ID number, namesakes with numbers of their own.
func TestMonthsAndRowsWithoutNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		chen1 := ident.MakeResidentID("610603", date(1992, 4, 4), 62)
		chen2 := ident.MakeResidentID("610603", date(1993, 5, 5), 64)
		text := "姓名,性别,出生年月,身份证号,现住址,联系电话\n" +
			"王秀兰,女,1970年08月," + f.p2.IDNumber + "," + f.p2.Address + ",\n" + // the month agrees: unchanged
			"李建国,男,1968.04," + f.p1.IDNumber + "," + f.p1.Address + ",\n" + // the month contradicts the ID: refused
			"张秀英,女,1987-02-02,," + f.p5.Address + "," + f.p5.Phone + "\n" + // no number; date and address: the same person, unchanged
			"李明,男,2000-05-05,," + f.p3.Address + ",13900000003\n" + // no number, found: the phone it lacked is merged
			"张伟,男,1985-1,," + f.p4.Address + ",\n" + // no number, a month only: a person confirms
			"李明,男,2000-06-01,,城南路99号,\n" + // no number, nobody like it: a new person without a document
			"陈静,女,1992-04-04," + chen1 + "," + f.p1.Address + ",\n" + // two namesakes with numbers of their own: two people
			"陈静,女,1993-05-05," + chen2 + "," + f.p1.Address + ",\n" +
			"——,——,——,——,——,——\n" + // a separator line
			",,,,, \n" +
			"合计:8人,合计:8人,合计:8人,合计:8人,合计:8人,合计:8人\n" + // a closing line merged across
			",制表人:王芳,,审核人: 李四,,\n" +
			"2026年11月1日填报(本表共8人),2026年11月1日填报(本表共8人),,,,\n"
		path := f.write(t, "计生.csv", []byte(text))
		im, _ := f.importFile(t, access.System, path, "health", f.cb.ID, Request{Adjust: func(o *Options) { o.BatchRows = 1; o.Tag = "" }})
		if got := counts(im); got != "created 3 merged 1 queued 1 rejected 1 unchanged 2" {
			t.Errorf("counts: %s", got)
		}
		rs, _ := f.svc.Rejects(ctx, access.Everything, im.ID, 0, 0)
		if len(rs) != 1 || !strings.Contains(rs[0].Reason, "出生年月 1968-04 与身份证号码中的 1968-03 不一致") {
			t.Errorf("rejects: %+v", rs)
		}
		if p := f.person(t, f.p3.ID); p.Phone != "13900000003" {
			t.Errorf("李明 without a number: %+v", p)
		}
		if ps, _ := f.reg.PersonsByDocument(ctx, []string{chen1, chen2}); len(ps) != 2 {
			t.Errorf("two 陈静: %d", len(ps))
		}
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if err != nil || len(open) != 1 || open[0].Kind != KindIdentity || open[0].PersonID != f.p4.ID || open[0].RowNum != 6 {
			t.Fatalf("queue: %+v %v", open, err)
		}
		for _, d := range open[0].Fields {
			if d.Field == "id_number" {
				t.Errorf("a row without a number disagrees on nothing there: %+v", d)
			}
		}
		c := open[0]
		if err := f.svc.Resolve(ctx, access.System, c.ID, Resolution{Version: c.Version, Decision: DecideSame, Choices: map[string]string{}}); err != nil {
			t.Fatal(err)
		}
		// The decision holds: the same rows again are found at once.
		again := f.write(t, "计生-副本.csv", []byte(text+"\n"))
		im2, _ := f.importFile(t, access.System, again, "health", f.cb.ID, Request{Adjust: func(o *Options) { o.Tag = "" }})
		if got := counts(im2); got != "created 0 merged 0 queued 0 rejected 1 unchanged 7" {
			t.Errorf("again: %s", got)
		}

		// A roster with no number column at all: names and birth months,
		// for a person to confirm (the decision above was 计生's, not 民政's).
		noColumn := f.write(t, "民政.csv", []byte("姓名,出生年月,住址\n张伟,1985年01月,"+f.p4.Address+"\n李明,2000.05,"+f.p3.Address+"\n"))
		im3, _ := f.importFile(t, access.System, noColumn, "civil", f.cb.ID, Request{Adjust: func(o *Options) { o.Tag = "" }})
		if got := counts(im3); got != "created 0 merged 0 queued 2 rejected 0 unchanged 0" {
			t.Errorf("without a number column: %s", got)
		}
	})
}
