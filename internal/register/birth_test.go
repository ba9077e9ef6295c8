package register

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// A year and month stand for a birth only where no document gives the day:
// they are kept as the month, and a full date makes the birth a day again.
func TestBirthMonthValidation(t *testing.T) {
	today := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	noDoc := func(birth, precision string) Person {
		return Person{Name: "周小军", DocType: "none", Gender: "M", BirthDate: birth, BirthPrecision: precision,
			Residence: ResidenceFloating, OrgID: 1}
	}
	for _, c := range []struct {
		name             string
		p                Person
		date, precision  string
		field, errSubstr string
	}{
		{"year-month", noDoc("1990-09", ""), "1990-09-30", BirthByMonth, "", ""},
		{"as a roster writes it", noDoc("1990年9月", ""), "1990-09-30", BirthByMonth, "", ""},
		{"with dots", noDoc("1990.09", ""), "1990-09-30", BirthByMonth, "", ""},
		{"digits", noDoc("199002", ""), "1990-02-28", BirthByMonth, "", ""},
		{"full-width", noDoc("１９９６年０２月", ""), "1996-02-29", BirthByMonth, "", ""},
		{"this month", noDoc("2026-06", ""), "2026-06-30", BirthByMonth, "", ""},
		{"a month kept as stored", noDoc("1990-09-30", BirthByMonth), "1990-09-30", BirthByMonth, "", ""},
		{"a day typed over a month", noDoc("1990-09-17", BirthByMonth), "1990-09-17", BirthByDay, "", ""},
		{"a full date", noDoc("1990-09-30", ""), "1990-09-30", BirthByDay, "", ""},
		{"next month", noDoc("2026-07", ""), "", "", "birth_date", "不能晚于本月"},
		{"not a month", noDoc("1990-13", ""), "", "", "birth_date", "只知出生年月的可填 年-月"},
		{"a passport's holder", Person{Name: "John", DocType: "passport", IDNumber: "E12345678", Gender: "M", BirthDate: "1990-09",
			Residence: ResidenceOverseas, OrgID: 1}, "", "", "birth_date", "仅限“无证件”人员"},
		{"a passport for a person known by the month", Person{Name: "John", DocType: "passport", IDNumber: "E12345678", Gender: "M",
			BirthDate: "1990-09-30", BirthPrecision: BirthByMonth, Residence: ResidenceOverseas, OrgID: 1}, "", "", "birth_date", "完整的出生日期"},
		{"a resident ID gives the day", Person{Name: "李明", IDNumber: ident.MakeResidentID("610603", date(1990, 9, 17), 51),
			BirthDate: "1990-09", BirthPrecision: BirthByMonth, Residence: ResidenceRegistered, OrgID: 1}, "1990-09-17", BirthByDay, "", ""},
	} {
		p := c.p
		err := ValidatePerson(&p, today)
		if c.field != "" {
			if fe := fault.FieldsOf(err); !strings.Contains(fe[c.field], c.errSubstr) {
				t.Errorf("%s: %v, want %q at %s", c.name, err, c.errSubstr, c.field)
			}
			continue
		}
		if err != nil || p.BirthDate != c.date || p.BirthPrecision != c.precision {
			t.Errorf("%s: %q %q %v, want %q %q", c.name, p.BirthDate, p.BirthPrecision, err, c.date, c.precision)
		}
	}
	if got := (Person{BirthDate: "1990-09-30", BirthPrecision: BirthByMonth}).BirthShown(); got != "1990年09月" {
		t.Errorf("shown: %q", got)
	}
	if got := (Person{BirthDate: "1990-09-30", BirthPrecision: BirthByDay}).BirthShown(); got != "1990-09-30" {
		t.Errorf("shown: %q", got)
	}
}

