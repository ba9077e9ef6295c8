package workforce

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a street of two communities: 城北 with 1,051 residents, a
// secretary, a community worker who also runs 第一网格, a grid worker of
// their own on 第二网格 and a 中心户长; 城南 with one worker and nobody on
// the register.
type fixture struct {
	db               *database.DB
	s                *Service
	org              *orgtree.Store
	clock            *time.Time
	street, cb, cn   orgtree.Unit
	grid1, grid2     orgtree.Unit
	secretary, staff int64 // org_staff ids
	gridOnly         int64
	actor            Actor
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 10, 10, 0, 0, 0, workdays.Shanghai)
	f := &fixture{db: db, org: orgtree.NewStore(db), clock: &now}
	f.s = NewService(db, func() time.Time { return *f.clock })
	f.actor = Actor{UserID: 1, Name: "测试员", May: func(int64) bool { return true }}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := f.org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	f.street = orgtree.Unit{ParentID: city.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&f.street)
	f.cb = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.cn = orgtree.Unit{ParentID: f.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&f.cn)
	f.grid1 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&f.grid1)
	f.grid2 = orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第二网格"}
	mk(&f.grid2)
	assign := func(unit int64, role, name, phone string) int64 {
		t.Helper()
		st := orgtree.Staff{UnitID: unit, Role: role, Name: name, Phone: phone, StartedOn: "2020-03-01"}
		if err := f.org.AddStaff(ctx, db, &st); err != nil {
			t.Fatal(err)
		}
		return st.ID
	}
	f.secretary = assign(f.cb.ID, orgtree.RoleSecretary, "王书记", "13900000001")
	f.staff = assign(f.cb.ID, orgtree.RoleCommunityStaff, "李社工", "13900000002")
	assign(f.grid1.ID, orgtree.RoleGridWorker, "李社工", "13900000002") // the same person on a grid
	f.gridOnly = assign(f.grid2.ID, orgtree.RoleGridWorker, "赵网格", "13900000003")
	assign(f.grid2.ID, orgtree.RoleCenterHead, "钱户长", "13900000004")
	assign(f.cn.ID, orgtree.RoleCommunityStaff, "孙社工", "13900000005")
	return f
}

