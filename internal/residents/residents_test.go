package residents

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 with 3号楼, an owner-occupied house and a household
// of an adult and a child, on a clock the test moves.
type fixture struct {
	db      *database.DB
	s       *Service
	clock   *time.Time
	cb      orgtree.Unit
	other   orgtree.Unit
	bu      orgtree.Unit
	hh      register.Household
	house   register.House
	persons []register.Person
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	// Limits loose enough for the tests' requests; TestRateLimits sets
	// its own.
	loose := func() *services.Limiter { return services.NewLimiter(100, 100, 1, time.Minute) }
	f.s = NewService(db, clock).WithLimits(loose(), loose(), loose())
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	f.cb = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&f.cb)
	f.other = orgtree.Unit{ParentID: street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&f.other)
	grid := orgtree.Unit{ParentID: f.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&grid)
	f.bu = orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
	mk(&f.bu)
	actor := register.Actor{Name: "t", Source: "cli"}
	b := register.Building{ID: f.bu.ID, Name: "3号楼", Kind: "residential"}
	if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
		t.Fatal(err)
	}
	f.house = register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
	if err := reg.CreateHouse(ctx, actor, access.Everything, &f.house); err != nil {
		t.Fatal(err)
	}
	f.hh = register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: f.house.ID}
	if err := reg.CreateHousehold(ctx, actor, access.Everything, &f.hh); err != nil {
		t.Fatal(err)
	}
	for i, born := range []time.Time{time.Date(1970, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2010, 5, 5, 0, 0, 0, 0, time.UTC)} {
		p := register.Person{HouseholdID: f.hh.ID, Name: []string{"李建国", "李小明"}[i], Residence: register.ResidenceRegistered,
			Phone: []string{"13909110001", "13909110002"}[i], IDNumber: ident.MakeResidentID("610603", born, 131+i)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		f.persons = append(f.persons, p)
	}
	return f
}

func (f *fixture) request(i int) Request {
	p := f.persons[i]
	return Request{CommunityID: f.cb.ID, Name: p.Name, IDTail: p.IDNumber[len(p.IDNumber)-6:], Phone: p.Phone, Client: "10.0.0.1"}
}

var codeRe = regexp.MustCompile(`验证码为(\d{6})`)

// sentCode reads the code of an attempt from the outbox, as the SMS
// gateway would; "" when no message was queued.
func (f *fixture) sentCode(t *testing.T, a Attempt) string {
	t.Helper()
	var body string
	err := f.db.QueryRowContext(context.Background(), `SELECT o.body FROM notify_outbox o
		JOIN resident_codes c ON o.ref = 'resident_code:' || CAST(c.id AS TEXT) WHERE c.ticket_hash = $1`, hashOf(a.Ticket)).Scan(&body)
	if err != nil {
		return ""
	}
	m := codeRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no code in %q", body)
	}
	return m[1]
}

func (f *fixture) outboxCount(t *testing.T) int {
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_outbox`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVerifyAndSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a, err := f.s.Start(ctx, f.request(0))
		if err != nil || !a.Matched || a.PersonID != f.persons[0].ID || a.Ticket == "" {
			t.Fatalf("start: %+v %v", a, err)
		}
		code := f.sentCode(t, a)
		if code == "" {
			t.Fatal("no SMS queued for a matching person")
		}
		var to string
		db.QueryRowContext(ctx, `SELECT recipient FROM notify_outbox`).Scan(&to)
		if to != "13909110001" {
			t.Fatalf("SMS to %q", to)
		}
		token, r, err := f.s.Confirm(ctx, "10.0.0.1", a.Ticket, code)
		if err != nil {
			t.Fatal(err)
		}
		want := Resident{PersonID: f.persons[0].ID, HouseholdID: f.hh.ID, HouseID: f.house.ID, BuildingID: f.bu.ID,
			CommunityID: f.cb.ID, Adult: true, Owner: true, Name: "李建国", Community: "城北社区", Building: "3号楼"}
		if r != want {
			t.Fatalf("resident %+v, want %+v", r, want)
		}
		if r.MaskedName() != "李**" {
			t.Fatal(r.MaskedName())
		}
		if got, err := f.s.ByToken(ctx, token); err != nil || got != want {
			t.Fatalf("by token: %+v %v", got, err)
		}
		// The code is spent.
		if _, _, err := f.s.Confirm(ctx, "10.0.0.1", a.Ticket, code); !errors.Is(err, ErrExpired) {
			t.Fatalf("second use: %v", err)
		}
		// The token is stored hashed only.
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM resident_sessions WHERE token_hash = $1`, token).Scan(&n)
		if n != 0 {
			t.Fatal("token stored in clear")
		}
		// The session lasts 30 days.
		*f.clock = f.clock.AddDate(0, 0, 29)
		if _, err := f.s.ByToken(ctx, token); err != nil {
			t.Fatalf("day 29: %v", err)
		}
		*f.clock = f.clock.AddDate(0, 0, 2)
		if _, err := f.s.ByToken(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("day 31: %v", err)
		}

		// The child: not adult; signed out ends the session.
		a, err = f.s.Start(ctx, f.request(1))
		if err != nil {
			t.Fatal(err)
		}
		token, r, err = f.s.Confirm(ctx, "10.0.0.1", a.Ticket, f.sentCode(t, a))
		if err != nil || r.Adult || !r.Owner {
			t.Fatalf("child: %+v %v", r, err)
		}
		if err := f.s.SignOut(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ByToken(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after sign-out: %v", err)
		}
		if _, err := f.s.ByToken(ctx, "nonsense"); !errors.Is(err, ErrNoSession) {
			t.Fatal(err)
		}
	})
}

