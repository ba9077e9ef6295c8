package datareq

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// counts are the rows a submission may leave behind.
func counts(t *testing.T, db *database.DB) string {
	t.Helper()
	var out []int
	for _, table := range []string{"data_requests", "data_request_items", "work_requests"} {
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return fmt.Sprint(out)
}

// TestRefusedSavesNothing: a refused field, a start inside the 30 working
// days or a code used twice saves neither the data request nor any of its
// typed items' 准入 requests.
func TestRefusedSavesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, _, _, unit := setup(t, db)
		before := counts(t, db)
		for name, change := range map[string]func(*Draft) string{
			"legal basis": func(d *Draft) string { d.LegalBasis = ""; return "legal_basis" },
			"start":       func(d *Draft) string { d.StartsOn = "2026-10-08"; return "starts_on" },
			"codes": func(d *Draft) string {
				d.Lines = "A1 A001\nA1 辖区餐饮店油烟投诉数\nB2 医疗救助人次"
				return "lines"
			},
			"heading": func(d *Draft) string { d.HeadValue = strings.Repeat("列", 41); return "head_value" },
		} {
			d := draft(unit)
			field := change(&d)
			_, err := s.Submit(ctx, "民政 王", []string{"civil"}, d)
			if fault.FieldsOf(err)[field] == "" {
				t.Errorf("%s: %v, want a refusal at %s", name, err, field)
			}
			if after := counts(t, db); after != before {
				t.Errorf("%s: rows %s after the refusal, %s before", name, after, before)
			}
		}
	})
}

// The department's own list: its codes (a space, a tab, a full-width
// space), its wording and order; an indicator name that begins like a code
// stays a name.
const ownList = "Z9 辖区餐饮店油烟投诉数\nA1\t实有人口\nA2 A002\nb-3\u3000人口.性别\nA001\nC.4 医疗救助人次"

// TestLayout: the subscription keeps the department's order, wording and
// codes under its own title and headings, marks the typed items with their
// 准入 state as each is decided, and is the same in csv and xlsx.
func TestLayout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, _, work, unit := setup(t, db)
		d := draft(unit)
		d.Lines, d.SheetTitle, d.HeadCode, d.HeadItem, d.HeadValue = ownList, "民政数据月表", "序号", "指标", "本月数"
		r, err := s.Submit(ctx, "民政 王", []string{"civil"}, d)
		if err != nil {
			t.Fatal(err)
		}
		var codes, texts []string
		for _, it := range r.Items {
			codes, texts = append(codes, it.Code), append(texts, it.Text)
		}
		if fmt.Sprint(codes) != "[Z9 A1 A2 b-3  C.4]" || fmt.Sprint(texts) != "[辖区餐饮店油烟投诉数 实有人口 A002 人口.性别 A001 医疗救助人次]" {
			t.Fatalf("codes %q, wording %q", codes, texts)
		}
		if r.Items[1].Ref != "A001" || r.Items[3].Ref != "person.gender" || r.Items[0].Computed || r.Items[5].Computed {
			t.Fatalf("items %+v", r.Items)
		}
		download := func(format string) [][]string {
			t.Helper()
			var buf bytes.Buffer
			if _, err := s.Download(ctx, []string{"civil"}, r.ID, "2026-08", format, &buf); err != nil {
				t.Fatal(err)
			}
			return readRows(t, buf.Bytes(), "x."+format)
		}
		rows := download("xlsx")
		if csv := download("csv"); !reflect.DeepEqual(rows, csv) {
			t.Errorf("csv and xlsx differ:\n%q\n%q", csv, rows)
		}
		want := [][]string{{"民政数据月表"}, {"报告期", "2026-08"}, {"序号", "指标", "本月数", "说明"},
			{"Z9", "辖区餐饮店油烟投诉数", "", "社区填报,待审查"}, {"A1", "实有人口", "10", "系统计算"},
			{"A2", "A002"}, {"b-3", "人口.性别", "10", "系统计算"}, {"", "A001", "10", "系统计算"},
			{"C.4", "医疗救助人次", "", "社区填报,待审查"}}
		if len(rows) != len(want) {
			t.Fatalf("rows %q", rows)
		}
		for i, w := range want {
			if i == 5 { // 户籍人口's figure, whatever it is, is computed
				if len(rows[i]) != 4 || rows[i][0] != "A2" || rows[i][1] != "A002" || rows[i][3] != "系统计算" {
					t.Errorf("row %d %q", i, rows[i])
				}
				continue
			}
			if !reflect.DeepEqual(rows[i], w) {
				t.Errorf("row %d %q, want %q", i, rows[i], w)
			}
		}

		// The review group decides each typed item on its own.
		refuse, admit := r.Items[0].WorkRequestID, r.Items[5].WorkRequestID
		if refuse == 0 || admit == 0 || refuse == admit {
			t.Fatalf("typed items' 准入 requests %d %d", refuse, admit)
		}
		if _, err := work.Decide(ctx, "审查组", refuse, 1, workaccess.Decision{Outcome: workaccess.Refused, Reasons: "生态环境部门已有监测数据"}); err != nil {
			t.Fatal(err)
		}
		rows = download("csv")
		if fmt.Sprint(rows[3]) != "[Z9 辖区餐饮店油烟投诉数  社区填报,不予准入:生态环境部门已有监测数据]" || fmt.Sprint(rows[8]) != "[C.4 医疗救助人次  社区填报,待审查]" {
			t.Errorf("after one refusal: %q / %q", rows[3], rows[8])
		}
		got, err := s.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Items[0].Review != workaccess.Refused || got.Items[5].Review != workaccess.Pending {
			t.Errorf("states %q %q", got.Items[0].Review, got.Items[5].Review)
		}
		list, err := s.List(ctx, []string{"civil"})
		if err != nil || len(list) != 1 || list[0].Computed != 4 || list[0].Typed != 2 || list[0].Decided != 1 {
			t.Errorf("the department's list %+v %v", list, err)
		}
		if other, err := s.List(ctx, []string{"health"}); err != nil || len(other) != 0 {
			t.Errorf("another department's list %+v %v", other, err)
		}
	})
}

