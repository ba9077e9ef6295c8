package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

func setup(t *testing.T, db *database.DB, seed uint64) (*Service, *town, indicators.Period) {
	t.Helper()
	s := New(db, nil, sources...)
	if _, err := s.InstallSample(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, buildTown(t, db, seed, 20), indicators.Current(indicators.Monthly, time.Now())
}

func firstManual(t *testing.T, r *Report) *Row {
	for _, row := range r.Rows {
		if row.Manual && row.Due {
			return row
		}
	}
	t.Fatal("no manual item due")
	return nil
}

func TestManualValuesAndSignOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 3)
		c1, c2 := tw.communities[0], tw.communities[1]
		r, err := s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		code := firstManual(t, r).Indicator
		five, seven := 5.0, 7.0
		if err := s.SetManual(ctx, "甲", c1.ID, p, code, &five, "", 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetManual(ctx, "乙", c2.ID, p, code, &seven, "", 0); err != nil {
			t.Fatal(err)
		}
		var conflict *ConflictError
		if err := s.SetManual(ctx, "丙", c1.ID, p, code, &seven, "", 0); !errors.As(err, &conflict) {
			t.Errorf("a stale entry should conflict, got %v", err)
		}
		neg := -1.0
		var fe fault.Fields
		if err := s.SetManual(ctx, "甲", c1.ID, p, code, &neg, "", 1); !errors.As(err, &fe) || fe["value"] == "" {
			t.Errorf("a negative value should be refused at the value, got %v", err)
		}
		if err := s.SetManual(ctx, "甲", c1.ID, p, "A001", &five, "", 0); !errors.As(err, &fe) {
			t.Errorf("a computed indicator cannot be typed, got %v", err)
		}
		if err := s.SetManual(ctx, "甲", tw.street.ID, p, code, &five, "", 0); err == nil {
			t.Error("a street cannot type a community's value")
		}
		st, err := s.Compute(ctx, SampleCode, tw.street.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if row := st.Row(code); !row.Known || row.Value != 12 || row.Entered != 2 || row.Expected != 2 {
			t.Errorf("street manual row %+v", row)
		}

		// Sign community 1, then change the register and a manual value.
		if _, err := s.Sign(ctx, "王书记", 0, SampleCode, tw.street.ID, p, ""); !errors.Is(err, ErrNotCommunity) {
			t.Errorf("a street cannot sign, got %v", err)
		}
		fillManual(t, s, SampleCode, c1.ID, p)
		so, err := s.Sign(ctx, "王书记", 0, SampleCode, c1.ID, p, "已核对")
		if err != nil {
			t.Fatal(err)
		}
		r, err = s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.SignOff == nil || r.SignOff.ID != so.ID || len(r.Diffs) != 0 {
			t.Fatalf("fresh sign-off: %+v, %d diffs", r.SignOff, len(r.Diffs))
		}
		before := r.Row("A001").Value
		addPerson(t, db, tw, 0)
		eight := 8.0
		if err := s.SetManual(ctx, "甲", c1.ID, p, code, &eight, "更正", 1); err != nil {
			t.Fatal(err)
		}
		r, err = s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		pop := r.Row("A001")
		if !pop.Changed || pop.Confirmed != before || pop.Value != before+1 {
			t.Errorf("population after a new resident: %+v (confirmed %v)", pop, before)
		}
		if m := r.Row(code); !m.Changed || m.Confirmed != 5 || m.Value != 8 {
			t.Errorf("manual row after correction: %+v", m)
		}
		if len(r.Diffs) < 2 {
			t.Errorf("diffs = %d", len(r.Diffs))
		}
		_, statuses, err := s.Overview(ctx, SampleCode, tw.street.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(statuses) != 2 || statuses[0].SignOff == nil || statuses[0].Changed < 2 || statuses[1].SignOff != nil {
			t.Errorf("overview %+v", statuses)
		}
		// Signing again takes the new values; revoking leaves none.
		if _, err := s.Sign(ctx, "王书记", 0, SampleCode, c1.ID, p, ""); err != nil {
			t.Fatal(err)
		}
		r, _ = s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if len(r.Diffs) != 0 {
			t.Errorf("after signing again: %d diffs", len(r.Diffs))
		}
		hist, _ := s.SignOffs(ctx, r.Template.ID, c1.ID, p)
		if len(hist) != 2 || hist[1].RevokedAt == "" {
			t.Errorf("history %+v", hist)
		}
		if err := s.Revoke(ctx, "王书记", r.Template.ID, c1.ID, p); err != nil {
			t.Fatal(err)
		}
		r, _ = s.Compute(ctx, SampleCode, c1.ID, p, Options{})
		if r.SignOff != nil {
			t.Error("revoked sign-off still shown")
		}
	})
}

