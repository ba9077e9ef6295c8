package datareq

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/services"
	"shequ/internal/sheets"
	"shequ/internal/testdb"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// twelve lines: nine the register answers (by code, by name, a share and
// two register fields), three the communities would type (two manual
// indicators of the sample and one thing not held at all).
const twelve = `A001
A002
流动人口
A006
A007
女性
A013
人口.性别
household.kind
D026
医疗救助人次
辖区餐饮店油烟投诉数`

// street builds a street of two communities with a few residents each.
func street(t *testing.T, db *database.DB) int64 {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(db)
	st := orgtree.Unit{Level: "street", Name: "新华街道", Code: "150302001000"}
	if err := org.Create(ctx, db, &st); err != nil {
		t.Fatal(err)
	}
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "测试", Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			l.Rollback()
			t.Fatal(err)
		}
	}
	at := time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC)
	seq := 0
	for ci := 0; ci < 2; ci++ {
		comm := orgtree.Unit{ParentID: st.ID, Level: "community", Name: fmt.Sprintf("第%d社区", ci+1), Code: fmt.Sprintf("15030200100%d", ci+1)}
		must(org.Create(ctx, l.Tx(), &comm))
		grid := orgtree.Unit{ParentID: comm.ID, Level: "grid", Name: "第1网格"}
		must(org.Create(ctx, l.Tx(), &grid))
		bu := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "1号楼"}
		must(org.Create(ctx, l.Tx(), &bu))
		must(l.Building(ctx, at, &register.Building{CommunityID: comm.ID, ID: bu.ID, GridID: grid.ID, Name: bu.Name, Kind: "residential"}))
		h := &register.House{CommunityID: comm.ID, BuildingID: bu.ID, OrgID: bu.ID, GridID: grid.ID, Number: "101", Use: "owner"}
		must(l.House(ctx, at, h))
		hh := &register.Household{CommunityID: comm.ID, Number: fmt.Sprintf("H%d", ci), Kind: "registered", HouseID: h.ID, OrgID: bu.ID, GridID: grid.ID}
		must(l.Household(ctx, at, hh, "户主"))
		for i, res := range []string{"registered", "floating", "floating", "registered", "resident"} {
			seq++
			birth := time.Date(1950+seq*3, 5, 1, 0, 0, 0, 0, time.UTC)
			p := &register.Person{CommunityID: comm.ID, HouseholdID: hh.ID, OrgID: bu.ID, GridID: grid.ID, Name: "居民",
				IDNumber: ident.MakeResidentID("150302", birth, seq), Gender: []string{"M", "F"}[(i+ci)%2],
				BirthDate: birth.Format("2006-01-02"), Residence: res, Ethnicity: "01", Relation: "02", Status: "active"}
			must(l.Person(ctx, at, p))
		}
	}
	must(l.Commit(ctx))
	return st.ID
}

func setup(t *testing.T, db *database.DB) (*Service, *reports.Service, *workaccess.Service, int64) {
	t.Helper()
	ctx := context.Background()
	rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
	if _, err := rep.InstallSample(ctx); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 9, 18, 10, 0, 0, 0, workdays.Shanghai) }
	work := workaccess.NewService(db, now)
	return NewService(db, rep, work, now), rep, work, street(t, db)
}

func draft(unit int64) Draft {
	return Draft{Department: "civil", Title: "人口与救助月度数据", UnitID: unit, Period: "2026-08", Lines: twelve,
		FundYuan: "5.00", LegalBasis: "《社会救助暂行办法》第五条", StartsOn: "2026-11-05"}
}

