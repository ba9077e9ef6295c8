package proposals

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 with 3号楼 (an owner-occupied house: an adult and a
// child; a rented house: two adults) and 5号楼 (an owner-occupied house:
// one adult), and 城南社区 with one adult; residents as their sessions
// would show them.
type fixture struct {
	db       *database.DB
	s        *Service
	clock    *time.Time
	cb, cn   int64
	b3, b5   int64
	lao      residents.Resident // 3号楼 owner, adult
	child    residents.Resident // 3号楼 owner's child
	tenant   residents.Resident // 3号楼 rented, adult
	tenant2  residents.Resident // same household as tenant
	wang     residents.Resident // 5号楼 owner, adult
	outsider residents.Resident // 城南社区
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	f.s = NewService(db, clock)
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	actor := register.Actor{Name: "t", Source: "cli"}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	seq := 0
	community := func(name, code string) (orgtree.Unit, orgtree.Unit) {
		c := orgtree.Unit{ParentID: street.ID, Level: "community", Name: name, Code: code}
		mk(&c)
		g := orgtree.Unit{ParentID: c.ID, Level: "grid", Name: name + "第一网格"}
		mk(&g)
		return c, g
	}
	cb, grid := community("城北社区", "610603100001")
	cn, gridS := community("城南社区", "610603100002")
	f.cb, f.cn = cb.ID, cn.ID
	building := func(g orgtree.Unit, name string) int64 {
		u := orgtree.Unit{ParentID: g.ID, Level: "building", Name: name}
		mk(&u)
		b := register.Building{ID: u.ID, Name: name, Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	f.b3, f.b5 = building(grid, "3号楼"), building(grid, "5号楼")
	bS := building(gridS, "1号楼")
	// household makes a house and a household in it with persons born on
	// the dates given; it returns them as signed-in residents.
	household := func(community, b int64, number, use string, born ...time.Time) []residents.Resident {
		t.Helper()
		seq++
		house := register.House{BuildingID: b, Number: number, Use: use}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "H" + number + string(rune('A'+seq)), Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		var out []residents.Resident
		for i, d := range born {
			seq++
			p := register.Person{HouseholdID: hh.ID, Name: "居民" + string(rune('甲'+seq)), Residence: register.ResidenceRegistered,
				IDNumber: ident.MakeResidentID("610603", d, 100+seq)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatalf("person %d: %v", i, err)
			}
			out = append(out, residents.Resident{PersonID: p.ID, HouseholdID: hh.ID, HouseID: house.ID, BuildingID: b,
				CommunityID: community, Adult: d.Before(now.AddDate(-18, 0, 0)), Owner: use == register.HouseOwner, Name: p.Name})
		}
		return out
	}
	adult, kid := time.Date(1970, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2012, 5, 5, 0, 0, 0, 0, time.UTC)
	r := household(f.cb, f.b3, "1-101", register.HouseOwner, adult, kid)
	f.lao, f.child = r[0], r[1]
	r = household(f.cb, f.b3, "1-102", register.HouseRented, adult, adult)
	f.tenant, f.tenant2 = r[0], r[1]
	f.wang = household(f.cb, f.b5, "2-201", register.HouseOwner, adult)[0]
	f.outsider = household(f.cn, bS, "1-101", register.HouseOwner, adult)[0]
	return f
}

// voting puts a committee matter of the draft into voting from now for a
// week and returns it.
func (f *fixture) voting(t *testing.T, d Draft) Matter {
	t.Helper()
	ctx := context.Background()
	d.CommunityID = f.cb
	if d.Title == "" {
		d.Title, d.Body = "加装电梯", "3号楼加装电梯,费用按楼层分摊。"
	}
	m, err := f.s.ProposeAsCommittee(ctx, "王主任", d)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.OpenVoting(ctx, "王主任", f.cb, m.ID, m.Version, *f.clock, f.clock.AddDate(0, 0, 7)); err != nil {
		t.Fatal(err)
	}
	m, err = f.s.Get(ctx, f.cb, m.ID)
	if err != nil || m.Status != Voting {
		t.Fatalf("voting: %+v %v", m, err)
	}
	return m
}

func TestEligibilityAdults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.voting(t, Draft{Scope: ScopeAdults, Unit: PerPerson})
		n, err := f.s.EligibleCount(ctx, m)
		if err != nil || n != 4 {
			t.Fatalf("eligible adults of 城北 = %d %v, want 4", n, err)
		}
		for _, c := range []struct {
			who  string
			r    residents.Resident
			want bool
		}{{"lao", f.lao, true}, {"child", f.child, false}, {"tenant", f.tenant, true}, {"wang", f.wang, true},
			{"outsider", f.outsider, false}} {
			if got := Eligible(m, c.r); got != c.want {
				t.Errorf("%s eligible = %v", c.who, got)
			}
		}
		// The child and the outsider are refused; the others vote.
		if _, err := f.s.Vote(ctx, &f.child, f.cb, m.ID, For); !errors.Is(err, ErrNotEligible) {
			t.Fatalf("child: %v", err)
		}
		if _, err := f.s.Vote(ctx, &f.outsider, f.cb, m.ID, For); !errors.Is(err, ErrNotEligible) {
			t.Fatalf("outsider: %v", err)
		}
		for _, r := range []residents.Resident{f.lao, f.tenant, f.tenant2} {
			if _, err := f.s.Vote(ctx, &r, f.cb, m.ID, For); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, Against); err != nil {
			t.Fatal(err)
		}
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if m.VotesFor != 3 || m.VotesAgainst != 1 {
			t.Fatalf("counts %d/%d", m.VotesFor, m.VotesAgainst)
		}
	})
}