// addPerson registers one more resident in a grid of the town, now.
func addPerson(t *testing.T, db *database.DB, tw *town, grid int) *register.Person {
	t.Helper()
	ctx := context.Background()
	g := tw.grids[grid]
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	birth := time.Date(1990, 5, 5, 0, 0, 0, 0, time.UTC)
	p := &register.Person{CommunityID: g.CommunityID, OrgID: g.ID, GridID: g.ID, Name: "新来的", IDNumber: ident.MakeResidentID("150302", birth, 999),
		Gender: "F", BirthDate: "1990-05-05", Residence: "floating"}
	if err := l.Person(ctx, time.Now(), p); err != nil {
		l.Rollback()
		t.Fatal(err)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRulesWarnings(t *testing.T) {
	for _, tc := range []struct {
		expr string
		err  string
	}{
		{"D001 <= D002", ""},
		{"A001 = A002 + A003 - 3", ""},
		{"A001 ≥ A002", ""},
		{"A001 A002", "缺少「+」或「-」"},
		{"A001 +", "缺少比较符号"},
		{"A001 <= A002 +", "右边"},
		{"A001", "缺少比较符号"},
		{"<= A002", "左边缺少"},
		{"A001 <= A002 <= A003", "只能有一个比较符号"},
		{"A001 # A002", "无法识别"},
	} {
		_, _, _, err := parseRule(tc.expr)
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.expr, err, tc.err)
		}
	}
	r := &Rule{Expr: "A001 = A002 + A003 - 3"}
	if err := r.parse(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, app := r.Check(map[string]float64{"A001": 10, "A002": 6, "A003": 7}); !ok || !app {
		t.Error("10 = 6 + 7 - 3 should hold")
	}
	if _, _, ok, _ := r.Check(map[string]float64{"A001": 11, "A002": 6, "A003": 7}); ok {
		t.Error("11 = 10 should fail")
	}
	if _, _, _, app := r.Check(map[string]float64{"A001": 11}); app {
		t.Error("a missing value makes the rule not applicable")
	}

	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 5)
		r, err := s.Compute(ctx, SampleCode, tw.street.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := s.Rules(ctx)
		vals := map[string]float64{}
		for _, row := range r.Rows {
			if row.Known {
				vals[row.Indicator] = row.Value
			}
		}
		warned := map[int64]bool{}
		for _, w := range r.Warnings {
			warned[w.Rule.ID] = true
		}
		failing := 0
		for _, rule := range rules {
			_, _, ok, app := rule.Check(vals)
			if app && !ok != warned[rule.ID] {
				t.Errorf("rule %s: fails %v, warned %v", rule.Expr, !ok, warned[rule.ID])
			}
			if app && !ok {
				failing++
			}
		}
		// Random tags give 育龄妇女 to men and the old: that rule must fail.
		if failing == 0 {
			t.Error("expected the random town to break some rule")
		}
		if err := s.SaveRule(ctx, "管理员", &Rule{Expr: "A001 <= ZZZ9", Message: "x"}); err == nil {
			t.Error("a rule naming an unknown indicator was saved")
		}
	})
}

func TestLedgerScopesAndMasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 9)
		acc := access.NewService(db)
		c1 := tw.communities[0]
		for i, role := range []string{"community_staff", "community_head"} {
			id := int64(100 + i)
			if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
				VALUES ($1, $2, 'x', '2026-01-01', '2026-01-01')`, id, role); err != nil {
				t.Fatal(err)
			}
			if err := acc.AddGrant(ctx, nil, &access.Grant{UserID: id, Role: role, Units: []int64{c1.ID}}); err != nil {
				t.Fatal(err)
			}
		}
		staff, err := acc.Viewer(ctx, 100, "community_staff")
		if err != nil {
			t.Fatal(err)
		}
		head, _ := acc.Viewer(ctx, 101, "community_head")

		l, err := s.Ledger(ctx, staff.Scope(access.RegisterRead), "A001", c1.ID, p, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if float64(l.Total) != l.Value || l.Total == 0 || len(l.Rows) != min(10, l.Total) || l.Hidden != 0 {
			t.Fatalf("ledger total %d value %v rows %d hidden %d", l.Total, l.Value, len(l.Rows), l.Hidden)
		}
		idCol := -1
		for i, c := range l.Columns {
			if c.Field == "id_number" {
				idCol = i
			}
		}
		for _, row := range l.Rows {
			if !strings.Contains(row.Cells[idCol], "*") {
				t.Errorf("ID number shown in full to community staff: %s", row.Cells[idCol])
			}
		}
		// The whole ledger, as csv and xlsx.
		var buf bytes.Buffer
		n, err := l.WriteCSV(ctx, &buf)
		if err != nil || n != l.Total {
			t.Fatalf("csv rows %d of %d: %v", n, l.Total, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil || len(recs) != l.Total+1 {
			t.Fatalf("csv records %d: %v", len(recs), err)
		}
		buf.Reset()
		if n, err := l.WriteXLSX(ctx, &buf); err != nil || n != l.Total {
			t.Fatalf("xlsx rows %d: %v", n, err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("台账")
		if len(rows) != l.Total+2 {
			t.Errorf("xlsx rows %d, want %d", len(rows), l.Total+2)
		}

		// 社区矫正 is a sensitive tag: staff see the count, not the names.
		for _, tc := range []struct {
			v    *access.Viewer
			hide bool
		}{{staff, true}, {head, false}} {
			l, err := s.Ledger(ctx, tc.v.Scope(access.RegisterRead), "I001", c1.ID, p, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			if l.Total == 0 {
				t.Fatal("no 社区矫正 in the town; pick another seed")
			}
			if tc.hide && (len(l.Rows) != 0 || l.Hidden != l.Total) || !tc.hide && (len(l.Rows) != l.Total || l.Hidden != 0) {
				t.Errorf("%s: rows %d hidden %d of %d", tc.v.Name, len(l.Rows), l.Hidden, l.Total)
			}
		}
		// Outside the scope: the other community's records are not listed.
		l, err = s.Ledger(ctx, staff.Scope(access.RegisterRead), "A001", tw.street.ID, p, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if l.Hidden == 0 || len(l.Rows)+l.Hidden != l.Total {
			t.Errorf("street ledger for community staff: rows %d hidden %d total %d", len(l.Rows), l.Hidden, l.Total)
		}
		if _, err := s.Ledger(ctx, staff.Scope(access.RegisterRead), firstManual(t, mustCompute(t, s, c1.ID, p)).Indicator, c1.ID, p, 0, 10); !errors.Is(err, ErrNoLedger) {
			t.Errorf("a manual item has no ledger, got %v", err)
		}
	})
}

func mustCompute(t *testing.T, s *Service, unit int64, p indicators.Period) *Report {
	t.Helper()
	r, err := s.Compute(context.Background(), SampleCode, unit, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReportExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s, tw, p := setup(t, db, 11)
		r := mustCompute(t, s, tw.communities[0].ID, p)
		var buf bytes.Buffer
		if err := r.WriteXLSX(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sheet := r.Template.Sheet
		if v, _ := f.GetCellValue(sheet, "A1"); v != r.Template.Name {
			t.Errorf("title cell = %q", v)
		}
		pop := r.Row("A001")
		if v, _ := f.GetCellValue(sheet, pop.Item.Cell); v != FormatValue(pop.Value, pop.Decimals) {
			t.Errorf("%s = %q, want %v", pop.Item.Cell, v, pop.Value)
		}
		if v, _ := f.GetCellValue(sheet, "C"+strings.TrimPrefix(pop.Item.Cell, "E")); v != pop.Label {
			t.Errorf("label beside the value = %q", v)
		}
		buf.Reset()
		if err := r.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2+358 {
			t.Errorf("csv lines %d", len(recs))
		}
		if db.Engine != database.SQLite {
			return // the PDF does not depend on the engine; once is enough
		}
		// Every line reads back as laid out, nothing overlaps, and the
		// times are the deployment's: computed and confirmed at 16:30 UTC
		// is half past midnight the next day in Shanghai.
		r.ComputedAt = time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)
		r.SignOff = &SignOff{SignedBy: "社区书记", SignedAt: database.FormatTime(time.Date(2026, 11, 30, 16, 45, 0, 0, time.UTC))}
		newYork, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		for _, z := range []struct {
			zone           *time.Location
			footer, signed string
		}{
			{workdays.Shanghai, "由基础信息库计算 2026-12-01 00:30", "社区书记 于 2026-12-01 00:45 确认"},
			{newYork, "由基础信息库计算 2026-11-30 11:30", "社区书记 于 2026-11-30 11:45 确认"},
		} {
			d, err := r.PDF(z.zone)
			if err != nil {
				t.Fatal(err)
			}
			pdf, err := d.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			text := pdftest.SameText(t, pdf, d.Laid())
			w, h := d.PageSize()
			pdftest.Layout(t, d.Boxes(), w, h)
			if info := pdftest.Info(t, pdf); !strings.HasPrefix(info["Page size"], "595") || info["Pages"] == "1" {
				t.Errorf("pdf info %v", info)
			}
			for _, want := range []string{r.Template.Name, r.Unit.Name, r.Period.Label(), "实有人口", "第 1 页", z.footer, z.signed} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: pdf text lacks %q", z.zone, want)
				}
			}
			pdftest.Render(t, pdf, 1, 50)
		}
		buf.Reset()
		if err := r.WritePDF(&buf, workdays.Shanghai); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) {
			t.Errorf("WritePDF: %v", err)
		}
	})
}

func TestIndicatorEditing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		var fe fault.Fields
		bad := indicators.Indicator{Code: "X1", Name: "测试", Entity: "人口", Filter: "性别 = 妇女", Measure: "count", Rule: "end"}
		if err := s.SaveIndicator(ctx, "管理员", &bad); !errors.As(err, &fe) || !strings.Contains(fe["filter"], "没有取值「妇女」") {
			t.Errorf("bad value: %v", err)
		}
		bad.Filter, bad.Measure, bad.Of = "", "share", "NOPE"
		if err := s.SaveIndicator(ctx, "管理员", &bad); !errors.As(err, &fe) || fe["of"] == "" {
			t.Errorf("share of unknown: %v", err)
		}
		dup := indicators.Indicator{Code: "A001", Name: "重复", Entity: "人口", Measure: "count", Rule: "end"}
		if err := s.SaveIndicator(ctx, "管理员", &dup); !errors.As(err, &fe) || fe["code"] == "" {
			t.Errorf("duplicate code: %v", err)
		}
		good := indicators.Indicator{Code: "X2", Name: "60岁以上女性", Entity: "人口", Filter: "性别=女 且 年龄≥60", Measure: "count", Rule: "end", Unit: "人"}
		if err := s.SaveIndicator(ctx, "管理员", &good); err != nil {
			t.Fatal(err)
		}
		stale := good
		good.Name = "60岁及以上女性"
		if err := s.SaveIndicator(ctx, "管理员", &good); err != nil {
			t.Fatal(err)
		}
		var conflict *ConflictError
		stale.Name = "别的名字"
		if err := s.SaveIndicator(ctx, "他人", &stale); !errors.As(err, &conflict) {
			t.Errorf("stale save: %v", err)
		}
		if err := s.DeleteIndicator(ctx, "A001"); err == nil {
			t.Error("an indicator in use was deleted")
		}
		if err := s.DeleteIndicator(ctx, "X2"); err != nil {
			t.Error(err)
		}
	})
}
