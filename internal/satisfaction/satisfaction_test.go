package satisfaction

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/residents"
	"shequ/internal/services"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 and 城南社区 under a street, a household of two in
// 城北 and one resident in 城南, the service on a clock the test moves.
type fixture struct {
	db            *database.DB
	s             *Service
	clock         *time.Time
	street        orgtree.Unit
	cb, other     orgtree.Unit
	me, neighbour residents.Resident // 城北, another household
	stranger      residents.Resident // 城南
}

func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, workdays.Shanghai)
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 5, 20)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	f.s = NewService(db, org, visits.NewService(db, reg, nil, clock), volunteers.NewService(db, clock), clock)
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	f.street = orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	actor := register.Actor{Name: "t", Source: "cli"}
	n := 0
	household := func(cu orgtree.Unit, grid int64, names ...string) []residents.Resident {
		t.Helper()
		bu := orgtree.Unit{ParentID: grid, Level: "building", Name: fmt.Sprintf("%d号楼", n+1)}
		mk(&bu)
		b := register.Building{ID: bu.ID, Name: bu.Name, Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: fmt.Sprintf("H%04d", n), Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		var out []residents.Resident
		for _, name := range names {
			n++
			p := register.Person{HouseholdID: hh.ID, Name: name, Residence: register.ResidenceRegistered,
				IDNumber: ident.MakeResidentID("610603", time.Date(1960+n, 3, 9, 0, 0, 0, 0, time.UTC), 131+n)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, residents.Resident{PersonID: p.ID, HouseholdID: hh.ID, CommunityID: cu.ID, Name: name})
		}
		return out
	}
	for i, name := range []string{"城北社区", "城南社区"} {
		cu := orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: name, Code: fmt.Sprintf("61060310000%d", i+1)}
		mk(&cu)
		grid := orgtree.Unit{ParentID: cu.ID, Level: "grid", Name: "第一网格"}
		mk(&grid)
		if i == 0 {
			f.cb = cu
			f.me = household(cu, grid.ID, "李建国", "王秀英")[0]
			f.neighbour = household(cu, grid.ID, "张伟")[0]
		} else {
			f.other = cu
			f.stranger = household(cu, grid.ID, "赵敏")[0]
		}
	}
	return f
}