func TestEligibilityBuildingHouseholds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.voting(t, Draft{Scope: ScopeHouseholds, Unit: PerHousehold, Buildings: []int64{f.b3}})
		n, err := f.s.EligibleCount(ctx, m)
		if err != nil || n != 2 {
			t.Fatalf("households of 3号楼 = %d %v, want 2", n, err)
		}
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, For); !errors.Is(err, ErrNotEligible) {
			t.Fatalf("5号楼: %v", err)
		}
		if _, err := f.s.Vote(ctx, &f.tenant, f.cb, m.ID, For); err != nil {
			t.Fatal(err)
		}
		// One vote per household: the tenant's housemate is refused.
		if _, err := f.s.Vote(ctx, &f.tenant2, f.cb, m.ID, Against); !errors.Is(err, ErrVoted) {
			t.Fatalf("housemate: %v", err)
		}
		// A child does not cast the household's vote.
		if _, err := f.s.Vote(ctx, &f.child, f.cb, m.ID, For); !errors.Is(err, ErrNotEligible) {
			t.Fatalf("child: %v", err)
		}
		if _, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, Against); err != nil {
			t.Fatal(err)
		}
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if m.VotesFor != 1 || m.VotesAgainst != 1 {
			t.Fatalf("counts %d/%d", m.VotesFor, m.VotesAgainst)
		}
		// Owners of 3号楼 and 5号楼, per household: the rented house is out.
		o := f.voting(t, Draft{Title: "小区停车收费", Body: "业主表决停车收费标准。", Scope: ScopeOwners, Unit: PerHousehold,
			Buildings: []int64{f.b3, f.b5}})
		if n, err := f.s.EligibleCount(ctx, o); err != nil || n != 2 {
			t.Fatalf("owner households = %d %v, want 2", n, err)
		}
		if _, err := f.s.Vote(ctx, &f.tenant, f.cb, o.ID, For); !errors.Is(err, ErrNotEligible) {
			t.Fatalf("tenant on owners' matter: %v", err)
		}
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, o.ID, For); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSecondVoteAndDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.voting(t, Draft{})
		b, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, For)
		if err != nil || b.Receipt == "" {
			t.Fatalf("vote: %+v %v", b, err)
		}
		// A second vote, also to change the choice, is refused.
		if _, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, Against); !errors.Is(err, ErrVoted) {
			t.Fatalf("second vote: %v", err)
		}
		// The ballots table holds no register id; the tally holds no voter.
		var hash string
		db.QueryRowContext(ctx, `SELECT voter_hash FROM proposal_ballots`).Scan(&hash)
		if hash == "" || strings.Contains(hash, strconv.FormatInt(f.lao.PersonID, 10)) {
			t.Fatalf("voter hash %q", hash)
		}
		var choice string
		if err := db.QueryRowContext(ctx, `SELECT choice FROM proposal_tally WHERE receipt = $1`, b.Receipt).Scan(&choice); err != nil || choice != For {
			t.Fatalf("receipt finds %q %v", choice, err)
		}
		if voted, err := f.s.HasVoted(ctx, f.lao, m); err != nil || !voted {
			t.Fatalf("has voted %v %v", voted, err)
		}
		// Bad choice.
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, "maybe"); fault.FieldsOf(err)["choice"] == "" {
			t.Fatalf("bad choice: %v", err)
		}
		// After the deadline.
		*f.clock = f.clock.AddDate(0, 0, 7)
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, For); !errors.Is(err, ErrClosed) {
			t.Fatalf("after the deadline: %v", err)
		}
		// No session.
		if _, err := f.s.Vote(ctx, nil, f.cb, m.ID, For); !errors.Is(err, ErrNoResident) {
			t.Fatalf("no session: %v", err)
		}
		// The committee decides; the eligible count is frozen.
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if err := f.s.Decide(ctx, "王主任", f.cb, m.ID, m.Version, "passed", "同意加装,下月启动。"); err != nil {
			t.Fatal(err)
		}
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if m.Status != Decided || m.Eligible != 4 || m.VotesFor != 1 || m.Result != "passed" {
			t.Fatalf("decided %+v", m)
		}
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, For); !errors.Is(err, ErrClosed) {
			t.Fatalf("after the decision: %v", err)
		}
		// A stale version conflicts; the follow-up is recorded and done.
		if err := f.s.FollowUp(ctx, "王主任", f.cb, m.ID, m.Version-1, 42, 0, false); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale: %v", err)
		}
		if err := f.s.FollowUp(ctx, "王主任", f.cb, m.ID, m.Version, 42, 0, true); err != nil {
			t.Fatal(err)
		}
		m, _ = f.s.Get(ctx, f.cb, m.ID)
		if m.Status != Done || m.EventID != 42 || m.DoneOn == "" {
			t.Fatalf("done %+v", m)
		}
	})
}