// TestSplitAndCost: nine of twelve items are computed, three would be
// typed in both communities of the street, and the cost says so.
func TestSplitAndCost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s, _, _, unit := setup(t, db)
		c, err := s.Preview(context.Background(), draft(unit))
		if err != nil {
			t.Fatal(err)
		}
		if c.Computed != 9 || c.Typed != 3 || c.Communities != 2 || c.StaffMinutes != 3*2*10 || c.OwedFen != 3*2*500 {
			t.Fatalf("cost %+v", c)
		}
		var typed []string
		for _, it := range c.Items {
			if !it.Computed {
				typed = append(typed, it.Text)
			}
		}
		if fmt.Sprint(typed) != "[D026 医疗救助人次 辖区餐饮店油烟投诉数]" {
			t.Fatalf("typed %v", typed)
		}
		if c.Items[2].Ref != "A004" || c.Items[7].Kind != KindField || c.Items[7].Ref != "person.gender" || c.Items[11].Kind != KindFree {
			t.Fatalf("matches %+v", c.Items)
		}
	})
}

// readRows reads every row of a downloaded xlsx or csv as text.
func readRows(t *testing.T, b []byte, name string) [][]string {
	t.Helper()
	book, err := sheets.Open(bytes.NewReader(b), int64(len(b)), name, sheets.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.Rows(0)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		row := rows.Row()
		var cells []string
		for i := range row.Cells {
			cells = append(cells, row.Text(i))
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		out = append(out, cells)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSubmitAndDownload: the nine figures arrive in the subscription equal
// to the sample report's, and each of the three typed items goes to review
// as its own 准入 request, pending.
func TestSubmitAndDownload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, rep, work, unit := setup(t, db)
		if _, err := s.Submit(ctx, "民政 王", []string{"health"}, draft(unit)); err == nil {
			t.Fatal("another department's name accepted")
		}
		r, err := s.Submit(ctx, "民政 王", []string{"civil"}, draft(unit))
		if err != nil {
			t.Fatal(err)
		}
		if r.WorkRequestID != 0 {
			t.Fatal("one 准入 request for all typed items")
		}
		wrs, err := work.Requests(ctx, workaccess.RequestFilter{Status: workaccess.Pending})
		if err != nil {
			t.Fatal(err)
		}
		if len(wrs) != 3 {
			t.Fatalf("%d 准入 requests, want one per typed item", len(wrs))
		}
		byID := map[int64]*workaccess.Request{}
		for _, w := range wrs {
			byID[w.ID] = w
			if w.Department != "civil" || w.Kind != workaccess.Assistance || w.StaffMinutes != 10 || w.FundingFen != 500 ||
				w.LegalBasis != "《社会救助暂行办法》第五条" || w.StartsOn != "2026-11-05" {
				t.Errorf("准入 request %+v", *w)
			}
		}
		got, err := s.Request(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range got.Items {
			w := byID[it.WorkRequestID]
			switch {
			case it.Computed && it.WorkRequestID != 0:
				t.Errorf("computed %s sent for review", it.Text)
			case !it.Computed && (w == nil || w.Title != "数据填报:"+it.Text || it.Review != workaccess.Pending):
				t.Errorf("typed %s: its 准入 request %+v, state %q", it.Text, w, it.Review)
			}
		}
		var buf bytes.Buffer
		if _, err := s.Download(ctx, []string{"health"}, r.ID, "2026-08", "xlsx", &buf); err == nil {
			t.Fatal("another department downloaded the subscription")
		}
		if _, err := s.Download(ctx, []string{"civil"}, r.ID, "2026-08", "xlsx", &buf); err != nil {
			t.Fatal(err)
		}
		rows := readRows(t, buf.Bytes(), "x.xlsx")
		p, _ := indicators.ParsePeriod("2026-08")
		report, err := rep.Compute(ctx, reports.SampleCode, unit, p, reports.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// title, period, headings, then the twelve lines as typed
		if len(rows) != 3+12 || fmt.Sprint(rows[2]) != "[数据项 数值 说明]" {
			t.Fatalf("rows %q", rows)
		}
		values := map[string]string{}
		for i, it := range got.Items {
			row := rows[3+i]
			if row[0] != it.Text {
				t.Errorf("row %d is %q, want %q", 3+i, row[0], it.Text)
			}
			if it.Computed {
				values[it.Ref] = row[1]
			} else if len(row) != 3 || row[1] != "" || row[2] != "社区填报,待审查" {
				t.Errorf("typed row %q", row)
			}
		}
		for _, code := range []string{"A001", "A002", "A004", "A006", "A007", "A008", "A013"} {
			row := report.Row(code)
			if row == nil || values[code] != row.Text() {
				t.Errorf("%s: subscription %q, report %+v", code, values[code], row)
			}
		}
		total := report.Row("A001").Text()
		if values["person.gender"] != total || total != "10" || values["household.kind"] != "2" {
			t.Errorf("register fields %q %q, 实有人口 %s", values["person.gender"], values["household.kind"], total)
		}
		if _, err := strconv.Atoi(values["A002"]); err != nil || values["A002"] == "0" {
			t.Errorf("A002 %q: the register is not counted", values["A002"])
		}
		// The period not yet complete, and before the first, are refused.
		for _, period := range []string{"2026-09", "2026-07"} {
			if _, err := s.Download(ctx, []string{"civil"}, r.ID, period, "xlsx", &buf); fault.FieldsOf(err)["period"] == "" {
				t.Errorf("%s downloaded: %v", period, err)
			}
		}
	})
}

// BenchmarkAnalyse358: the sample's 358 items, by code and by name in turn,
// against the whole catalogue and the register's entities.
func BenchmarkAnalyse358(b *testing.B) {
	ctx := context.Background()
	db := dbtest.Open(b, testdb.Engines()[0])
	rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource)
	if _, err := rep.InstallSample(ctx); err != nil {
		b.Fatal(err)
	}
	s := NewService(db, rep, nil, nil)
	cat, err := s.Catalogue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	list, err := rep.Indicators(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	for i, ind := range list {
		if len(lines) == 358 {
			break
		}
		lines = append(lines, []string{ind.Code, ind.Name}[i%2])
	}
	if len(lines) != 358 {
		b.Fatalf("%d sample indicators", len(lines))
	}
	b.Run("pure", func(b *testing.B) {
		for range b.N {
			if c := Analyse(cat, lines, 12, 10, 0); c.Computed+c.Typed != 358 {
				b.Fatal(c.Computed, c.Typed)
			}
		}
	})
	// preview: what the department waits for, the catalogue and the
	// communities under the scope read from the database as well.
	org := orgtree.NewStore(db)
	st := orgtree.Unit{Level: "street", Name: "新华街道", Code: "150302001000"}
	if err := org.Create(ctx, db, &st); err != nil {
		b.Fatal(err)
	}
	d := Draft{UnitID: st.ID, Period: "2026-08", Lines: strings.Join(lines, "\n")}
	b.Run("preview", func(b *testing.B) {
		for range b.N {
			if c, err := s.Preview(ctx, d); err != nil || c.Computed+c.Typed != 358 {
				b.Fatal(err)
			}
		}
	})
}

// TestTypedNeedsTerms: typed items need the 准入 terms, refused at this
// form's own fields; a request the register answers whole needs none.
func TestTypedNeedsTerms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, _, _, unit := setup(t, db)
		d := draft(unit)
		d.LegalBasis, d.StartsOn = "", ""
		_, err := s.Submit(ctx, "民政 王", []string{"civil"}, d)
		fe := fault.FieldsOf(err)
		if len(fe) != 2 || fe["legal_basis"] != "请填写法律法规或政策依据" || fe["starts_on"] != "请填写工作开始日期,最早 2026-11-05" {
			t.Fatalf("refusals %v", fe)
		}
		d.Lines = "A001\n人口.性别"
		r, err := s.Submit(ctx, "民政 王", []string{"civil"}, d)
		if err != nil || r.WorkRequestID != 0 || r.TypedMinutes != 0 {
			t.Fatalf("computed whole: %+v %v", r, err)
		}
	})
}
