package register

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// viewer gives a new user one grant and returns the user's viewer.
func (f *fixture) viewer(t *testing.T, id int64, role string, units ...int64) *access.Viewer {
	t.Helper()
	ctx := context.Background()
	if _, err := f.store.DB().ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, fmt.Sprintf("%s%d", role, id)); err != nil {
		t.Fatal(err)
	}
	svc := access.NewService(f.store.DB())
	if err := svc.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: role, Units: units}); err != nil {
		t.Fatal(err)
	}
	v, err := svc.Viewer(ctx, id, role)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReadsAreMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &Tag{PersonID: f.head.ID, Tag: "correction", StartedOn: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.AddTag(ctx, f.actor, access.Everything, &Tag{PersonID: f.head.ID, Tag: "dibao", StartedOn: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		gw := f.viewer(t, 1, "grid_worker", f.grid1.ID)
		civil := f.viewer(t, 2, "dept_civil", f.street.ID)
		property := f.viewer(t, 3, "property", f.building.ID)
		other := f.viewer(t, 4, "grid_worker", f.grid2.ID)
		head := f.viewer(t, 5, "community_head", f.cb.ID)

		p, err := f.store.Person(ctx, gw.Scope(access.RegisterRead), f.head.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.IDNumber == f.head.IDNumber || !strings.Contains(p.IDNumber, "****") || p.Phone != "139****0001" || p.Name != f.head.Name {
			t.Errorf("grid worker's read: id %q phone %q", p.IDNumber, p.Phone)
		}
		if p, _ := f.store.Person(ctx, gw.Scope(access.RegisterRead).Revealing(), f.head.ID); p.IDNumber == f.head.IDNumber {
			t.Error("a grid worker without register.reveal revealed the number")
		}
		if p, _ := f.store.Person(ctx, head.Scope(access.RegisterReveal).Revealing(), f.head.ID); p.IDNumber != f.head.IDNumber {
			t.Errorf("community head's reveal: %q", p.IDNumber)
		}
		if _, err := f.store.Person(ctx, other.Scope(access.RegisterRead), f.head.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another grid's worker read the person: %v", err)
		}
		pc, _ := f.store.Person(ctx, civil.Scope(access.RegisterRead), f.head.ID)
		if pc.IDNumber != f.head.IDNumber || pc.Occupation != "" || pc.Ethnicity != "" || pc.Name == "" {
			t.Errorf("民政's read: %+v", pc)
		}
		pp, _ := f.store.Person(ctx, property.Scope(access.RegisterRead), f.head.ID)
		if pp.Name == "" || pp.Ethnicity != "" || pp.HukouAddress != "" {
			t.Errorf("property's read: %+v", pp)
		}

		kinds := func(v *access.Viewer) string {
			tags, err := f.store.TagsOf(ctx, v.Scope(access.RegisterRead), f.head, "")
			if err != nil {
				t.Fatal(err)
			}
			var ks []string
			for _, t := range tags {
				ks = append(ks, t.Tag)
			}
			return strings.Join(ks, ",")
		}
		for _, c := range []struct {
			v    *access.Viewer
			want string
		}{{gw, "dibao"}, {civil, "dibao"}, {property, ""}, {head, "dibao,correction"}} {
			if got := kinds(c.v); got != c.want {
				t.Errorf("tags seen: %q, want %q", got, c.want)
			}
		}

		// Searches and lists are masked the same way.
		ps, _, err := f.store.SearchPersons(ctx, gw.Scope(access.RegisterRead), PersonQuery{Text: "李建国"})
		if err != nil || len(ps) != 1 || ps[0].IDNumber == f.head.IDNumber {
			t.Errorf("search: %v %+v", err, ps)
		}
		ms, _ := f.store.Members(ctx, property.Scope(access.RegisterRead), f.household)
		for _, m := range ms {
			if m.IDNumber != "" && !strings.Contains(m.IDNumber, "*") {
				t.Errorf("member's number in full: %s", m.IDNumber)
			}
		}

		// History and the change feed hide what the field set hides.
		hist, err := f.store.History(ctx, gw.Scope(access.RegisterRead).Fields(f.head.Place()), "person", f.head.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range hist {
			for _, fc := range c.Fields {
				for _, v := range []any{fc.Before, fc.After} {
					if s, _ := v.(string); s == f.head.IDNumber || s == f.head.Phone {
						t.Errorf("history shows %s in full", fc.Field)
					}
				}
			}
		}
		feed, _, err := f.store.Feed(ctx, gw.Scope(access.RegisterRead), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range feed {
			if strings.Contains(string(c.Snapshot), f.head.IDNumber) || strings.Contains(string(c.Snapshot), "correction") {
				t.Errorf("feed shows a full number or a sensitive tag: %s", c.Snapshot)
			}
			for _, fc := range c.Fields {
				if fc.After == "correction" {
					t.Error("feed shows the sensitive tag")
				}
			}
		}
		if feed, _, _ := f.store.Feed(ctx, other.Scope(access.RegisterRead), 0, 1000); len(feed) != 0 {
			// Grid 2 holds nothing: every event lies in grid 1.
			t.Errorf("another grid's worker got %d events", len(feed))
		}
	})
}

func TestWritesFollowFieldSets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		gw := f.viewer(t, 1, "grid_worker", f.grid1.ID)
		bh := f.viewer(t, 2, "building_head", f.building.ID)
		other := f.viewer(t, 3, "grid_worker", f.grid2.ID)
		fe := func(err error, field string) bool {
			var e fault.Fields
			return errors.As(err, &e) && e[field] != ""
		}

		// A masked number sent back as shown keeps the stored one.
		p, _ := f.store.Person(ctx, gw.Scope(access.RegisterWrite), f.head.ID)
		p.Occupation = "出租车司机"
		if err := f.store.UpdatePerson(ctx, f.actor, gw.Scope(access.RegisterWrite), &p); err != nil {
			t.Fatal(err)
		}
		raw, _ := f.store.Person(ctx, access.Everything, f.head.ID)
		if raw.IDNumber != f.head.IDNumber || raw.Phone != f.head.Phone || raw.Occupation != "出租车司机" {
			t.Errorf("after a masked round trip: %+v", raw)
		}
		// A new value replaces it; an empty one clears the phone.
		p, _ = f.store.Person(ctx, gw.Scope(access.RegisterWrite), f.head.ID)
		p.Phone = ""
		if err := f.store.UpdatePerson(ctx, f.actor, gw.Scope(access.RegisterWrite), &p); err != nil {
			t.Fatal(err)
		}
		if raw, _ := f.store.Person(ctx, access.Everything, f.head.ID); raw.Phone != "" {
			t.Errorf("phone not cleared: %q", raw.Phone)
		}

		// A building head may change the phone, not the name; hidden
		// fields sent empty keep their values.
		p, _ = f.store.Person(ctx, bh.Scope(access.RegisterWrite), f.head.ID)
		if p.Occupation != "" || p.HukouAddress != "" {
			t.Errorf("building head sees hidden fields: %+v", p)
		}
		p.Name = "李改名"
		if err := f.store.UpdatePerson(ctx, f.actor, bh.Scope(access.RegisterWrite), &p); !fe(err, "name") {
			t.Errorf("building head renamed a person: %v", err)
		}
		p, _ = f.store.Person(ctx, bh.Scope(access.RegisterWrite), f.head.ID)
		p.Phone = "13800138000"
		if err := f.store.UpdatePerson(ctx, f.actor, bh.Scope(access.RegisterWrite), &p); err != nil {
			t.Fatal(err)
		}
		raw, _ = f.store.Person(ctx, access.Everything, f.head.ID)
		if raw.Phone != "13800138000" || raw.Occupation != "出租车司机" || raw.Name != f.head.Name {
			t.Errorf("after the building head's edit: %+v", raw)
		}

		// Writes outside the scope are not found; creates outside it are
		// refused at the field that places the row.
		p.Phone = "13800138001"
		if err := f.store.UpdatePerson(ctx, f.actor, other.Scope(access.RegisterWrite), &p); !errors.Is(err, ErrNotFound) {
			t.Errorf("another grid's worker updated: %v", err)
		}
		np := Person{HouseholdID: f.household.ID, Name: "新成员", IDNumber: "11010519491231002X", Residence: ResidenceRegistered}
		if err := f.store.CreatePerson(ctx, f.actor, other.Scope(access.RegisterWrite), &np); !fe(err, "household_id") {
			t.Errorf("create in another grid: %v", err)
		}
		if err := f.store.CreatePerson(ctx, f.actor, bh.Scope(access.RegisterWrite), &np); !fe(err, "name") {
			t.Errorf("building head created a person: %v", err)
		}
		if err := f.store.AddTag(ctx, f.actor, gw.Scope(access.RegisterWrite), &Tag{PersonID: f.head.ID, Tag: "drug", StartedOn: "2025-01-01"}); !fe(err, "tag") {
			t.Errorf("grid worker added a sensitive tag: %v", err)
		}
	})
}