// TestVoteAfterDecisionElsewhere: a server keeps a matter's voting facts;
// another server whose clock runs ahead decides it; a vote on the first
// server, whose clock says the vote is still open, is refused as closed by
// the ballot's own INSERT, and nothing is written.
func TestVoteAfterDecisionElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.voting(t, Draft{})
		if _, err := f.s.Vote(ctx, &f.lao, f.cb, m.ID, For); err != nil {
			t.Fatal(err)
		}
		ahead := f.clock.AddDate(0, 0, 7)
		other := NewService(db, func() time.Time { return ahead })
		m, _ = other.Get(ctx, f.cb, m.ID)
		if err := other.Decide(ctx, "王主任", f.cb, m.ID, m.Version, "passed", "同意。"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Vote(ctx, &f.wang, f.cb, m.ID, For); !errors.Is(err, ErrClosed) {
			t.Fatalf("vote on a matter decided elsewhere: %v", err)
		}
		var ballots, tally int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_ballots WHERE proposal_id = $1`, m.ID).Scan(&ballots)
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_tally WHERE proposal_id = $1`, m.ID).Scan(&tally)
		if ballots != 1 || tally != 1 {
			t.Fatalf("%d ballots, %d tally rows after the refused vote", ballots, tally)
		}
	})
}

