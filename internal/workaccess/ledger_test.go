package workaccess

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// ledgerWorld is a street of two communities, A with three households and
// B with two, and a catalogue of three items instead of the sample one.
type ledgerWorld struct {
	s                 *Service
	street, a, b      int64
	occ, perHH, perYr int64
}

func newLedgerWorld(t *testing.T, db *database.DB) *ledgerWorld {
	t.Helper()
	ctx := context.Background()
	now := at(2026, 1, 5, 10, 0)
	w := &ledgerWorld{s: NewService(db, func() time.Time { return now }), street: database.NewID(), a: database.NewID(), b: database.NewID()}
	ts := database.FormatTime(now)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO org_units (id, level, name, created_at, updated_at) VALUES ($1, 'street', '城北街道', $2, $2)`, w.street, ts)
	exec(`INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES ($1, $1, 0)`, w.street)
	for _, c := range []int64{w.a, w.b} {
		exec(`INSERT INTO org_units (id, parent_id, level, name, community_id, created_at, updated_at)
			VALUES ($1, $2, 'community', '社区', $1, $3, $3)`, c, w.street, ts)
		exec(`INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES ($1, $1, 0), ($2, $1, 1)`, c, w.street)
	}
	hh := func(c int64, n int) {
		for i := range n {
			exec(`INSERT INTO households (community_id, id, number, kind, org_id, created_at, updated_at)
				VALUES ($1, $2, $3, 'registered', $1, $4, $4)`, c, database.NewID(), string(rune('0'+i)), ts)
		}
	}
	hh(w.a, 3)
	hh(w.b, 2)
	exec(`INSERT INTO households (community_id, id, number, kind, org_id, status, created_at, updated_at)
		VALUES ($1, $2, 'x', 'registered', $1, 'dissolved', $3, $3)`, w.a, database.NewID(), ts)
	for i, role := range []string{"community_staff", "community_staff", "building_head"} {
		exec(`INSERT INTO org_staff (id, unit_id, community_id, role, name, started_on) VALUES ($1, $2, $2, $3, $4, '2025-01-01')`,
			database.NewID(), w.a, role, []string{"甲", "乙", "丙"}[i])
	}
	exec(`DELETE FROM work_items`)
	item := func(rule, yuan, freq, hours, dept, from string) int64 {
		t.Helper()
		d := draft()
		d.FundingRule, d.FundingYuan, d.Frequency, d.StaffHours, d.Department, d.ValidFrom = rule, yuan, freq, hours, dept, from
		it, err := w.s.SaveItem(ctx, "审查组", 0, 0, d)
		if err != nil {
			t.Fatal(err)
		}
		return it.ID
	}
	w.occ = item(PerOccurrence, "50", "按需", "3", "civil", "2026-01-01")
	w.perHH = item(PerHousehold, "12.50", "每季度", "2", "civil", "2026-01-01")
	w.perYr = item(PerYear, "1000", "每年", "10", "health", "2026-03-15")
	return w
}

func (w *ledgerWorld) area(t *testing.T, unit int64) Area {
	t.Helper()
	a, err := w.s.AreaOf(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLedger: what is owed follows each funding rule to the 分 — per
// occurrence by the work recorded, per household by the register's active
// households, per year by the days in force — and a year's months add up to
// the yearly amounts exactly; arrears are due less received, per department
// and per community.
func TestLedger(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		area := w.area(t, w.street)
		if len(area.Communities) != 2 || area.Communities[w.a] != 3 || area.Communities[w.b] != 2 || area.Staff != 2 {
			t.Fatalf("area %+v", area)
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 2); err != nil {
			t.Fatal(err)
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 3); err != nil { // corrected, not added
			t.Fatal(err)
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-3", 3); fault.FieldsOf(err)["period"] == "" {
			t.Errorf("bad period accepted: %v", err)
		}
		if _, err := w.s.Receive(ctx, "财务", Payment{Department: "civil", Community: w.a, AmountYuan: "100.00",
			ReceivedOn: "2026-03-20", Voucher: "拨字〔2026〕12号"}); err != nil {
			t.Fatal(err)
		}
		_, err := w.s.Receive(ctx, "财务", Payment{Department: "civil", Community: w.a, AmountYuan: "1.005", ReceivedOn: "2026-03-20"})
		if fe := fault.FieldsOf(err); fe["amount"] == "" || fe["voucher"] == "" {
			t.Errorf("three decimals and no voucher: %v", err)
		}

		lg, err := w.s.Ledger(ctx, area, "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		// A: 3 × 50 元 + 3 户 × 12.50 元 for March (days 60–90 of 365:
		// 925 − 606 = 319 分) + 1000 元 for 17 days from 15 March (4658 分).
		// B: 2 户 (212 分) + 4658 分.
		if lg.DueFen != 15000+319+4658+212+4658 || lg.ReceivedFen != 10000 {
			t.Fatalf("due %d received %d", lg.DueFen, lg.ReceivedFen)
		}
		comm := map[int64]Line{}
		for _, l := range lg.Communities {
			comm[l.Community] = l
		}
		if comm[w.a].DueFen != 19977 || comm[w.b].DueFen != 4870 || comm[w.a].ArrearsFen() != 9977 || comm[w.b].ArrearsFen() != 4870 {
			t.Errorf("per community %+v", lg.Communities)
		}
		if len(lg.Departments) != 2 || lg.Departments[0].Department != "health" || lg.Departments[0].ArrearsFen() != 9316 ||
			lg.Departments[1].Department != "civil" || lg.Departments[1].ArrearsFen() != 15531-10000 {
			t.Errorf("per department, most owed first: %+v", lg.Departments)
		}
		civil := lg.Departments[1]
		if civil.ImposedMinutes != 3*180 || civil.FundedMinutes != 3*180 {
			t.Errorf("demand score of civil: %+v", civil)
		}

		year, err := w.s.Ledger(ctx, area, "2026-01", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		// The household rule pays 3750 and 2500 分 over the year, the yearly
		// item 1000 元 × 292/365 days = 800 元 per community, with no 分 lost
		// or gained by the monthly rounding.
		if year.DueFen != 15000+3750+2500+80000+80000 {
			t.Errorf("year due %d", year.DueFen)
		}
		var monthly int64
		for m := 1; m <= 12; m++ {
			p := time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
			l, err := w.s.Ledger(ctx, area, p, p)
			if err != nil {
				t.Fatal(err)
			}
			monthly += l.DueFen
		}
		if monthly != year.DueFen {
			t.Errorf("months add up to %d, the year to %d", monthly, year.DueFen)
		}

		// Revoked from 1 July: the yearly item is owed for 15 March – 30 June.
		it, _ := w.s.Item(ctx, w.perYr)
		*w.s = *NewService(db, func() time.Time { return at(2026, 7, 1, 9, 0) })
		if err := w.s.Revoke(ctx, "审查组", w.perYr, it.Version, "并入其他事项"); err != nil {
			t.Fatal(err)
		}
		year, _ = w.s.Ledger(ctx, area, "2026-01", "2026-12")
		if want := int64(15000 + 3750 + 2500 + 2*((100000*108+182)/365)); year.DueFen != want {
			t.Errorf("after revocation due %d, want %d", year.DueFen, want)
		}
	})
}

// TestBurden: one community's month — items demanded and admitted, staff
// minutes asked (recorded work, else the frequency) against the paid
// staff's working days at eight hours, funds due and received.
func TestBurden(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 3); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Submit(ctx, "民政 王", []string{"civil"}, draft(), "2026-04-01"); err != nil {
			t.Fatal(err)
		}
		b, err := w.s.Burden(ctx, w.area(t, w.a), "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		// 540 recorded + 120 min 每季度 (40 a month) + 600 min 每年 (50).
		if b.ItemsAdmitted != 3 || b.ItemsDemanded != 4 || b.MinutesDemanded != 630 || b.Workdays != 22 ||
			b.MinutesAvailable != 2*22*480 || b.FundsDueFen != 19977 || b.FundsReceivedFen != 0 {
			t.Errorf("burden %+v", b)
		}
		// Before the yearly item is in force it is not demanded.
		b, _ = w.s.Burden(ctx, w.area(t, w.a), "2026-02")
		if b.ItemsAdmitted != 2 {
			t.Errorf("February %+v", b)
		}
		if _, err := w.s.Burden(ctx, w.area(t, w.a), "2026-13"); fault.FieldsOf(err)["period"] == "" {
			t.Errorf("bad period: %v", err)
		}
	})
}

// TestLedgerDemo: a year of work done and payments; departments that pay in
// full owe nothing, 卫健 owes the 30 % it holds back (its yearly item in force 15 March – 30 November, 261 days); loading twice adds
// nothing.
func TestLedgerDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		today := at(2026, 12, 7, 9, 0)
		for range 2 {
			if err := LoadLedgerDemo(ctx, db, 1, today); err != nil {
				t.Fatal(err)
			}
		}
		lg, err := w.s.Ledger(ctx, w.area(t, w.street), "2025-12", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		dept := map[string]Line{}
		for _, l := range lg.Departments {
			dept[l.Department] = l
		}
		civil, health := dept["civil"], dept["health"]
		if civil.DueFen == 0 || civil.ArrearsFen() != 0 || health.DueFen != 2*((100000*261+182)/365) || health.ArrearsFen() <= 0 ||
			health.ArrearsFen() > health.DueFen*30/100+4 {
			t.Errorf("civil %+v health %+v", civil, health)
		}
	})
}