// TestOneRequestForAll: a request saved before items were reviewed one by
// one (one 准入 request for all typed items, none on the items) shows that
// request's state on each typed item.
func TestOneRequestForAll(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, _, work, unit := setup(t, db)
		r, err := s.Submit(ctx, "民政 王", []string{"civil"}, draft(unit))
		if err != nil {
			t.Fatal(err)
		}
		one := r.Items[9].WorkRequestID
		if _, err := work.Decide(ctx, "审查组", one, 1, workaccess.Decision{Outcome: workaccess.AdmittedAsAsked}); err != nil {
			t.Fatal(err)
		}
		// As migration 064 left it: the request holds the one 准入 request.
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE data_requests SET work_request_id = $1 WHERE id = $2`, one, r.ID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE data_request_items SET work_request_id = NULL WHERE request_id = $1`, r.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.WorkRequestID != one {
			t.Fatalf("the request's 准入 request %d", got.WorkRequestID)
		}
		for _, it := range got.Items {
			if it.Computed == (it.Review != "") || !it.Computed && (it.WorkRequestID != one || it.Review != workaccess.AdmittedAsAsked) {
				t.Errorf("%s: %d %q", it.Text, it.WorkRequestID, it.Review)
			}
		}
	})
}

// TestPeriods: from the first period to the last complete one, the newest
// first; none while the first is still running.
func TestPeriods(t *testing.T) {
	at := time.Date(2026, 9, 18, 10, 0, 0, 0, workdays.Shanghai)
	for first, want := range map[string]string{"2026-06": "[2026-08 2026-07 2026-06]", "2026-09": "[]",
		"2025-Q4": "[2026-Q2 2026-Q1 2025-Q4]", "2024": "[2025 2024]"} {
		var got []string
		for _, p := range (&Request{Period: first}).Periods(at) {
			got = append(got, p.String())
		}
		if fmt.Sprint(got) != want {
			t.Errorf("%s: %v, want %s", first, got, want)
		}
	}
}