func TestResidentProposalModeration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := Draft{Title: "增设快递柜", Body: "建议在3号楼下增设快递柜。"}
		// Without a verified resident: refused.
		if _, err := f.s.ProposeAsResident(ctx, nil, d); !errors.Is(err, ErrNoResident) {
			t.Fatalf("unverified: %v", err)
		}
		if _, err := f.s.ProposeAsResident(ctx, &residents.Resident{}, d); !errors.Is(err, ErrNoResident) {
			t.Fatalf("empty resident: %v", err)
		}
		// Oversize text: refused at its field, nothing saved.
		big := d
		big.Body = strings.Repeat("长", MaxBody+1)
		big.Title = strings.Repeat("题", MaxTitle+1)
		_, err := f.s.ProposeAsResident(ctx, &f.lao, big)
		fe := fault.FieldsOf(err)
		if fe["body"] == "" || fe["title"] == "" {
			t.Fatalf("oversize: %v", err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals`).Scan(&n)
		if n != 0 {
			t.Fatal("oversize proposal saved")
		}
		// A building of another community is refused.
		other := d
		other.Scope, other.Unit, other.Buildings = ScopeHouseholds, PerHousehold, []int64{f.outsider.BuildingID}
		if _, err := f.s.ProposeAsResident(ctx, &f.lao, other); fault.FieldsOf(err)["buildings"] == "" {
			t.Fatalf("foreign building: %v", err)
		}
		m, err := f.s.ProposeAsResident(ctx, &f.lao, d)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != Moderation || m.ProposerKind != "resident" || strings.Contains(m.Proposer, f.lao.Name[3:]) {
			t.Fatalf("proposed %+v", m)
		}
		// Voting cannot open before moderation.
		if err := f.s.OpenVoting(ctx, "王主任", f.cb, m.ID, m.Version, *f.clock, f.clock.AddDate(0, 0, 3)); !fault.Is(err, fault.Illegal) {
			t.Fatalf("open before moderation: %v", err)
		}
		if err := f.s.Reject(ctx, "王主任", f.cb, m.ID, m.Version, ""); fault.FieldsOf(err)["reason"] == "" {
			t.Fatalf("reject without reason: %v", err)
		}
		if err := f.s.Approve(ctx, "王主任", f.cb, m.ID, m.Version); err != nil {
			t.Fatal(err)
		}
		m2, err := f.s.ProposeAsResident(ctx, &f.wang, Draft{Title: "广告", Body: "推销"})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.Reject(ctx, "王主任", f.cb, m2.ID, m2.Version, "与社区公共事务无关"); err != nil {
			t.Fatal(err)
		}
		m2, _ = f.s.Get(ctx, f.cb, m2.ID)
		if m2.Status != Rejected || m2.RejectReason != "与社区公共事务无关" {
			t.Fatalf("rejected %+v", m2)
		}
		// Children do not propose.
		if _, err := f.s.ProposeAsResident(ctx, &f.child, d); !fault.Is(err, fault.Refused) {
			t.Fatalf("child proposes: %v", err)
		}
	})
}

func TestArgumentsListAndQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m := f.voting(t, Draft{})
		if _, err := f.s.Argue(ctx, nil, f.cb, m.ID, For, "好"); !errors.Is(err, ErrNoResident) {
			t.Fatalf("unverified argument: %v", err)
		}
		if _, err := f.s.Argue(ctx, &f.lao, f.cb, m.ID, For, strings.Repeat("长", MaxArgument+1)); fault.FieldsOf(err)["body"] == "" {
			t.Fatalf("oversize argument: %v", err)
		}
		if _, err := f.s.Argue(ctx, &f.outsider, f.cb, m.ID, For, "好"); !fault.Is(err, fault.Refused) {
			t.Fatalf("outsider argues: %v", err)
		}
		a1, err := f.s.Argue(ctx, &f.lao, f.cb, m.ID, For, "老人上下楼方便。")
		if err != nil {
			t.Fatal(err)
		}
		a2, err := f.s.Argue(ctx, &f.tenant, f.cb, m.ID, Against, "一楼住户采光受影响。")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ProposeAsResident(ctx, &f.wang, Draft{Title: "垃圾分类", Body: "设置分类投放点。"}); err != nil {
			t.Fatal(err)
		}
		qm, qa, err := f.s.Queue(ctx, f.cb)
		if err != nil || len(qm) != 1 || len(qa) != 2 {
			t.Fatalf("queue: %d matters %d arguments %v", len(qm), len(qa), err)
		}
		if err := f.s.ModerateArgument(ctx, f.cb, a1.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ModerateArgument(ctx, f.cb, a2.ID, false, ""); fault.FieldsOf(err)["reason"] == "" {
			t.Fatalf("reject without reason: %v", err)
		}
		if err := f.s.ModerateArgument(ctx, f.cb, a2.ID, false, "含人身攻击"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ModerateArgument(ctx, f.cb, a2.ID, true, ""); !fault.Is(err, fault.Illegal) {
			t.Fatalf("moderated twice: %v", err)
		}
		pub, err := f.s.Arguments(ctx, f.cb, m.ID, false)
		if err != nil || len(pub) != 1 || pub[0].Side != For || pub[0].Author == f.lao.Name {
			t.Fatalf("published %+v %v", pub, err)
		}
		f.s.Vote(ctx, &f.lao, f.cb, m.ID, For)
		f.s.Vote(ctx, &f.wang, f.cb, m.ID, Against)
		ms, total, err := f.s.List(ctx, Filter{Communities: []int64{f.cb}})
		if err != nil || total != 2 || len(ms) != 2 {
			t.Fatalf("list %d %d %v", total, len(ms), err)
		}
		var got Matter
		for _, x := range ms {
			if x.ID == m.ID {
				got = x
			}
		}
		if got.VotesFor != 1 || got.VotesAgainst != 1 || got.Eligible != 4 {
			t.Fatalf("listed %+v", got)
		}
		if ms, _, _ := f.s.List(ctx, Filter{Communities: []int64{f.cn}}); len(ms) != 0 {
			t.Fatal("another community's matters listed")
		}
		if _, _, err := f.s.List(ctx, Filter{Status: "bogus"}); fault.FieldsOf(err)["status"] == "" {
			t.Fatalf("bad status: %v", err)
		}
		if ms, total, err := f.s.List(ctx, Filter{Status: Voting, Size: 1, Page: 1}); err != nil || total != 1 || len(ms) != 1 {
			t.Fatalf("filtered %d %v", total, err)
		}
	})
}

func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		sum, err := LoadDemo(ctx, db, f.cb, 7, *f.clock)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Matters != len(demoMatters)+1 || sum.Votes == 0 || sum.Arguments == 0 {
			t.Fatalf("demo %+v", sum)
		}
		ms, _, err := f.s.List(ctx, Filter{Communities: []int64{f.cb}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, m := range ms {
			seen[m.Status]++
			if m.Status == Decided && m.Eligible <= 0 {
				t.Fatalf("decided without eligible: %+v", m)
			}
		}
		for _, st := range []string{Moderation, Rejected, Open, Voting, Decided, Done} {
			if seen[st] == 0 {
				t.Errorf("no matter %s: %v", st, seen)
			}
		}
		// The follow-ups are events: the older closed, the newest under way.
		if sum.FollowUps == 0 || sum.Closed == 0 || sum.Closed == sum.FollowUps {
			t.Errorf("follow-ups %+v", sum)
		}
		as, err := f.s.Accountability(ctx, f.cb, 0)
		if err != nil {
			t.Fatal(err)
		}
		states := map[bool]int{}
		for _, a := range as {
			if a.TrackingNo != "" {
				states[a.Closed()]++
			}
		}
		if states[true] != sum.Closed || states[false] != sum.FollowUps-sum.Closed {
			t.Errorf("accountability: %v closed/open, summary %+v", states, sum)
		}
		if again, err := LoadDemo(ctx, db, f.cb, 7, *f.clock); err != nil || again.Matters != 0 {
			t.Fatalf("second load %+v %v", again, err)
		}
	})
}
