package register

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// A child not yet in a 户口簿 and a 流动人口 without papers are registered
// without a number, and found, masked, exported and numbered later like
// anyone; numbers stay unique where there is one.
func TestPersonsWithoutDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		add := func(p Person) (Person, error) {
			p.HouseholdID = f.household.ID
			err := f.store.CreatePerson(ctx, f.actor, access.Everything, &p)
			return p, err
		}
		child, err := add(Person{Name: "李小宝", DocType: "无证件", Gender: "M", BirthDate: "2025年3月1日", Residence: ResidenceRegistered, Relation: "20"})
		if err != nil {
			t.Fatal(err)
		}
		if child.DocType != string(ident.DocNone) || child.IDNumber != "" || child.BirthDate != "2025-03-01" {
			t.Errorf("child as stored: %+v", child)
		}
		// A second person without a number in the same community.
		worker, err := add(Person{Name: "马小花", DocType: "none", Gender: "F", BirthDate: "1990-07-07", Residence: ResidenceFloating})
		if err != nil {
			t.Fatalf("a second person without a number: %v", err)
		}

		for _, tt := range []struct {
			name  string
			p     Person
			field string
			msg   string
		}{
			{"resident ID left empty", Person{Name: "甲", Residence: ResidenceRegistered}, "id_number", "无证件"},
			{"no document with a number", Person{Name: "乙", DocType: "none", IDNumber: "E12345678", Gender: "M", BirthDate: "1990-01-01", Residence: ResidenceRegistered}, "id_number", "不填写证件号码"},
			{"no document, no birth date", Person{Name: "丙", DocType: "none", Gender: "M", Residence: ResidenceRegistered}, "birth_date", "不能为空"},
			{"no document, no sex", Person{Name: "丁", DocType: "none", BirthDate: "1990-01-01", Residence: ResidenceRegistered}, "gender", "性别"},
		} {
			before := countRows(t, db)
			_, err := add(tt.p)
			if fe := fault.FieldsOf(err); !strings.Contains(fe[tt.field], tt.msg) {
				t.Errorf("%s: %v, want %q at %s", tt.name, err, tt.msg, tt.field)
			}
			if countRows(t, db) != before {
				t.Errorf("%s: something was saved", tt.name)
			}
		}

		// The database keeps numbers unique where there is one, empty ones
		// being nobody's.
		insert := func(id int64, number string) error {
			_, err := db.ExecContext(ctx, `INSERT INTO persons (community_id, id, org_id, name, doc_type, id_number, gender,
				birth_date, residence, created_at, updated_at) VALUES ($1, $2, $3, '测试', $4, $5, 'M', '1990-01-01',
				'registered', '', '')`, f.cb.ID, id, f.cb.ID, "none", number)
			return err
		}
		if err := insert(database.NewID(), ""); err != nil {
			t.Errorf("a third empty number: %v", err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO persons (community_id, id, org_id, name, doc_type, id_number, gender,
			birth_date, residence, created_at, updated_at) VALUES ($1, $2, $3, '测试', 'resident_id', $4, 'M', '1968-03-09',
			'registered', '', '')`, f.cb.ID, database.NewID(), f.cb.ID, f.head.IDNumber); err == nil {
			t.Error("the database took a second person with the head's number")
		}

		// Found by name and listed; masking has nothing to mask.
		ps, _, err := f.store.SearchPersons(ctx, access.Everything, PersonQuery{Text: "小宝"})
		if err != nil || len(ps) != 1 || ps[0].ID != child.ID {
			t.Fatalf("search: %+v %v", ps, err)
		}
		gw := f.viewer(t, 1, "grid_worker", f.grid1.ID)
		masked, err := f.store.Person(ctx, gw.Scope(access.RegisterRead), child.ID)
		if err != nil || masked.IDNumber != "" || masked.BirthDate != "2025-03-01" {
			t.Errorf("a grid worker's read: %+v %v", masked, err)
		}
		exported := map[int64]string{}
		if err := f.store.EachForExport(ctx, access.Everything, "", "", func(r *ExportRow) error {
			exported[r.Person.ID] = r.Person.DocType + "|" + r.Person.IDNumber
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if exported[child.ID] != "none|" || exported[worker.ID] != "none|" {
			t.Errorf("export: %v", exported)
		}
		if ps, err := f.store.PersonsByDocument(ctx, []string{""}); err != nil || len(ps) != 0 {
			t.Errorf("an empty number found %d persons: %v", len(ps), err)
		}

		// The number comes later: birth and sex are then the number's.
		p, err := f.store.Person(ctx, access.Everything, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		number := ident.MakeResidentID("610603", date(2025, time.March, 2), 13)
		p.DocType, p.IDNumber = string(ident.DocResidentID), number
		if err := f.store.UpdatePerson(ctx, f.actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.store.Person(ctx, access.Everything, child.ID); p.IDNumber != number || p.BirthDate != "2025-03-02" {
			t.Errorf("numbered: %+v", p)
		}
		// And another's number is refused as before.
		p, _ = f.store.Person(ctx, access.Everything, worker.ID)
		p.DocType, p.IDNumber = string(ident.DocResidentID), number
		var fe fault.Fields
		if err := f.store.UpdatePerson(ctx, f.actor, access.Everything, &p); !errors.As(err, &fe) || fe["id_number"] == "" {
			t.Errorf("another's number: %v", err)
		}
	})
}
