package workdays

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

func TestEditAndImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		// A local holiday on an ordinary Monday, then removed again.
		if err := SetDay(ctx, db, Day{Date: "2026-03-02", Kind: Holiday, Name: "地方节日"}); err != nil {
			t.Fatal(err)
		}
		cal, err := Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if cal.IsWorkday(Date(2026, 3, 2)) || cal.Day(Date(2026, 3, 2)).Name != "地方节日" {
			t.Error("SetDay not applied")
		}
		if err := DeleteDay(ctx, db, "2026-03-02"); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []Day{
			{Date: "2026-02-30", Kind: Holiday, Name: "x"},
			{Date: "2026-03-02", Kind: "rest", Name: "x"},
			{Date: "2026-03-02", Kind: Holiday, Name: " "},
		} {
			if err := SetDay(ctx, db, bad); err == nil {
				t.Errorf("SetDay(%+v) accepted", bad)
			}
		}

		// Working hours.
		if err := SetHours(ctx, db, []Period{{9 * 60, 12 * 60}, {13*60 + 30, 18 * 60}}); err != nil {
			t.Fatal(err)
		}
		if err := SetHours(ctx, db, []Period{{9 * 60, 8 * 60}}); err == nil {
			t.Error("bad hours saved")
		}
		cal, err = Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !cal.IsWorkday(Date(2026, 3, 2)) {
			t.Error("DeleteDay not applied")
		}
		if got := cal.AddWorkdays(at(2026, 3, 2, 10, 0), 1); !got.Equal(at(2026, 3, 3, 18, 0)) {
			t.Errorf("hours from the database not used: %s", got)
		}

		// The official 2027 schedule replaces the provisional one: a year
		// at a time, all or nothing.
		official := "日期,类型,名称\n2027-01-01,休,元旦\n2027-01-02,休,元旦\n2027-01-03,休,元旦\n" +
			"2027-02-05,休,春节\n2027-02-12,休,春节\n2027-02-20,班,春节调休上班\n"
		before, _ := Load(ctx, db)
		bad := official + "2027-13-01,休,坏日期\n"
		_, err = ImportCSV(ctx, db, strings.NewReader(bad), "测试")
		var ie *ImportError
		if !errors.As(err, &ie) || ie.Line != 8 {
			t.Fatalf("bad line not reported by number: %v", err)
		}
		after, _ := Load(ctx, db)
		if len(after.Days(2027)) != len(before.Days(2027)) {
			t.Error("a failed import changed the calendar")
		}
		years, err := ImportCSV(ctx, db, strings.NewReader(official), "国务院办公厅关于2027年部分节假日安排的通知")
		if err != nil {
			t.Fatal(err)
		}
		if len(years) != 1 || years[0].Year != 2027 || years[0].Provisional {
			t.Errorf("years = %+v", years)
		}
		cal, _ = Load(ctx, db)
		if cal.Years()[1].Provisional || len(cal.Days(2027)) != 6 {
			t.Errorf("2027 not replaced: %+v, %d days", cal.Years(), len(cal.Days(2027)))
		}
		if cal.IsWorkday(Date(2027, 2, 12)) || !cal.IsWorkday(Date(2027, 2, 20)) || !cal.IsWorkday(Date(2027, 2, 10)) {
			t.Error("imported 2027 not in force")
		}
		if len(cal.Days(2026)) != 39 {
			t.Error("import touched another year")
		}
		var out strings.Builder
		if err := cal.WriteCSV(&out, 2027); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "2027-02-20,班,春节调休上班") {
			t.Errorf("WriteCSV:\n%s", out.String())
		}
		if _, err := ImportCSV(ctx, db, strings.NewReader("2028-01-01,假,元旦\n"), ""); err == nil {
			t.Error("unknown kind accepted")
		}
	})
}
