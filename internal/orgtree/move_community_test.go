package orgtree_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// TestMoveGridIntoAnotherCommunity redraws a boundary: 城北's first grid,
// with its building, two houses (one rented), two households, their
// members, a tag, an organisation with an employee, an open import
// conflict and a declined value, goes to 城南. A tenant registered outside
// the grid first stops the move, naming him; once he lives in the grid,
// everything moves in one transaction, each record with its events, and
// an edit read before the move conflicts instead of being lost.
func TestMoveGridIntoAnotherCommunity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		reg, all, ra := tr.reg, access.Everything, tr.regActor
		m := orgtree.NewManager(tr.org, orgtree.Followers{reg, imports.NewService(db)})
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		born := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC) }

		spouse := register.Person{HouseholdID: tr.household.ID, Name: "王秀兰", Residence: register.ResidenceRegistered,
			IDNumber: ident.MakeResidentID("610602", born(1970, 8, 1), 242), Relation: "12"}
		must(reg.CreatePerson(ctx, ra, all, &spouse))
		tag := register.Tag{PersonID: spouse.ID, Tag: "dibao", StartedOn: "2024-01-01"}
		must(reg.AddTag(ctx, ra, all, &tag))
		firm := register.Organisation{Name: "城北商贸有限公司", Kind: "enterprise", OrgID: tr.grid1.ID}
		must(reg.CreateOrganisation(ctx, ra, all, &firm))
		if _, err := reg.AddEmployee(ctx, ra, all, register.Employment{OrganisationID: firm.ID, IDNumber: tr.person.IDNumber}); err != nil {
			t.Fatal(err)
		}
		rented := register.House{BuildingID: tr.building.ID, Number: "2-502", Use: register.HouseRented}
		must(reg.CreateHouse(ctx, ra, all, &rented))
		floating := register.Household{Number: "CB0002", Kind: register.HouseholdFloating, HouseID: rented.ID}
		must(reg.CreateHousehold(ctx, ra, all, &floating))
		tenant := register.Person{HouseholdID: floating.ID, Name: "赵强", Residence: register.ResidenceFloating,
			IDNumber: ident.MakeResidentID("610102", born(1990, 5, 5), 317), Relation: "02"}
		must(reg.CreatePerson(ctx, ra, all, &tenant))
		lodger := register.Person{OrgID: tr.grid2.ID, Name: "孙磊", Residence: register.ResidenceFloating,
			IDNumber: ident.MakeResidentID("610102", born(1992, 7, 7), 411)}
		must(reg.CreatePerson(ctx, ra, all, &lodger))
		rental := register.Rental{HouseID: rented.ID, Landlord: "李建国", StartedOn: "2025-06-01",
			TenantIDs: []int64{tenant.ID, lodger.ID}}
		must(reg.CreateRental(ctx, ra, all, &rental))
		conflict := database.NewID()
		now := database.FormatTime(time.Now())
		_, err := db.ExecContext(ctx, `INSERT INTO import_conflicts (community_id, id, grid_id, org_id, import_id, department,
			kind, person_id, key, incoming, fields, status, created_at)
			VALUES ($1, $2, $3, $4, $5, 'civil', 'fields', $6, 'k', '{}', '[]', 'open', $7)`,
			tr.cb.ID, conflict, tr.grid1.ID, tr.building.ID, database.NewID(), spouse.ID, now)
		must(err)
		_, err = db.ExecContext(ctx, `INSERT INTO import_declined (community_id, person_id, field, value, department, decided_at)
			VALUES ($1, $2, 'phone', '13900000000', 'civil', $3)`, tr.cb.ID, spouse.ID, now)
		must(err)

		// The lodger lives in the second grid but rents in the first: the
		// rental would lie in 城南 and its tenant in 城北.
		g := tr.get(t, tr.grid1.ID)
		err = m.Move(ctx, tr.actor, g.ID, g.Version, tr.cn.ID)
		if !fault.Is(err, fault.Refused) || !strings.Contains(err.Error(), "承租人孙磊") {
			t.Fatalf("a move splitting a rental from its tenant: %v", err)
		}
		if p, _ := reg.Person(ctx, all, spouse.ID); p.CommunityID != tr.cb.ID || p.Version != spouse.Version {
			t.Fatalf("the refused move changed the register: %+v", p)
		}
		lodger, err = reg.Person(ctx, all, lodger.ID)
		must(err)
		must(reg.MovePerson(ctx, ra, all, register.Move{PersonID: lodger.ID, Version: lodger.Version,
			HouseholdID: floating.ID, Relation: "99"}))

		stale, err := reg.Person(ctx, all, spouse.ID)
		must(err)
		must(m.Move(ctx, tr.actor, g.ID, g.Version, tr.cn.ID))

		// Every row of the grid's records is in 城南, none is left in 城北.
		for _, c := range []struct {
			table string
			id    int64
		}{{"buildings", tr.building.ID}, {"houses", rented.ID}, {"households", tr.household.ID},
			{"households", floating.ID}, {"persons", spouse.ID}, {"persons", lodger.ID}, {"person_tags", tag.ID},
			{"rentals", rental.ID}, {"organisations", firm.ID}, {"import_conflicts", conflict}} {
			var community int64
			must(db.QueryRowContext(ctx, `SELECT community_id FROM `+c.table+` WHERE id = $1`, c.id).Scan(&community))
			if community != tr.cn.ID {
				t.Errorf("%s %d in community %d after the move, want 城南 %d", c.table, c.id, community, tr.cn.ID)
			}
		}
		for _, table := range []string{"buildings", "houses", "households", "persons", "person_tags", "rentals",
			"rental_tenants", "organisations", "import_conflicts", "import_declined"} {
			var left int
			must(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE community_id = $1`, tr.cb.ID).Scan(&left))
			if left != 0 {
				t.Errorf("%d rows of %s left in 城北", left, table)
			}
		}
		for _, id := range []int64{tr.grid1.ID, tr.building.ID} {
			if u := tr.get(t, id); u.CommunityID != tr.cn.ID {
				t.Errorf("unit %s in community %d", u.Name, u.CommunityID)
			}
		}
		head, err := reg.Person(ctx, all, tr.person.ID)
		must(err)
		if head.EmployerID != firm.ID || head.GridID != tr.grid1.ID {
			t.Errorf("the employee after the move: %+v", head)
		}

		// Each record left 城北 and arrived in 城南: two events, the
		// history before them untouched.
		rows, err := db.QueryContext(ctx, `SELECT community_id, op, version FROM change_events
			WHERE entity = 'person' AND entity_id = $1 ORDER BY id`, spouse.ID)
		must(err)
		var evs []string
		for rows.Next() {
			var c int64
			var op string
			var v int
			must(rows.Scan(&c, &op, &v))
			where := "城北"
			if c == tr.cn.ID {
				where = "城南"
			}
			evs = append(evs, where+" "+op)
		}
		rows.Close()
		if got := strings.Join(evs, ", "); got != "城北 create, 城北 transfer_out, 城南 transfer_in" {
			t.Errorf("the spouse's events: %s", got)
		}
		h, err := reg.History(ctx, all.Fields(head.Place()), "tag", tag.ID)
		must(err)
		if len(h) < 2 || h[0].Op != register.OpTransferIn || h[0].CommunityID != tr.cn.ID {
			t.Errorf("the tag's history: %+v", h)
		}
		var out, in string
		must(db.QueryRowContext(ctx, `SELECT snapshot FROM change_events WHERE entity = 'person' AND entity_id = $1
			AND op = 'transfer_out'`, spouse.ID).Scan(&out))
		must(db.QueryRowContext(ctx, `SELECT snapshot FROM change_events WHERE entity = 'person' AND entity_id = $1
			AND op = 'transfer_in'`, spouse.ID).Scan(&in))
		if !strings.Contains(out, fmt.Sprintf(`"community_id":%d,`, tr.cb.ID)) || !strings.Contains(in, fmt.Sprintf(`"community_id":%d,`, tr.cn.ID)) {
			t.Errorf("the spouse as she left 城北: %s; as she arrived in 城南: %s", out, in)
		}

		// Searches: 城北's scope no longer finds them, 城南's does.
		scope := func(u orgtree.Unit) access.Scope {
			sc, err := access.NewService(db).Narrow(ctx, all, u.ID)
			must(err)
			return sc
		}
		for _, c := range []struct {
			u    orgtree.Unit
			want int
		}{{tr.cb, 0}, {tr.cn, 1}} {
			ps, _, err := reg.SearchPersons(ctx, scope(c.u), register.PersonQuery{Text: "王秀兰"})
			must(err)
			if len(ps) != c.want {
				t.Errorf("%s's search finds %d, want %d", c.u.Name, len(ps), c.want)
			}
			hs, _, err := reg.SearchHouseholds(ctx, scope(c.u), register.HouseholdQuery{Text: "CB0002"})
			must(err)
			if len(hs) != c.want {
				t.Errorf("%s's household search finds %d, want %d", c.u.Name, len(hs), c.want)
			}
		}

		// An edit read before the move conflicts rather than being lost.
		stale.Phone = "13909110099"
		if err := reg.UpdatePerson(ctx, ra, all, &stale); !fault.Is(err, fault.Conflict) {
			t.Errorf("an edit of the version read before the move: %v, want a conflict", err)
		}
		hist, err := tr.org.History(ctx, g.ID)
		must(err)
		if got, want := hist[0].MoveSummary(), "已连同1栋楼、2套房屋、2户、4人、1个单位移到城南社区"; got != want {
			t.Errorf("the move's summary: %q, want %q", got, want)
		}
	})
}
