package workaccess

import (
	"context"
	"slices"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestBoard: the board of a street has a column for every community, even
// one with nothing recorded; its sums are the columns' sums; each column's
// funds are the ledger's for that community alone; the inbox's demands are
// counted by kind and split by Demand.Grounds; the separate systems are
// counted once however many items need them, only while the items are in
// force; the trend's last month is the board's month and the departments
// are the ledger's.
func TestBoard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		c := database.NewID()
		ts := database.FormatTime(w.s.now())
		if _, err := db.ExecContext(ctx, `INSERT INTO org_units (id, parent_id, level, name, community_id, created_at, updated_at)
			VALUES ($1, $2, 'community', '空社区', $1, $3, $3)`, c, w.street, ts); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, unit_id, depth) VALUES ($1, $1, 0), ($2, $1, 1)`, c, w.street); err != nil {
			t.Fatal(err)
		}
		d := draft()
		d.FundingRule, d.FundingYuan, d.Frequency, d.ValidFrom, d.System = Unfunded, "", "按需", "2026-01-01", "全国综治信息系统"
		unfunded, err := w.s.SaveItem(ctx, "审查组", 0, 0, d)
		if err != nil {
			t.Fatal(err)
		}
		for id, system := range map[int64]string{w.occ: "全国社会救助信息系统", w.perHH: "全国社会救助信息系统", w.perYr: "退役军人信息管理系统"} {
			if _, err := db.ExecContext(ctx, `UPDATE work_items SET system = $1 WHERE id = $2`, system, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-03", 3); err != nil {
			t.Fatal(err)
		}
		if err := w.s.RecordDone(ctx, "社区 李", w.b, w.occ, "2026-02", 2); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Receive(ctx, "财务", Payment{Department: "civil", Community: w.b, AmountYuan: "20.00",
			ReceivedOn: "2026-03-02", Voucher: "民拨 1 号"}); err != nil {
			t.Fatal(err)
		}
		v := *access.System
		var sent []*Demand
		for _, dd := range []DemandDraft{
			{Kind: "form", Title: "未准入的台账", CommunityID: w.a, DueOn: "2026-03-20"},
			{Kind: "meeting", Title: "调解工作会", CommunityID: w.a, DueOn: "2026-03-05", WorkItemID: w.occ},
			{Kind: "inspection", Title: "无经费的检查", CommunityID: w.a, DueOn: "2026-03-31", WorkItemID: unfunded.ID},
			{Kind: "plaque", Title: "挂牌", CommunityID: w.a, DueOn: "2026-03-01"},
			{Kind: "form", Title: "协助台账", CommunityID: w.b, DueOn: "2026-03-10", WorkItemID: w.occ},
			{Kind: "campaign", Title: "四月的活动", CommunityID: w.a, DueOn: "2026-04-01"},
		} {
			d, err := w.s.Send(ctx, &v, dd)
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, d)
		}
		// The meeting in a and the form in b rest on the per-occurrence item
		// and are marked done in March: b recorded nothing by hand for March,
		// so its one done demand is its month's work (workDone); a's hand
		// count of 3 stands.
		for _, d := range []*Demand{sent[1], sent[4]} {
			d, err := w.s.Answer(ctx, &v, d.ID, d.Version, false, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Complete(ctx, &v, d.ID, d.Version); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE demands SET done_on = '2026-03-12' WHERE id = $1`, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		// a refuses the form that rests on no item, in one step.
		if _, err := w.s.Answer(ctx, &v, sent[0].ID, sent[0].Version, true, ""); err != nil {
			t.Fatal(err)
		}

		b, err := w.s.Board(ctx, w.street, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, col := range b.Communities {
			ids = append(ids, col.ID)
		}
		if len(ids) != 3 || !slices.Contains(ids, w.a) || !slices.Contains(ids, w.b) || !slices.Contains(ids, c) {
			t.Fatalf("columns %v", ids)
		}
		sum := newBurden("2026-03")
		minutes := map[int64]int64{w.a: 540 + 40 + 50, w.b: 180 + 40 + 50, c: 40 + 50}
		for _, col := range b.Communities {
			sum.add(col.Burden)
			lg, err := w.s.Ledger(ctx, w.area(t, col.ID), "2026-03", "2026-03")
			if err != nil {
				t.Fatal(err)
			}
			if col.FundsDueFen != lg.DueFen || col.FundsReceivedFen != lg.ReceivedFen || col.MinutesDemanded != minutes[col.ID] {
				t.Errorf("%s: due %d received %d minutes %d; ledger %d %d, want %d minutes", col.Name, col.FundsDueFen,
					col.FundsReceivedFen, col.MinutesDemanded, lg.DueFen, lg.ReceivedFen, minutes[col.ID])
			}
			if col.ItemsAdmitted != 4 || col.SeparateSystems != 3 {
				t.Errorf("%s: %d items, %d systems", col.Name, col.ItemsAdmitted, col.SeparateSystems)
			}
		}
		tot := b.Total
		if tot.MinutesDemanded != sum.MinutesDemanded || tot.MinutesAvailable != sum.MinutesAvailable || tot.Staff != 2 ||
			tot.FundsDueFen != sum.FundsDueFen || tot.FundsReceivedFen != sum.FundsReceivedFen || tot.Households != 5 ||
			tot.Demands != sum.Demands || tot.DemandsNotAdmitted != sum.DemandsNotAdmitted || tot.Communities != 3 {
			t.Errorf("total %+v, columns' sum %+v", tot, sum)
		}
		lg, err := w.s.Ledger(ctx, w.area(t, w.street), "2026-03", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if tot.FundsDueFen != lg.DueFen || tot.FundsReceivedFen != 2000 {
			t.Errorf("funds %d %d, ledger %d", tot.FundsDueFen, tot.FundsReceivedFen, lg.DueFen)
		}
		// Demands of March by kind; not admitted: the form and the plaque on
		// no item, the inspection on an unfunded one.
		want := map[string]int{"form": 2, "meeting": 1, "inspection": 1, "plaque": 1, "campaign": 0, "item": 0}
		notAdmitted := map[string]int{"form": 1, "meeting": 0, "inspection": 1, "plaque": 1, "campaign": 0, "item": 0}
		for k, n := range want {
			if tot.DemandsByKind[k] != n || tot.NotAdmittedByKind[k] != notAdmitted[k] {
				t.Errorf("%s: %d (%d not admitted), want %d (%d)", k, tot.DemandsByKind[k], tot.NotAdmittedByKind[k], n, notAdmitted[k])
			}
		}
		if tot.DemandsRefused != 1 || tot.RefusedByKind["form"] != 1 || tot.RefusedByKind["plaque"] != 0 {
			t.Errorf("refused %d, by kind %v", tot.DemandsRefused, tot.RefusedByKind)
		}
		if tot.Demands != 5 || tot.DemandsNotAdmitted != 3 || tot.ItemsDemanded != 4+5 {
			t.Errorf("demands %d, not admitted %d, items demanded %d", tot.Demands, tot.DemandsNotAdmitted, tot.ItemsDemanded)
		}
		for _, col := range b.Communities {
			if col.ID == w.a && (col.Demands != 4 || col.DemandsNotAdmitted != 3 || col.ItemsDemanded != 8) ||
				col.ID == w.b && (col.Demands != 1 || col.DemandsNotAdmitted != 0) || col.ID == c && col.Demands != 0 {
				t.Errorf("%s: %d demands, %d not admitted", col.Name, col.Demands, col.DemandsNotAdmitted)
			}
		}
		if tot.SeparateSystems != 3 || !slices.Equal(tot.SeparateSystemNames, []string{"全国社会救助信息系统", "全国综治信息系统", "退役军人信息管理系统"}) {
			t.Errorf("systems %d %v", tot.SeparateSystems, tot.SeparateSystemNames)
		}
		// The trend ends with the month; the departments are the ledger's.
		last := b.Trend[len(b.Trend)-1]
		if len(b.Trend) != 12 || last.Period != "2026-03" || last.MinutesDemanded != tot.MinutesDemanded ||
			last.MinutesAvailable != tot.MinutesAvailable || last.DueFen != tot.FundsDueFen ||
			last.ReceivedFen != tot.FundsReceivedFen || last.ItemsDemanded != tot.ItemsDemanded {
			t.Errorf("trend %+v, total %+v", last, tot)
		}
		sameLines := func(what string, got, want []Line) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: %+v, ledger %+v", what, got, want)
			}
			for i := range got {
				g, l := got[i], want[i]
				if g.Department != l.Department || g.DueFen != l.DueFen || g.ReceivedFen != l.ReceivedFen ||
					g.ImposedMinutes != l.ImposedMinutes || g.FundedMinutes != l.FundedMinutes {
					t.Errorf("%s: %+v, ledger %+v", what, g, l)
				}
			}
		}
		sameLines("month", b.Departments, lg.Departments)
		year, err := w.s.Ledger(ctx, w.area(t, w.street), "2026-01", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		sameLines("year so far", b.YearDepartments, year.Departments)
		// In February the yearly item is not in force yet, nor its system.
		feb, err := w.s.Board(ctx, w.street, "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if feb.Total.ItemsAdmitted != 3 || feb.Total.SeparateSystems != 2 || feb.Trend[11].MinutesDemanded != feb.Total.MinutesDemanded {
			t.Errorf("February %+v", feb.Total)
		}
		if _, err := w.s.Board(ctx, w.street, "2026-3"); err == nil {
			t.Error("bad period accepted")
		}
	})
}

