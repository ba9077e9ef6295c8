package procurement

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// TestRule: the evaluation rule's weights sum to 100 with the price's
// points within the range for services; the price score is the formula in
// integer hundredths, rounded half up.
func TestRule(t *testing.T) {
	ok := []CriterionDraft{{"服务方案", "40"}, {"团队经验", "25"}, {"满意度承诺", "15"}}
	if fe, cs := CheckRule(20, ok); len(fe) != 0 || len(cs) != 3 || cs[0].MaxPoints != 40 {
		t.Fatalf("a good rule: %v %v", fe, cs)
	}
	if fe, _ := CheckRule(40, []CriterionDraft{{"服务方案", "60"}}); fe["price_points"] == "" {
		t.Fatalf("price points 40 for a service: %v, want refused", fe)
	}
	if fe, _ := CheckRule(5, []CriterionDraft{{"服务方案", "95"}}); fe["price_points"] == "" {
		t.Fatalf("price points 5: %v, want refused", fe)
	}
	if fe, _ := CheckRule(20, ok[:2]); fe["criteria"] == "" {
		t.Fatalf("weights summing to 85: %v, want refused", fe)
	}
	if fe, _ := CheckRule(20, []CriterionDraft{{"", "80"}}); fe["criterion0"] == "" {
		t.Fatalf("a criterion without a name: %v, want refused", fe)
	}
	if fe, _ := CheckRule(20, []CriterionDraft{{"服务方案", "8.5"}, {"其他", "71.5"}}); fe["criterion0"] == "" {
		t.Fatalf("fractional points: %v, want refused", fe)
	}
	for _, c := range []struct {
		lowest, price int64
		points        int
		want          int64
		shown         string
	}{
		{8_000_000, 8_000_000, 20, 2000, "20.00"},
		{8_000_000, 8_500_000, 20, 1882, "18.82"}, // 18.8235…
		{1, 3, 10, 333, "3.33"},
		{2, 3, 10, 667, "6.67"}, // 6.666… rounds up
		{1, 8, 1, 13, "0.13"},   // 0.125 rounds half up
	} {
		if got := PriceH(c.lowest, c.price, c.points); got != c.want || Points(got) != c.shown {
			t.Errorf("PriceH(%d, %d, %d) = %d (%s), want %d (%s)", c.lowest, c.price, c.points, got, Points(got), c.want, c.shown)
		}
	}
}

// failingPayer refuses every fund entry, as an overdrawn fund would.
type failingPayer struct{}

func (failingPayer) PayFromFund(context.Context, *sql.Tx, FundPayment) error {
	return fault.New(fault.Refused, "该资金余额不足")
}

func (failingPayer) PayableFunds(context.Context, int64, int) ([]FundChoice, error) { return nil, nil }