// residents puts n active persons (and one who moved away) on a
// community's register.
func (f *fixture) residents(t *testing.T, community int64, n int) {
	t.Helper()
	ctx := context.Background()
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= n; i++ {
		status := "active"
		if i == n {
			status = "moved_out"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO persons (community_id, id, org_id, name, id_number, gender, birth_date,
			residence, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'M', '1980-01-01', 'registered', $6, $7, $7)`,
			community, database.NewID(), community, fmt.Sprintf("居民%d", i), fmt.Sprintf("T%d-%d", community%1000, i), status,
			"2020-01-01T00:00:00Z"); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestStaffingRatios(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.residents(t, f.cb.ID, 1051)
		if _, err := f.s.AddCoordinator(ctx, f.actor, NewCoordinator{UnitID: f.cb.ID, Name: "周老师", Phone: "13900000006",
			ProfileForm: ProfileForm{Post: "zongzhi", Wulao: "teacher", Duties: []string{"mediator", "patrol"}}}); err != nil {
			t.Fatal(err)
		}
		rep, err := f.s.Staffing(ctx, f.street.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Communities) != 2 {
			t.Fatalf("communities = %d, want 2", len(rep.Communities))
		}
		cb, cn := rep.Communities[0], rep.Communities[1]
		// 王书记, 李社工 (community and 第一网格: one person), 赵网格; not the
		// 中心户长, not the coordinator.
		if cb.Staff != 3 || cb.Coordinators != 1 || cb.Residents != 1051 {
			t.Errorf("城北 staff/coordinators/residents = %d/%d/%d, want 3/1/1051", cb.Staff, cb.Coordinators, cb.Residents)
		}
		if cb.PerThousand != 2.85 || cb.Baseline != 2.86 || cb.Required != 4 || cb.Shortfall != 1 {
			t.Errorf("城北 per thousand %v baseline %v required %d shortfall %d, want 2.85 2.86 4 1",
				cb.PerThousand, cb.Baseline, cb.Required, cb.Shortfall)
		}
		if cn.Staff != 1 || cn.Residents != 0 || cn.PerThousand != 0 || cn.Required != 0 || cn.Shortfall != -1 {
			t.Errorf("城南 = %+v, want 1 staff, no residents, 1 beyond the baseline", cn)
		}
		// The street's shortfall is what its communities lack: 城南's
		// worker beyond the baseline fills no gap of 城北's.
		if rep.Total.Staff != 4 || rep.Total.Residents != 1051 || rep.Total.Required != 4 || rep.Total.Shortfall != 1 ||
			rep.Total.PerThousand != 3.81 {
			t.Errorf("street total = %+v", rep.Total)
		}
		// The burden dashboard divides by the org tree's count: people, not
		// assignments (李社工 holds two and is one worker).
		byPerson, err := f.org.PaidStaff(ctx, f.street.ID)
		if err != nil {
			t.Fatal(err)
		}
		if byPerson[f.cb.ID] != 3 {
			t.Errorf("paid staff of 城北 %d, want 3 people", byPerson[f.cb.ID])
		}
		// A community alone.
		one, err := f.s.Staffing(ctx, f.cb.ID)
		if err != nil || len(one.Communities) != 1 || one.Total.Staff != 3 {
			t.Fatalf("城北 alone: %+v, %v", one, err)
		}
	})
}

func TestRosterGroupsAssignments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ms, err := f.s.Roster(ctx, f.cb.ID, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range ms {
			names = append(names, fmt.Sprintf("%s:%s:%d", m.Name, m.Kind, len(m.Also)))
		}
		want := "[王书记:staff:0 李社工:staff:1 赵网格:staff:0 钱户长:post:0]"
		if fmt.Sprint(names) != want {
			t.Errorf("roster = %v, want %s", names, want)
		}
		staff, err := f.s.Roster(ctx, f.cb.ID, Filter{Kind: KindStaff, Name: "李"})
		if err != nil || len(staff) != 1 || staff[0].StaffID != f.staff {
			t.Fatalf("filtered roster = %v, %v", staff, err)
		}
		// The grid assignment finds the same person.
		m, err := f.s.Member(ctx, staff[0].Also[0].StaffID)
		if err != nil || m.StaffID != f.staff {
			t.Fatalf("member by grid assignment = %+v, %v", m, err)
		}
	})
}

func TestAssessmentBands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bands, err := f.s.Bands(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for score, want := range map[int]string{100: "优秀", 90: "优秀", 89: "合格", 70: "合格", 69: "基本合格", 60: "基本合格",
			59: "不合格", 0: "不合格"} {
			if got := GradeOf(bands, score).Name; got != want {
				t.Errorf("score %d: %s, want %s", score, got, want)
			}
		}
		save := func(period, score string) (int64, error) {
			return f.s.SaveAssessment(ctx, f.actor, f.staff, 0, 0, AssessmentForm{Period: period, Score: score, Assessor: "街道考核组"})
		}
		id, err := save("2025", "88")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := save("2026q1", "92"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ period, score, field string }{
			{"2025", "95", "period"},   // the year has one already
			{"2026Q3", "80", "period"}, // not begun on 2026-05-10
			{"2026年", "80", "period"},
			{"2026Q2", "101", "score"},
			{"2026Q2", "八十", "score"},
			{"2026Q2", "-1", "score"},
		} {
			_, err := save(c.period, c.score)
			if fe := fault.FieldsOf(err); fe[c.field] == "" {
				t.Errorf("%s %s: %v, want an error at %s", c.period, c.score, err, c.field)
			}
		}
		card, err := f.s.CardOf(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if len(card.Assessments) != 2 || card.Assessments[0].Period != "2026Q1" || card.Assessments[0].Grade != "excellent" ||
			card.Assessments[1].Grade != "pass" {
			t.Fatalf("assessments = %+v", card.Assessments)
		}
		// The bands are data: raising 优秀 to 93 grades a new save by it,
		// and leaves the saved grades as they were given.
		if _, err := db.ExecContext(ctx, `UPDATE workforce_grade_bands SET min_score = 93 WHERE grade = 'excellent'`); err != nil {
			t.Fatal(err)
		}
		f.clock = ptr(time.Date(2026, 7, 2, 9, 0, 0, 0, workdays.Shanghai))
		q2, err := save("2026Q2", "92")
		if err != nil {
			t.Fatal(err)
		}
		card, _ = f.s.CardOf(ctx, f.staff)
		x, _ := card.Assessment(q2)
		if x.Grade != "pass" || card.Assessments[1].Grade != "excellent" {
			t.Errorf("after the bands changed: new %s, old %s; want pass, excellent", x.Grade, card.Assessments[1].Grade)
		}
		m, _ := f.s.Member(ctx, f.staff)
		if m.LastPeriod != "2026Q2" || m.LastScore != 92 {
			t.Errorf("last assessment %s %d", m.LastPeriod, m.LastScore)
		}
		_ = id
	})
}

func ptr[T any](v T) *T { return &v }

func TestTrainingSums(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		add := func(day, hours string) error {
			_, err := f.s.AddTraining(ctx, f.actor, f.staff, TrainingForm{HeldOn: day, Title: "社区治理培训", Hours: hours})
			return err
		}
		for _, c := range [][2]string{{"2025-03-01", "3.5"}, {"2025-11-20", "2"}, {"2026-01-08", "1.5"}, {"2026-04-01", "0.5"}} {
			if err := add(c[0], c[1]); err != nil {
				t.Fatal(err)
			}
		}
		// Also through the grid assignment of the same person.
		grid := f.memberAlso(t)
		if _, err := f.s.AddTraining(ctx, f.actor, grid, TrainingForm{HeldOn: "2026-04-01", Title: "网格化服务管理", Hours: "6"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ day, hours, field string }{
			{"2026-04-01", "18", "hours"}, // 6.5 already that day
			{"2026-04-02", "25", "hours"},
			{"2026-04-02", "1.25", "hours"},
			{"2026-04-02", "0", "hours"},
			{"2026-06-01", "2", "held_on"}, // after today
			{"2026-02-30", "2", "held_on"},
		} {
			if fe := fault.FieldsOf(add(c.day, c.hours)); fe[c.field] == "" {
				t.Errorf("%s %s: want an error at %s", c.day, c.hours, c.field)
			}
		}
		card, err := f.s.CardOf(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if card.TrainingYear("2025") != 330 || card.TrainingYear("2026") != 480 || Hours(card.TrainingYear("2026")) != "8.0" {
			t.Errorf("training by year = %+v", card.TrainingByYear)
		}
		m, _ := f.s.Member(ctx, f.staff)
		if m.TrainingMinutes != 480 {
			t.Errorf("this year's training on the roster = %d minutes, want 480", m.TrainingMinutes)
		}
		if h, ok := ParseHours("1.5"); !ok || h != 90 || Hours(100) != "1.7" {
			t.Errorf("hours: %d %v %s", h, ok, Hours(100))
		}
	})
}

func (f *fixture) memberAlso(t *testing.T) int64 {
	m, err := f.s.Member(context.Background(), f.staff)
	if err != nil || len(m.Also) != 1 {
		t.Fatalf("member %+v, %v", m, err)
	}
	return m.Also[0].StaffID
}

func TestVersionConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// Two people open the profile while it has none; the second save
		// conflicts instead of overwriting.
		if err := f.s.SaveProfile(ctx, f.actor, f.staff, 0, ProfileForm{Title: "社区副主任"}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveProfile(ctx, f.actor, f.staff, 0, ProfileForm{Title: "计生专干"}); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second save on version 0: %v, want a conflict", err)
		}
		if err := f.s.SaveProfile(ctx, f.actor, f.staff, 1, ProfileForm{Title: "社区副主任、计生专干"}); err != nil {
			t.Fatal(err)
		}
		m, _ := f.s.Member(ctx, f.staff)
		if m.Title != "社区副主任、计生专干" || m.Version != 2 {
			t.Errorf("profile = %+v", m.Profile)
		}
		// Assessments.
		id, err := f.s.SaveAssessment(ctx, f.actor, f.staff, 0, 0, AssessmentForm{Period: "2025", Score: "80", Assessor: "街道考核组"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SaveAssessment(ctx, f.actor, f.staff, id, 1, AssessmentForm{Period: "2025", Score: "91", Assessor: "街道考核组"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SaveAssessment(ctx, f.actor, f.staff, id, 1, AssessmentForm{Period: "2025", Score: "60", Assessor: "社区"})
		if !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale assessment: %v, want a conflict", err)
		}
		card, _ := f.s.CardOf(ctx, f.staff)
		if x, _ := card.Assessment(id); x.Score != 91 || x.Grade != "excellent" || x.Version != 2 {
			t.Errorf("assessment = %+v", x)
		}
		// Certificates.
		q, err := f.s.AddQualification(ctx, f.actor, f.staff, QualForm{Kind: "sw", Number: "S2019610000123", IssuedOn: "2019-12-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AddQualification(ctx, f.actor, f.staff, QualForm{Kind: "sw", Number: "S2019610000123", IssuedOn: "2019-12-01"}); fault.FieldsOf(err)["number"] == "" {
			t.Errorf("the same certificate twice: %v", err)
		}
		m, _ = f.s.Member(ctx, f.staff)
		if !m.Qualified {
			t.Error("a 社会工作师 certificate in force qualifies")
		}
		if err := f.s.WithdrawQualification(ctx, f.actor, f.staff, q, 1); err != nil {
			t.Fatal(err)
		}
		if err := f.s.WithdrawQualification(ctx, f.actor, f.staff, q, 1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("second withdrawal: %v, want a conflict", err)
		}
		m, _ = f.s.Member(ctx, f.staff)
		if m.Qualified {
			t.Error("a withdrawn certificate does not qualify")
		}
		// Every change is recorded.
		card, _ = f.s.CardOf(ctx, f.staff)
		if len(card.Changes) != 6 {
			t.Errorf("changes = %d, want 6: %+v", len(card.Changes), card.Changes)
		}
		// Someone who may not change the community's roster.
		other := Actor{Name: "别人", May: func(int64) bool { return false }}
		if err := f.s.SaveProfile(ctx, other, f.staff, 2, ProfileForm{}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("outsider: %v", err)
		}
	})
}

func TestAddCoordinatorChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.residents(t, f.cb.ID, 3)
		var number string
		if err := db.QueryRowContext(ctx, `SELECT id_number FROM persons WHERE community_id = $1 AND status = 'active' ORDER BY id`, f.cb.ID).
			Scan(&number); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.AddCoordinator(ctx, f.actor, NewCoordinator{UnitID: f.grid1.ID, Name: "", Phone: "123", Login: "nobody",
			StartedOn: "2027-01-01", ProfileForm: ProfileForm{Post: "x", Wulao: "y", Duties: []string{"z"}, IDNumber: "110101"}})
		fe := fault.FieldsOf(err)
		for _, k := range []string{"name", "phone", "login", "started_on", "post", "wulao", "duties", "id_number"} {
			if fe[k] == "" {
				t.Errorf("no error at %s: %v", k, fe)
			}
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_staff WHERE role = 'coordinator'`).Scan(&n)
		if n != 0 {
			t.Fatal("a refused coordinator was saved")
		}
		id, err := f.s.AddCoordinator(ctx, f.actor, NewCoordinator{UnitID: f.grid1.ID, Name: "吴大爷", Phone: "13900000009",
			StartedOn: "2024-05-01", ProfileForm: ProfileForm{Post: "security", Wulao: "soldier", Duties: []string{"patrol", "informant"},
				IDNumber: number}})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.s.Member(ctx, id)
		if err != nil || m.Kind != KindCoordinator || m.PersonID == 0 || m.PostName() != "治安协管员" || len(m.Duties) != 2 {
			t.Fatalf("coordinator = %+v, %v", m, err)
		}
		if _, err := f.s.AddCoordinator(ctx, f.actor, NewCoordinator{UnitID: f.cb.ID, Name: "吴大爷", Phone: "13900000009",
			ProfileForm: ProfileForm{Post: "zongzhi"}}); fault.FieldsOf(err)["name"] == "" {
			t.Errorf("the same coordinator twice: %v", err)
		}
		wulao, _ := f.s.Roster(ctx, f.cb.ID, Filter{Wulao: true})
		if len(wulao) != 1 || wulao[0].Name != "吴大爷" {
			t.Errorf("五老 = %v", wulao)
		}
	})
}