// TestBoardSeesEveryWrite: a board keeps its year of sums only while
// nothing was written to the ledger's tables, whoever writes — this
// service, or another process writing the rows itself.
func TestBoardSeesEveryWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newLedgerWorld(t, db)
		feb := func() Month {
			t.Helper()
			b, err := w.s.Board(ctx, w.street, "2026-03")
			if err != nil {
				t.Fatal(err)
			}
			return b.Trend[10]
		}
		before := feb()
		if err := w.s.RecordDone(ctx, "社区 李", w.a, w.occ, "2026-02", 2); err != nil {
			t.Fatal(err)
		}
		recorded := feb()
		if recorded.MinutesDemanded != before.MinutesDemanded+2*180 {
			t.Errorf("after recording: %d minutes, before %d", recorded.MinutesDemanded, before.MinutesDemanded)
		}
		if _, err := w.s.Receive(ctx, "财务", Payment{Department: "civil", Community: w.a, AmountYuan: "3.50",
			ReceivedOn: "2026-02-10", Voucher: "民拨 2 号"}); err != nil {
			t.Fatal(err)
		}
		if got := feb(); got.ReceivedFen != recorded.ReceivedFen+350 {
			t.Errorf("after a payment: %d fen received, before %d", got.ReceivedFen, recorded.ReceivedFen)
		}
		// Another process corrects February's count directly.
		if _, err := db.ExecContext(ctx, `UPDATE work_done SET occurrences = 5 WHERE community_id = $1 AND item_id = $2
			AND period = '2026-02'`, w.a, w.occ); err != nil {
			t.Fatal(err)
		}
		if got := feb(); got.MinutesDemanded != before.MinutesDemanded+5*180 {
			t.Errorf("after another process's update: %d minutes, want %d", got.MinutesDemanded, before.MinutesDemanded+5*180)
		}
	})
}