// flow runs a project from a 协商 decision to a milestone paid, checking
// each refusal on the way; it returns the project.
func flow(t *testing.T, f *fixture) Project {
	t.Helper()
	ctx := context.Background()
	s, st := f.s, f.staff
	// Need → project; the negative list and the source are checked.
	_, err := s.Create(ctx, st, f.cb.ID, Draft{Title: "3号楼加装电梯工程", Category: "other", Goals: "加装电梯", BudgetFen: 1e7, MatterID: f.matter})
	refusedAt(t, "an engineering project", err, "title")
	_, err = s.Create(ctx, st, f.cb.ID, Draft{Title: "老年助餐服务", Category: "meals", Goals: "午餐", BudgetFen: 1e7})
	refusedAt(t, "a project from nothing", err, "source")
	_, err = s.Create(ctx, st, f.cb.ID, Draft{Title: "老年助餐服务", Category: "meals", Goals: "午餐", BudgetFen: 1e7, MatterID: 12345})
	refusedAt(t, "a project from another matter", err, "source")
	p, err := s.Create(ctx, st, f.cb.ID, Draft{Title: "老年助餐点运营服务", Category: "meals",
		Goals: "为80岁以上老人每日提供午餐", Terms: "服务期一年", BudgetFen: 10_000_000, MatterID: f.matter})
	if err != nil {
		t.Fatal(err)
	}
	if p.Stage != "planning" || p.Matter != "设立社区老年食堂" {
		t.Fatalf("project: %+v", p)
	}
	// The tender: weights against the rule, the deadline a week away at least.
	rule := []CriterionDraft{{"服务方案", "40"}, {"团队经验", "25"}, {"满意度承诺", "15"}}
	err = s.Publish(ctx, st, p.ID, p.Version, Tender{PricePoints: 35, Criteria: rule, ClosesAt: "2026-05-20T17:00"})
	refusedAt(t, "price points 35", err, "price_points")
	err = s.Publish(ctx, st, p.ID, p.Version, Tender{PricePoints: 20, Criteria: rule, ClosesAt: "2026-05-06T17:00"})
	refusedAt(t, "a two-day tender", err, "closes_at")
	if err := s.Publish(ctx, st, p.ID, p.Version, Tender{PricePoints: 20, Criteria: rule, ClosesAt: "2026-05-20T17:00"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(ctx, st, p.ID, p.Version, Tender{PricePoints: 20, Criteria: rule, ClosesAt: "2026-05-21T17:00"}); !errors.Is(err, ErrChanged) {
		t.Fatalf("a stale publish: %v, want a conflict", err)
	}
	// Bids: one per organisation, over the budget refused, a withdrawn one replaced.
	a, b := f.orgs[0], f.orgs[1]
	_, err = s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: a.ID, PriceFen: 10_000_001, Proposal: "方案"})
	refusedAt(t, "a bid over the budget", err, "price")
	bidA, err := s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: a.ID, PriceFen: 8_000_000, Proposal: "中央厨房配送,每日两荤一素"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: b.ID, PriceFen: 9_000_000, Proposal: "社工驻点"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: b.ID, PriceFen: 8_500_000, Proposal: "社工驻点"})
	refusedWith(t, "a second bid", err, ErrTwice)
	if err := s.WithdrawBid(ctx, st, p.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	bidB, err := s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: b.ID, PriceFen: 8_500_000, Proposal: "社工驻点,志愿者送餐上门"})
	if err != nil {
		t.Fatalf("a bid after withdrawing: %v", err)
	}
	for _, person := range f.persons {
		if err := s.AddMember(ctx, st, p.ID, person.ID); err != nil {
			t.Fatal(err)
		}
	}
	p, _ = s.Project(ctx, st, p.ID)
	pts := func(xs ...int) map[int64]int {
		m := map[int64]int{}
		for i, c := range p.Criteria {
			m[c.ID] = xs[i]
		}
		return m
	}
	p0, p1, p2 := f.persons[0].ID, f.persons[1].ID, f.persons[2].ID
	refusedWith(t, "scoring before the deadline", s.Score(ctx, st, p.ID, p1, bidA.ID, pts(30, 20, 10)), ErrNotClosed)
	// The deadline passes: no more bids, scoring opens.
	*f.clock = at(2026, 5, 20).Add(8 * 3600e9) // 17:00
	_, err = s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: a.ID, PriceFen: 7_000_000, Proposal: "晚到"})
	refusedWith(t, "a bid at the deadline", err, ErrClosed)
	refusedWith(t, "a withdrawal after the deadline", s.WithdrawBid(ctx, st, p.ID, bidA.ID), ErrClosed)
	refusedWith(t, "a member of the bidder scoring it", s.Score(ctx, st, p.ID, p0, bidA.ID, pts(30, 20, 10)), ErrConflict)
	refusedAt(t, "a score over the range", s.Score(ctx, st, p.ID, p1, bidA.ID, pts(41, 20, 10)), "c"+itoa(p.Criteria[0].ID))
	refusedAt(t, "a negative score", s.Score(ctx, st, p.ID, p1, bidA.ID, pts(30, -1, 10)), "c"+itoa(p.Criteria[1].ID))
	refusedWith(t, "a stranger scoring", s.Score(ctx, st, p.ID, 999, bidA.ID, pts(30, 20, 10)), ErrNotPanel)
	for _, sc := range []struct {
		person, bid int64
		points      []int
	}{{p1, bidA.ID, []int{30, 20, 10}}, {p2, bidA.ID, []int{32, 18, 12}},
		{p0, bidB.ID, []int{38, 22, 14}}, {p1, bidB.ID, []int{36, 21, 13}}} {
		if err := s.Score(ctx, st, p.ID, sc.person, sc.bid, pts(sc.points...)); err != nil {
			t.Fatal(err)
		}
	}
	p, _ = s.Project(ctx, st, p.ID)
	refusedWith(t, "an award before every score", s.Award(ctx, st, p.ID, p.Version), ErrUnscored)
	if err := s.Score(ctx, st, p.ID, p2, bidB.ID, pts(35, 20, 14)); err != nil {
		t.Fatal(err)
	}
	ev, err := s.Evaluate(ctx, st, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	// B: price 18.82 + quality (74+70+69)/3 = 71.00 → 89.82; A: 20.00 +
	// (60+62)/2 = 61.00 with 李建国 recused → 81.00.
	if !ev.Complete || len(ev.Ranking) != 2 || ev.Ranking[0].ID != bidB.ID ||
		Points(ev.Ranking[0].TotalH) != "89.82" || Points(ev.Ranking[1].TotalH) != "81.00" ||
		Points(ev.Ranking[0].Criteria[0]) != "36.33" || !ev.Ranking[1].Sheets[0].Recused {
		t.Fatalf("ranking: %+v", ev.Ranking)
	}
	if err := s.Award(ctx, st, p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Project(ctx, st, p.ID)
	if p.Stage != "awarded" || p.AwardBidID != bidB.ID {
		t.Fatalf("awarded: %+v", p)
	}
	// The contract, its milestones, acceptance and payments.
	*f.clock = at(2026, 5, 25)
	err = s.Sign(ctx, st, p.ID, p.Version, ContractDraft{ValueFen: 8_500_001, SignedOn: "2026-05-25", StartsOn: "2026-06-01", EndsOn: "2027-05-31"})
	refusedAt(t, "a contract over the bid", err, "value")
	if err := s.Sign(ctx, st, p.ID, p.Version, ContractDraft{ValueFen: 8_500_000, SignedOn: "2026-05-25", StartsOn: "2026-06-01", EndsOn: "2027-05-31"}); err != nil {
		t.Fatal(err)
	}
	refusedAt(t, "a milestone out of the period", s.AddMilestone(ctx, st, p.ID, MilestoneDraft{"首期", "2027-07-01", 1}), "due_on")
	if err := s.AddMilestone(ctx, st, p.ID, MilestoneDraft{"开办并运行三个月", "2026-08-31", 4_000_000}); err != nil {
		t.Fatal(err)
	}
	refusedAt(t, "milestones over the contract", s.AddMilestone(ctx, st, p.ID, MilestoneDraft{"全年运行", "2027-05-31", 4_500_001}), "amount")
	if err := s.AddMilestone(ctx, st, p.ID, MilestoneDraft{"全年运行并通过评估", "2027-05-31", 4_500_000}); err != nil {
		t.Fatal(err)
	}
	ms, _ := s.Milestones(ctx, p.ID)
	refusedWith(t, "a payment before acceptance", s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 1_000_000, PaidOn: "2026-05-25"}), ErrNotMet)
	*f.clock = at(2026, 9, 3)
	if err := s.Accept(ctx, st, p.ID, ms[0].ID, "2026-09-02"); err != nil {
		t.Fatal(err)
	}
	refusedWith(t, "a payment over the milestone", s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 4_000_001, PaidOn: "2026-09-03"}), ErrOverMile)
	refusedAt(t, "a payment before the acceptance day", s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 1, PaidOn: "2026-09-01"}), "paid_on")
	refusedAt(t, "a fund without the accounts", s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 4_000_000, PaidOn: "2026-09-03", FundID: 7}), "fund")
	s.UsePayer(failingPayer{})
	if err := s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 4_000_000, PaidOn: "2026-09-03", FundID: 7}); fault.Message(err) != "该资金余额不足" {
		t.Fatalf("a payment the fund refuses: %v", err)
	}
	s.UsePayer(nil)
	if ys, _ := s.Payments(ctx, p.ID); len(ys) != 0 {
		t.Fatalf("refused payments left rows: %+v", ys)
	}
	if err := s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[0].ID, AmountFen: 4_000_000, PaidOn: "2026-09-03"}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Project(ctx, st, p.ID)
	refusedWith(t, "completing with a milestone open", s.Complete(ctx, st, p.ID, p.Version,
		Rating{Satisfied: 40, Fair: 5, Unsatisfied: 1, Evaluation: "好", On: "2026-09-03"}), ErrOpenMiles)
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestProjectFlow: need to payment with every refusal on the way, then
// completion with the residents' ratings and a payment over the contract.
func TestProjectFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		p := flow(t, f)
		s, st := f.s, f.staff
		ms, _ := s.Milestones(ctx, p.ID)
		*f.clock = at(2027, 6, 2)
		if err := s.Accept(ctx, st, p.ID, ms[1].ID, "2027-06-01"); err != nil {
			t.Fatal(err)
		}
		// The contract is 85,000.00; 40,000.00 paid; a payment of the whole
		// second milestone plus a fen is over both.
		refusedWith(t, "a payment over the contract", s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[1].ID, AmountFen: 4_500_001, PaidOn: "2027-06-02"}), ErrOverpaid)
		if err := s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[1].ID, AmountFen: 4_500_000, PaidOn: "2027-06-02"}); err != nil {
			t.Fatal(err)
		}
		refusedAt(t, "completing without ratings", s.Complete(ctx, st, p.ID, p.Version, Rating{Evaluation: "好", On: "2027-06-02"}), "ratings")
		if err := s.Complete(ctx, st, p.ID, p.Version, Rating{Satisfied: 40, Fair: 5, Unsatisfied: 1,
			Evaluation: "助餐点全年运行,日均就餐62人", On: "2027-06-02"}); err != nil {
			t.Fatal(err)
		}
		p, _ = s.Project(ctx, st, p.ID)
		if p.Stage != "completed" || p.Ratings() != 46 {
			t.Fatalf("completed: %+v", p)
		}
		other := Staff{Name: "x", May: func(int64) bool { return false }}
		if _, err := s.Project(ctx, other, p.ID); !errors.Is(err, ErrNoProject) {
			t.Fatalf("a project out of scope: %v", err)
		}
	})
}