// A person known by a birth month is stored, read, exported, edited and
// given a number like anyone, and shows the month, never a day.
func TestPersonBornInAMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p := Person{HouseholdID: f.household.ID, Name: "周小军", DocType: "none", Gender: "M", BirthDate: "1990年09月",
			Residence: ResidenceFloating, Relation: "20"}
		if err := f.store.CreatePerson(ctx, f.actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		var stored, precision string
		if err := db.QueryRowContext(ctx, `SELECT birth_date, birth_precision FROM persons WHERE id = $1`, p.ID).
			Scan(&stored, &precision); err != nil || stored != "1990-09-30" || precision != BirthByMonth {
			t.Fatalf("stored %q %q %v", stored, precision, err)
		}
		if n := countWhere(t, db, `birth_precision = 'day'`); n != 2 {
			t.Errorf("%d persons known to the day, want the 2 made before", n)
		}
		got, err := f.store.Person(ctx, access.Everything, p.ID)
		if err != nil || got.Birth() != "1990-09" || !got.MonthOnly() {
			t.Fatalf("read: %+v %v", got, err)
		}
		b, _ := json.Marshal(got)
		if !strings.Contains(string(b), `"birth_precision":"month"`) || !strings.Contains(string(b), `"birth_date":"1990-09-30"`) {
			t.Errorf("JSON: %s", b)
		}

		// Whoever may not see the birth does not see its precision either.
		gw := f.viewer(t, 1, "grid_worker", f.grid1.ID)
		if hidden := hiddenFields(t, gw.Scope(access.RegisterRead), got.Place()); hidden["birth_date"] {
			seen, _ := f.store.Person(ctx, gw.Scope(access.RegisterRead), p.ID)
			if seen.BirthPrecision != "" {
				t.Errorf("precision shown without the birth: %+v", seen)
			}
		}

		// An edit of another field keeps the month.
		got.Phone = "13909110009"
		if err := f.store.UpdatePerson(ctx, f.actor, access.Everything, &got); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.store.Person(ctx, access.Everything, p.ID); again.Birth() != "1990-09" {
			t.Errorf("after an edit: %+v", again)
		}
		exported := ""
		f.store.EachForExport(ctx, access.Everything, "", "", func(r *ExportRow) error {
			if r.Person.ID == p.ID {
				exported = r.Person.Birth()
			}
			return nil
		})
		if exported != "1990-09" {
			t.Errorf("export: %q", exported)
		}

		// He may leave in the month he was born in (he was born by its
		// first day at the latest), not before it.
		if err := f.store.RecordLeaving(ctx, f.actor, access.Everything, Leaving{PersonID: p.ID, Version: got.Version,
			Status: "moved_out", On: "1990-08-31", To: "西安"}); fault.FieldsOf(err)["left_on"] == "" {
			t.Errorf("left before the month of birth: %v", err)
		}

		// The number comes: the day is the number's.
		got, _ = f.store.Person(ctx, access.Everything, p.ID)
		got.DocType, got.IDNumber = string(ident.DocResidentID), ident.MakeResidentID("610603", date(1990, time.September, 17), 35)
		if err := f.store.UpdatePerson(ctx, f.actor, access.Everything, &got); err != nil {
			t.Fatal(err)
		}
		got, _ = f.store.Person(ctx, access.Everything, p.ID)
		if got.BirthDate != "1990-09-17" || got.MonthOnly() || got.BirthShown() != "1990-09-17" {
			t.Errorf("numbered: %+v", got)
		}
		hist, err := f.store.History(ctx, access.Everything.Fields(got.Place()), "person", p.ID)
		if err != nil || len(hist) == 0 {
			t.Fatalf("history: %v", err)
		}
		var precisionChange *FieldChange
		for i, fc := range hist[0].Fields {
			if fc.Field == "birth_precision" {
				precisionChange = &hist[0].Fields[i]
			}
		}
		if precisionChange == nil || precisionChange.Before != BirthByMonth || precisionChange.After != BirthByDay {
			t.Errorf("the day's arrival in the history: %+v", hist[0].Fields)
		}
	})
}

func countWhere(t *testing.T, db *database.DB, cond string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM persons WHERE `+cond).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func hiddenFields(t *testing.T, sc access.Scope, pl access.Place) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, fl := range Fields["person"] {
		out[fl] = !sc.Fields(pl).CanSee("person", fl)
	}
	return out
}