func (f *fixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// event is a closed event of a community rated score at at.
func (f *fixture) event(t *testing.T, community int64, score int, rated time.Time) {
	t.Helper()
	var cat string
	if err := f.db.QueryRowContext(context.Background(), `SELECT code FROM event_categories ORDER BY code LIMIT 1`).Scan(&cat); err != nil {
		t.Fatal(err)
	}
	id := database.NewID()
	f.exec(t, `INSERT INTO events (community_id, id, org_id, tracking_no, category, title, source, status, level,
		created_at, reported_on, updated_at, rating, rated_at) VALUES ($1, $2, $1, $3, $4, '路灯不亮', 'resident', $5, 'community',
		$6, $7, $6, $8, $9)`, community, id, fmt.Sprintf("E%d", id), cat, events.StatusClosed,
		database.FormatTime(rated.AddDate(0, 0, -5)), rated.AddDate(0, 0, -5).Format(database.DateLayout), score,
		database.FormatTime(rated))
}

// application is a finished application of a community rated score at at.
func (f *fixture) application(t *testing.T, community, person int64, score int, rated time.Time) {
	t.Helper()
	var item string
	if err := f.db.QueryRowContext(context.Background(), `SELECT code FROM service_items ORDER BY code LIMIT 1`).Scan(&item); err != nil {
		t.Fatal(err)
	}
	id := database.NewID()
	f.exec(t, `INSERT INTO service_applications (community_id, id, org_id, tracking_no, item_code, item_name, chain, time_limit,
		person_id, applicant, materials, status, stage_level, created_at, updated_at, rating) VALUES ($1, $2, $1, $3, $4, '事项',
		'[]', 5, $5, '李建国', '[]', 'approved', 'community', $6, $6, $7)`, community, id, fmt.Sprintf("S%d", id), item, person,
		database.FormatTime(rated.AddDate(0, 0, -9)), score)
	f.exec(t, `INSERT INTO service_steps (community_id, id, application_id, at, stage, stage_name, action)
		VALUES ($1, $2, $3, $4, 0, '办结', $5)`, community, database.NewID(), id, database.FormatTime(rated), services.ActRate)
}

// visit is a visit a household met on a day; it returns the visit's id.
func (f *fixture) visit(t *testing.T, res residents.Resident, on time.Time) int64 {
	t.Helper()
	id := database.NewID()
	f.exec(t, `INSERT INTO visits (community_id, id, household_id, client_uuid, visited_on, outcome, author, recorded_at)
		VALUES ($1, $2, $3, $4, $5, 'met', '网格员小刘', $6)`, res.CommunityID, id, res.HouseholdID, fmt.Sprintf("u%d", id),
		on.Format(database.DateLayout), database.FormatTime(on))
	return id
}

// activity is a volunteer activity of community with a shift on a day, the
// resident registered as a volunteer and checked in when checkedIn.
func (f *fixture) activity(t *testing.T, community int64, res residents.Resident, on time.Time, checkedIn bool) int64 {
	t.Helper()
	ctx := context.Background()
	var vol int64
	err := f.db.QueryRowContext(ctx, `SELECT id FROM volunteers WHERE person_id = $1`, res.PersonID).Scan(&vol)
	if err != nil {
		vol = database.NewID()
		f.exec(t, `INSERT INTO volunteers (community_id, id, person_id, number, joined_on, created_at, updated_at)
			VALUES ($1, $2, $3, $4, '2026-01-01', $5, $5)`, res.CommunityID, vol, res.PersonID, fmt.Sprintf("V%d", vol),
			database.FormatTime(on))
	}
	id, shift := database.NewID(), database.NewID()
	f.exec(t, `INSERT INTO volunteer_activities (community_id, id, title, organiser_id, organiser, created_at, updated_at)
		VALUES ($1, $2, '清理楼道', 1, '社区', $3, $3)`, community, id, database.FormatTime(on))
	f.exec(t, `INSERT INTO volunteer_shifts (community_id, id, activity_id, starts_at, ends_at, served_on, slots, secret, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, 10, 's', $4)`, community, shift, id, database.FormatTime(on),
		database.FormatTime(on.Add(2*time.Hour)), on.Format(database.DateLayout))
	in := ""
	if checkedIn {
		in = database.FormatTime(on)
	}
	f.exec(t, `INSERT INTO volunteer_signups (community_id, shift_id, volunteer_id, activity_id, checked_in_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, community, shift, vol, id, in, database.FormatTime(on))
	return id
}

func refused(t *testing.T, what string, err error, kind fault.Kind) {
	t.Helper()
	if !fault.Is(err, kind) {
		t.Fatalf("%s: %v, want %s", what, err, kind)
	}
}

// TestFiguresPutThePartsTogether: each part counts its own ratings, the
// combined figure weighs the parts by their ratings, months hold their
// own, and the report's indicators say the same numbers.
func TestFiguresPutThePartsTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// April: events 5, 5, 2; an application 4. May: an application 1.
		f.event(t, f.cb.ID, 5, at(2026, 4, 3))
		f.event(t, f.cb.ID, 5, at(2026, 4, 10))
		f.event(t, f.cb.ID, 2, at(2026, 4, 30))
		f.application(t, f.cb.ID, f.me.PersonID, 4, at(2026, 4, 12))
		f.application(t, f.cb.ID, f.me.PersonID, 1, at(2026, 5, 2))
		// 城南's rating is not 城北's.
		f.event(t, f.other.ID, 1, at(2026, 4, 8))
		// May: the household rates a visit 5, the volunteer an activity 3.
		v := f.visit(t, f.me, at(2026, 5, 10))
		if err := f.s.Rate(ctx, &f.me, Rating{Part: "visit", ID: v, Score: 5, Comment: "很耐心"}); err != nil {
			t.Fatal(err)
		}
		a := f.activity(t, f.cb.ID, f.me, at(2026, 5, 16), true)
		if err := f.s.Rate(ctx, &f.me, Rating{Part: "activity", Community: f.cb.ID, ID: a, Score: 3}); err != nil {
			t.Fatal(err)
		}

		fig, err := f.s.Figures(ctx, access.Everything, f.cb.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := [nParts]Tally{{Rated: 3, Satisfied: 2}, {Rated: 2, Satisfied: 1}, {Rated: 1, Satisfied: 1}, {Rated: 1, Satisfied: 0}}
		if fig.Parts != want || fig.All != (Tally{Rated: 7, Satisfied: 4}) {
			t.Fatalf("parts %+v all %+v, want %+v and 4 of 7", fig.Parts, fig.All, want)
		}
		if len(fig.Months) != Months || fig.Months[Months-1].Month != "2026-05" || fig.Months[Months-2].All != (Tally{Rated: 4, Satisfied: 3}) ||
			fig.Months[Months-1].All != (Tally{Rated: 3, Satisfied: 1}) {
			t.Fatalf("months %+v", fig.Months[Months-2:])
		}
		if p, ok := fig.All.Share(); !ok || math.Abs(p-400.0/7) > 1e-9 {
			t.Fatalf("combined share %v %v, want 4/7", p, ok)
		}
		// The street counts both communities.
		st, err := f.s.Figures(ctx, access.Everything, f.street.ID)
		if err != nil || st.All.Rated != 8 || st.Communities != 2 || len(st.Below) != 2 || st.Below[0].Level != orgtree.LevelCommunity {
			t.Fatalf("street %+v (%d communities, below %+v): %v", st.All, st.Communities, st.Below, err)
		}
		if len(fig.Below) != 0 {
			t.Fatalf("a community lists %+v below it", fig.Below)
		}

		// The reports' indicators: the same counts and share for April.
		rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource, NewIndicatorSource)
		vals, err := rep.Figures(ctx, f.cb.ID, indicators.Period{Freq: indicators.Monthly, Year: 2026, N: 4},
			"MY01", "MY02", "MY03", "MY11", "MY12", "MY31", "MY32")
		if err != nil {
			t.Fatal(err)
		}
		if vals["MY01"] != 4 || vals["MY02"] != 3 || math.Abs(vals["MY03"]-75) > 1e-9 || vals["MY11"] != 3 ||
			math.Abs(vals["MY12"]-200.0/3) > 1e-9 || vals["MY31"] != 0 || !math.IsNaN(vals["MY32"]) {
			t.Fatalf("April's indicators %v", vals)
		}
		q2, err := rep.PeriodFigures(ctx, f.street.ID, "2026-Q2", "MY01", "MY03")
		if err != nil || q2["MY01"] != 8 || math.Abs(q2["MY03"]-50) > 1e-9 {
			t.Fatalf("the street's quarter %v: %v", q2, err)
		}
	})
}

// TestResidentsRateTheirOwnOnce: a resident rates their household's
// visits and the activities they served in, once, within 60 days; nobody
// rates another's, and the figures are scoped.
func TestResidentsRateTheirOwnOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		v := f.visit(t, f.me, at(2026, 5, 10))
		old := f.visit(t, f.me, at(2026, 3, 1))
		a := f.activity(t, f.cb.ID, f.me, at(2026, 5, 16), true)
		absent := f.activity(t, f.cb.ID, f.neighbour, at(2026, 5, 16), false)

		items, err := f.s.ForResident(ctx, &f.me)
		if err != nil || len(items.Visits) != 1 || items.Visits[0].ID != v || len(items.Activities) != 1 || items.Activities[0].ID != a {
			t.Fatalf("rateable %+v: %v", items, err)
		}
		if err := f.s.Rate(ctx, &f.me, Rating{Part: "visit", ID: v, Score: 0}); fault.FieldsOf(err)["score"] == "" {
			t.Fatalf("no stars: %v", err)
		}
		refused(t, "the neighbour rates my visit", f.s.Rate(ctx, &f.neighbour, Rating{Part: "visit", ID: v, Score: 5}), fault.Refused)
		refused(t, "a visit 80 days ago", f.s.Rate(ctx, &f.me, Rating{Part: "visit", ID: old, Score: 5}), fault.Refused)
		refused(t, "an activity not checked in", f.s.Rate(ctx, &f.neighbour, Rating{Part: "activity", Community: f.cb.ID, ID: absent, Score: 5}), fault.Refused)
		refused(t, "someone else's activity", f.s.Rate(ctx, &f.stranger, Rating{Part: "activity", Community: f.cb.ID, ID: a, Score: 5}), fault.Refused)
		refused(t, "an event here", f.s.Rate(ctx, &f.me, Rating{Part: "event", ID: v, Score: 5}), fault.NotFound)
		refused(t, "nobody signed in", f.s.Rate(ctx, nil, Rating{Part: "visit", ID: v, Score: 5}), fault.Unauthorized)
		if err := f.s.Rate(ctx, &f.me, Rating{Part: "visit", ID: v, Score: 4}); err != nil {
			t.Fatal(err)
		}
		// The other member speaks for the same household: refused, the first stands.
		other := f.me
		other.PersonID++
		refused(t, "a second rating", f.s.Rate(ctx, &other, Rating{Part: "visit", ID: v, Score: 1}), fault.Refused)
		if items, _ := f.s.ForResident(ctx, &f.me); items.Visits[0].Score != 4 {
			t.Fatalf("after rating %+v", items.Visits)
		}

		// 城北's staff: 城南 is not found, the street counts 城北 alone.
		f.event(t, f.other.ID, 5, at(2026, 5, 3))
		acs := access.NewService(db)
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES (12, '李干事', 'x', '2026-01-01', '2026-01-01')`); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 12, Role: "community_staff", Units: []int64{f.cb.ID}}); err != nil {
			t.Fatal(err)
		}
		viewer, err := acs.Viewer(ctx, 12, "李干事")
		if err != nil {
			t.Fatal(err)
		}
		scope := viewer.Scope(reports.PermRead)
		if _, err := f.s.Figures(ctx, scope, f.other.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("城南 for 城北's staff: %v", err)
		}
		if _, err := f.s.Figures(ctx, scope, f.street.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("the street for 城北's staff: %v", err)
		}
		fig, err := f.s.Figures(ctx, scope, f.cb.ID)
		if err != nil || fig.All.Rated != 1 {
			t.Fatalf("城北 %+v: %v", fig.All, err)
		}
		if fig, err := f.s.Figures(ctx, access.Everything, f.street.ID); err != nil || fig.All.Rated != 2 {
			t.Fatalf("the street %+v: %v", fig.All, err)
		}
	})
}