// A request that matches nobody looks the same as one that matches: a
// ticket, no error, a code form; but no SMS goes out and no code passes.
func TestNoMatchSameAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		wrongTail := f.request(0)
		wrongTail.IDTail = "000000"
		wrongPhone := f.request(0)
		wrongPhone.Phone = "13900000000"
		nobody := f.request(0)
		nobody.Name = "赵无名"
		elsewhere := f.request(0)
		elsewhere.CommunityID = f.other.ID
		for _, req := range []Request{wrongTail, wrongPhone, nobody, elsewhere} {
			a, err := f.s.Start(ctx, req)
			if err != nil || a.Ticket == "" || a.Matched {
				t.Fatalf("%+v: %+v %v", req, a, err)
			}
			if f.sentCode(t, a) != "" {
				t.Fatal("SMS for no match")
			}
			for i := 0; i < MaxTries; i++ {
				_, _, err := f.s.Confirm(ctx, "10.0.0.2", a.Ticket, "123456")
				if fault.FieldsOf(err)["code"] == "" {
					t.Fatalf("try %d: %v", i, err)
				}
			}
			if _, _, err := f.s.Confirm(ctx, "10.0.0.2", a.Ticket, "123456"); !errors.Is(err, ErrExpired) {
				t.Fatalf("after %d tries: %v", MaxTries, err)
			}
		}
		if n := f.outboxCount(t); n != 0 {
			t.Fatalf("%d SMS", n)
		}
		// Matched, the same shape of answer.
		a, err := f.s.Start(ctx, f.request(0))
		if err != nil || a.Ticket == "" {
			t.Fatal(err)
		}
		// Bad forms are refused at their field.
		bad := f.request(0)
		bad.IDTail, bad.Phone, bad.Name = "12", "abc", ""
		fe := fault.FieldsOf(func() error { _, err := f.s.Start(ctx, bad); return err }())
		if fe["id_tail"] == "" || fe["phone"] == "" || fe["name"] == "" {
			t.Fatalf("fields: %v", fe)
		}
		bad = f.request(0)
		bad.CommunityID = f.bu.ID
		if fe := fault.FieldsOf(func() error { _, err := f.s.Start(ctx, bad); return err }()); fe["community"] == "" {
			t.Fatal("a building taken as a community")
		}
	})
}

func TestCodeExpiryAndTries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		// Ten minutes.
		a, _ := f.s.Start(ctx, f.request(0))
		code := f.sentCode(t, a)
		*f.clock = f.clock.Add(CodeTTL + time.Second)
		if _, _, err := f.s.Confirm(ctx, "c", a.Ticket, code); !errors.Is(err, ErrExpired) {
			t.Fatalf("expired code: %v", err)
		}
		// Four wrong, the fifth right passes; five wrong and the right
		// one is refused.
		a, _ = f.s.Start(ctx, f.request(0))
		code = f.sentCode(t, a)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i := 0; i < MaxTries-1; i++ {
			_, _, err := f.s.Confirm(ctx, "c", a.Ticket, wrong)
			if fault.FieldsOf(err)["code"] == "" {
				t.Fatal(err)
			}
		}
		if _, _, err := f.s.Confirm(ctx, "c", a.Ticket, code); err != nil {
			t.Fatalf("fifth try: %v", err)
		}
		a, _ = f.s.Start(ctx, f.request(0))
		code = f.sentCode(t, a)
		for i := 0; i < MaxTries; i++ {
			f.s.Confirm(ctx, "c", a.Ticket, wrong)
		}
		if _, _, err := f.s.Confirm(ctx, "c", a.Ticket, code); !errors.Is(err, ErrExpired) {
			t.Fatalf("after five wrong: %v", err)
		}
		if _, _, err := f.s.Confirm(ctx, "c", "unknown-ticket-xxxxxxxxxxxxxxxxx", code); !errors.Is(err, ErrExpired) {
			t.Fatal(err)
		}
		if fe := fault.FieldsOf(func() error { _, _, err := f.s.Confirm(ctx, "c", a.Ticket, "12ab"); return err }()); fe["code"] == "" {
			t.Fatal("a malformed code")
		}
	})
}

func TestRateLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.s.WithLimits(services.NewLimiter(1, 4, 1, time.Minute), services.NewLimiter(1, 2, 1, time.Minute),
			services.NewLimiter(1, 3, 1, time.Minute))
		// Per phone: two codes, then refused, from any address.
		for i := 0; i < 2; i++ {
			req := f.request(0)
			req.Client = "a" + string(rune('0'+i))
			if _, err := f.s.Start(ctx, req); err != nil {
				t.Fatal(err)
			}
		}
		req := f.request(0)
		req.Client = "fresh"
		if _, err := f.s.Start(ctx, req); !errors.Is(err, ErrLimited) {
			t.Fatalf("third code to one phone: %v", err)
		}
		// Per address: four requests whatever the phone, matched or not.
		for i := 0; i < 4; i++ {
			req := f.request(1)
			req.Phone = "1390000000" + string(rune('0'+i))
			req.Client = "same"
			if _, err := f.s.Start(ctx, req); err != nil {
				t.Fatal(err)
			}
		}
		req = f.request(1)
		req.Client = "same"
		if _, err := f.s.Start(ctx, req); !errors.Is(err, ErrLimited) {
			t.Fatalf("fifth from one address: %v", err)
		}
		// Codes typed per address.
		for i := 0; i < 3; i++ {
			f.s.Confirm(ctx, "typer", "some-ticket-xxxxxxxxxxxxxxxxxxxx", "123456")
		}
		if _, _, err := f.s.Confirm(ctx, "typer", "some-ticket-xxxxxxxxxxxxxxxxxxxx", "123456"); !errors.Is(err, ErrLimited) {
			t.Fatalf("fourth code from one address: %v", err)
		}
	})
}

func TestLoadDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		sum, err := LoadDemo(ctx, db, f.cb.ID, 1, *f.clock)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Requests < 300 || sum.Verified == 0 || sum.Verified >= sum.Requests || sum.Active == 0 {
			t.Fatalf("demo: %+v", sum)
		}
		// Only the adult signs in; the child never does.
		var child int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM resident_sessions WHERE person_id = $1`, f.persons[1].ID).Scan(&child)
		if child != 0 {
			t.Fatalf("%d sessions of a child", child)
		}
		again, err := LoadDemo(ctx, db, f.cb.ID, 1, *f.clock)
		if err != nil || again.Requests != 0 {
			t.Fatalf("second load: %+v %v", again, err)
		}
	})
}

// The session reads the register on every request: a rented house makes
// no owner, a person moved out is signed in no more.
func TestSessionFollowsRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a, err := f.s.Start(ctx, f.request(0))
		if err != nil {
			t.Fatal(err)
		}
		token, r, err := f.s.Confirm(ctx, "c", a.Ticket, f.sentCode(t, a))
		if err != nil || !r.Owner {
			t.Fatalf("%+v %v", r, err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE houses SET use = 'rented' WHERE id = $1`, f.house.ID); err != nil {
			t.Fatal(err)
		}
		if r, err := f.s.ByToken(ctx, token); err != nil || r.Owner || r.HouseID != f.house.ID {
			t.Fatalf("rented: %+v %v", r, err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE persons SET status = 'moved_out' WHERE id = $1`, f.persons[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ByToken(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("moved out: %v", err)
		}
		// Nor can a person moved out ask for a code: the same answer, no SMS.
		before := f.outboxCount(t)
		a, err = f.s.Start(ctx, f.request(0))
		if err != nil || a.Matched || f.outboxCount(t) != before {
			t.Fatalf("moved out asks: %+v %v", a, err)
		}
	})
}
