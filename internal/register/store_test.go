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

func TestCreatePersonDerivesFromID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		p, err := f.store.Person(context.Background(), access.Everything, f.head.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Gender != "M" || p.BirthDate != "1968-03-09" || p.CommunityID != f.cb.ID || p.GridID != f.grid1.ID || p.OrgID != f.building.ID {
			t.Errorf("person not placed or derived: %+v", p)
		}
	})
}

func TestInvalidInputSavesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tests := []struct {
			name  string
			p     Person
			field string
		}{
			{"bad check digit", Person{Name: "张三", IDNumber: "110105194912310021", Residence: "registered"}, "id_number"},
			{"bad phone", Person{Name: "张三", IDNumber: ident.MakeResidentID("610603", date(1990, 1, 2), 11), Residence: "registered", Phone: "1234"}, "phone"},
			{"bad date", Person{Name: "张三", IDNumber: ident.MakeResidentID("610603", date(1990, 1, 2), 13), Residence: "registered", MovedInOn: "2020-02-30"}, "moved_in_on"},
			{"no name", Person{IDNumber: ident.MakeResidentID("610603", date(1990, 1, 2), 15), Residence: "registered"}, "name"},
			{"bad residence", Person{Name: "张三", IDNumber: ident.MakeResidentID("610603", date(1990, 1, 2), 17), Residence: "x"}, "residence"},
			{"bad ethnicity", Person{Name: "张三", IDNumber: ident.MakeResidentID("610603", date(1990, 1, 2), 19), Residence: "registered", Ethnicity: "火星族"}, "ethnicity"},
			{"duplicate ID", Person{Name: "李某", IDNumber: f.head.IDNumber, Residence: "registered"}, "id_number"},
			{"passport without birth date", Person{Name: "John", DocType: "passport", IDNumber: "E12345678", Residence: "overseas", Gender: "M"}, "birth_date"},
		}
		for _, tt := range tests {
			before := countRows(t, db)
			p := tt.p
			p.HouseholdID = f.household.ID
			err := f.store.CreatePerson(ctx, f.actor, access.Everything, &p)
			var fe fault.Fields
			if !errors.As(err, &fe) || fe[tt.field] == "" {
				t.Errorf("%s: got %v, want an error at %s", tt.name, err, tt.field)
			}
			if after := countRows(t, db); after != before {
				t.Errorf("%s: rows changed from %d to %d", tt.name, before, after)
			}
		}
	})
}

func countRows(t *testing.T, db *database.DB) int {
	var n, m int
	db.QueryRow(`SELECT COUNT(*) FROM persons`).Scan(&n)
	db.QueryRow(`SELECT COUNT(*) FROM change_events`).Scan(&m)
	return n*100000 + m
}

func TestConcurrentEditConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		b := a
		a.Phone = "13700001111"
		if err := f.store.UpdatePerson(ctx, Actor{Name: "甲", Source: "web"}, access.Everything, &a); err != nil {
			t.Fatal(err)
		}
		b.Occupation = "教师"
		err := f.store.UpdatePerson(ctx, Actor{Name: "乙", Source: "web"}, access.Everything, &b)
		var ce *ConflictError
		if !errors.As(err, &ce) {
			t.Fatalf("second save = %v, want a conflict", err)
		}
		if !strings.Contains(ce.Error(), "甲") || !strings.Contains(ce.Error(), "联系电话") {
			t.Errorf("conflict message should say who changed what: %s", ce.Error())
		}
		now, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		if now.Phone != "13700001111" || now.Occupation != "" {
			t.Errorf("conflicting save changed the row: %+v", now)
		}
	})
}

func TestHistoryAndAsOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		day1 := time.Now().UTC()
		f.store.now = func() time.Time { return day1.Add(48 * time.Hour) }
		p, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		old := p.Phone
		p.Phone = "13512345678"
		if err := f.store.UpdatePerson(ctx, f.actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		h, err := f.store.History(ctx, access.AllFields, "person", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Op != "update" || len(h[0].Fields) != 1 || h[0].Fields[0].Field != "phone" ||
			h[0].Fields[0].Before != old || h[0].Fields[0].After != "13512345678" || h[0].Actor != "测试员" {
			t.Fatalf("history = %+v", h)
		}
		then, found, err := f.store.PersonAsOf(ctx, access.Everything, p.ID, day1.Format("2006-01-02"))
		if err != nil || !found || then.Phone != old {
			t.Errorf("as of day 1: %+v %v %v", then, found, err)
		}
		if _, found, _ := f.store.PersonAsOf(ctx, access.Everything, p.ID, "2000-01-01"); found {
			t.Error("person should not exist as of 2000")
		}
		rows, err := f.store.AsOf(ctx, f.within(t, f.cb), "person", day1.Add(72*time.Hour).Format("2006-01-02"), 0, 10)
		if err != nil || len(rows) != 2 {
			t.Fatalf("as-of rows = %d, %v", len(rows), err)
		}
		for _, r := range rows {
			if r.ID == p.ID && !strings.Contains(string(r.Snapshot), "13512345678") {
				t.Errorf("as-of snapshot should carry the new phone: %s", r.Snapshot)
			}
		}
		if rows, _ := f.store.AsOf(ctx, f.within(t, f.grid2), "person", day1.Add(72*time.Hour).Format("2006-01-02"), 0, 10); len(rows) != 0 {
			t.Errorf("grid 2 has nobody, got %d", len(rows))
		}
		if _, err := f.store.AsOf(ctx, access.Everything, "person", "2024-13-01", 0, 10); err == nil {
			t.Error("a bad date should be refused")
		}
	})
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		find := func(scope access.Scope, q string) []string {
			t.Helper()
			ps, _, err := f.store.SearchPersons(ctx, scope, PersonQuery{Text: q})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			var names []string
			for _, p := range ps {
				names = append(names, p.Name)
			}
			return names
		}
		tests := []struct {
			q    string
			want string
		}{
			{"李建国", "李建国"},
			{"建国", "李建国"},
			{"李", "李建国"},
			{f.head.IDNumber[6:14], "李建国"}, // birth date part of the ID
			{f.spouse.IDNumber[14:], "王秀兰"},
			{"0002", "王秀兰"},    // phone tail
			{"3号楼", "李建国,王秀兰"}, // household address
			{"王 秀兰", "王秀兰"},    // two terms
			{"国建", ""},         // characters out of order
			{"张", ""},
		}
		for _, tt := range tests {
			if got := strings.Join(find(access.Everything, tt.q), ","); got != tt.want {
				t.Errorf("search %q = %q, want %q", tt.q, got, tt.want)
			}
		}
		if got := find(f.within(t, f.zn), "李建国"); len(got) != 0 {
			t.Errorf("another community's scope found %v", got)
		}
		if got := find(f.within(t, f.grid1), "李建国"); len(got) != 1 {
			t.Errorf("own grid scope found %v", got)
		}
		if got := find(f.within(t, f.street), "李建国"); len(got) != 1 {
			t.Errorf("street scope found %v", got)
		}
		_, _, err := f.store.SearchPersons(ctx, access.Everything, PersonQuery{Text: "12"})
		var fe fault.Fields
		if !errors.As(err, &fe) || fe["q"] == "" {
			t.Errorf("two digits should ask for four: %v", err)
		}
	})
}

func TestStatsTagsRentalsFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// A floating household renting a second house.
		h2 := House{BuildingID: f.building.ID, Number: "1-302", Use: HouseVacant}
		if err := f.store.CreateHouse(ctx, f.actor, access.Everything, &h2); err != nil {
			t.Fatal(err)
		}
		fh := Household{Number: "CB0002", Kind: HouseholdFloating, HouseID: h2.ID}
		if err := f.store.CreateHousehold(ctx, f.actor, access.Everything, &fh); err != nil {
			t.Fatal(err)
		}
		tenant := Person{HouseholdID: fh.ID, Name: "赵磊", IDNumber: ident.MakeResidentID("140102", date(1992, 6, 6), 51),
			Residence: ResidenceFloating, Relation: "02"}
		if err := f.store.CreatePerson(ctx, f.actor, access.Everything, &tenant); err != nil {
			t.Fatal(err)
		}
		r := Rental{HouseID: h2.ID, Landlord: "周平", StartedOn: "2025-03-01", TenantIDs: []int64{tenant.ID}, MonthlyRentFen: 80000}
		if err := f.store.CreateRental(ctx, f.actor, access.Everything, &r); err != nil {
			t.Fatal(err)
		}
		if hs, _ := f.store.House(ctx, access.Everything, h2.ID); hs.Use != HouseRented {
			t.Errorf("a let house becomes 出租, got %s", hs.Use)
		}
		tag := Tag{PersonID: f.head.ID, Tag: "dibao", StartedOn: "2024-01-01"}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &tag); err != nil {
			t.Fatal(err)
		}
		dup := Tag{PersonID: f.head.ID, Tag: "dibao", StartedOn: "2024-06-01"}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &dup); err == nil {
			t.Error("overlapping tag should be refused")
		}
		if err := f.store.EndTag(ctx, f.actor, access.Everything, tag.ID, "2025-06-30"); err != nil {
			t.Fatal(err)
		}
		if tags, _ := f.store.TagsOf(ctx, access.Everything, f.head, "2025-01-01"); len(tags) != 1 {
			t.Errorf("tag in force on 2025-01-01: %v", tags)
		}
		if tags, _ := f.store.TagsOf(ctx, access.Everything, f.head, "2025-07-01"); len(tags) != 0 {
			t.Errorf("tag ended 2025-06-30: %v", tags)
		}
		st, err := f.store.Stats(ctx, f.within(t, f.street))
		if err != nil {
			t.Fatal(err)
		}
		want := Stats{Persons: 3, RegisteredPersons: 2, FloatingPersons: 1, Households: 2, FloatingHouseholds: 1,
			Houses: 2, RentedHouses: 1, Buildings: 1, Grids: 2, Communities: 2}
		if st != want {
			t.Errorf("stats = %+v\nwant %+v", st, want)
		}
		if st, _ := f.store.Stats(ctx, f.within(t, f.grid2)); st.Persons != 0 || st.Grids != 1 {
			t.Errorf("grid 2 stats = %+v", st)
		}
		feed, _, err := f.store.Feed(ctx, f.within(t, f.cb), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) < 10 {
			t.Fatalf("feed has %d events", len(feed))
		}
		next, _, _ := f.store.Feed(ctx, f.within(t, f.cb), feed[4].ID, 1000)
		if len(next) != len(feed)-5 || next[0].ID != feed[5].ID {
			t.Errorf("feed since the fifth event: %d events", len(next))
		}
		if other, _, _ := f.store.Feed(ctx, f.within(t, f.zn), 0, 100); len(other) != 0 {
			t.Errorf("another community's feed: %d events", len(other))
		}
	})
}