// TestConflict: a panel member is linked to a bidder as its leader, as an
// open member, or as an employee of the register's organisation of the
// same name; a member who left, or works elsewhere, is not.
func TestConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a, b := f.orgs[0], f.orgs[1]
		employer := database.NewID()
		stamp := database.FormatTime(*f.clock)
		if _, err := db.ExecContext(ctx, `INSERT INTO organisations (community_id, id, name, kind, org_id, created_at, updated_at)
			VALUES ($1, $2, $3, 'social', $1, $4, $4)`, f.cb.ID, employer, b.Name, stamp); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE persons SET employer_id = $1 WHERE id = $2`, employer, f.persons[2].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE social_orgs SET leader_person_id = $1 WHERE id = $2`, f.persons[1].ID, a.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who  string
			p    int64
			org  int64
			want bool
		}{
			{"a member of A", f.persons[0].ID, a.ID, true},
			{"A's leader", f.persons[1].ID, a.ID, true},
			{"an employee of B", f.persons[2].ID, b.ID, true},
			{"a member of A for B", f.persons[0].ID, b.ID, false},
			{"an employee of B for A", f.persons[2].ID, a.ID, false},
		} {
			got, err := conflicted(ctx, db, c.p, c.org)
			if err != nil || got != c.want {
				t.Errorf("%s: conflicted %v (%v), want %v", c.who, got, err, c.want)
			}
		}
		if _, err := db.ExecContext(ctx, `UPDATE social_org_members SET left_on = '2026-01-01' WHERE person_id = $1`, f.persons[0].ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := conflicted(ctx, db, f.persons[0].ID, a.ID); got {
			t.Error("a member who left is still conflicted")
		}
	})
}
