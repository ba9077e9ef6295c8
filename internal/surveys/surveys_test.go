package surveys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/residents"
	"shequ/internal/sheets"
)

// TestTargeting: an age range, a gender, buildings and households, each
// checked on the respondent's own facts, and the target's COUNT agreeing
// with the predicate over the same residents.
func TestTargeting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		everyone := []residents.Resident{f.li, f.wang, f.mother, f.child, f.zhao, f.outsider}
		for _, c := range []struct {
			name  string
			edit  func(*Form)
			want  []residents.Resident
			count int
		}{
			{"adults", func(*Form) {}, []residents.Resident{f.li, f.wang, f.mother, f.zhao}, 4},
			{"60 and over", func(fm *Form) { fm.AgeMin = 60 }, []residents.Resident{f.li, f.wang}, 2},
			{"30 to 45", func(fm *Form) { fm.AgeMin, fm.AgeMax = 30, 45 }, []residents.Resident{f.mother, f.zhao}, 2},
			{"up to 70", func(fm *Form) { fm.AgeMin, fm.AgeMax = 60, 70 }, []residents.Resident{f.wang}, 1},
			{"women", func(fm *Form) { fm.Gender = "F" }, []residents.Resident{f.wang, f.mother}, 2},
			{"3号楼 households", func(fm *Form) { fm.Unit, fm.Buildings = PerHousehold, []int64{f.b3} },
				[]residents.Resident{f.li, f.wang, f.mother}, 2},
		} {
			fm := form(true)
			fm.Title = c.name
			c.edit(&fm)
			sv := f.open(t, fm)
			if sv.Target != c.count {
				t.Errorf("%s: target %d, want %d", c.name, sv.Target, c.count)
			}
			for _, r := range everyone {
				p, err := f.s.respondent(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				want := false
				for _, w := range c.want {
					want = want || w.PersonID == r.PersonID
				}
				if got := Targets(sv, p, *f.clock); got != want {
					t.Errorf("%s: %s targeted = %v", c.name, r.Name, got)
				}
				if !want {
					if err := f.s.Respond(ctx, &r, f.cb, sv.ID, full("1", nil, "4", "", "2")); !errors.Is(err, ErrNotTargeted) {
						t.Errorf("%s: %s answered outside the target: %v", c.name, r.Name, err)
					}
				}
			}
		}
		// Buildings of another community are refused.
		fm := form(true)
		fm.Buildings = []int64{f.b5, 999}
		if _, err := f.s.Create(ctx, "王主任", f.cb, fm); fault.FieldsOf(err)["buildings"] == "" {
			t.Fatalf("foreign building: %v", err)
		}
	})
}

// TestRespondRules: every bad answer refused at its question's field, a
// second response and a housemate's refused, nothing before the period
// or after the close, no edits once open, stale edits refused.
func TestRespondRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		fm := form(false)
		fm.Unit = PerHousehold
		sv, err := f.s.Create(ctx, "王主任", f.cb, fm)
		if err != nil {
			t.Fatal(err)
		}
		// Drafts: edited at the version seen; a stale version conflicts.
		fm.Title = "社区环境满意度调查(2026年)"
		if _, err := f.s.Update(ctx, "李干事", f.cb, sv.ID, sv.Version, fm); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Update(ctx, "王主任", f.cb, sv.ID, sv.Version, fm); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale edit: %v", err)
		}
		bad := form(false)
		bad.Questions[0].Options = []string{"只有一个"}
		bad.Questions[3].MaxLen = 5000
		bad.Questions = append(bad.Questions, Question{Kind: "essay", Text: "?"})
		_, err = f.s.Update(ctx, "王主任", f.cb, sv.ID, sv.Version+1, bad)
		fieldOf(t, err, "q1_options", "请填写2至12个选项")
		fieldOf(t, err, "q4_max", "字数上限")
		fieldOf(t, err, "q6_kind", "请选择题型")
		// A draft takes no answers.
		if err := f.s.Respond(ctx, &f.li, f.cb, sv.ID, full("1", nil, "4", "", "2")); !fault.Is(err, fault.NotFound) {
			t.Fatalf("draft: %v", err)
		}
		// Opened from tomorrow for a week.
		opens := f.clock.AddDate(0, 0, 1)
		if err := f.s.OpenSurvey(ctx, "王主任", f.cb, sv.ID, sv.Version+1, opens, opens.AddDate(0, 0, 7)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Update(ctx, "王主任", f.cb, sv.ID, sv.Version+2, fm); !fault.Is(err, fault.Illegal) {
			t.Fatalf("edit once open: %v", err)
		}
		if err := f.s.Respond(ctx, &f.li, f.cb, sv.ID, full("1", nil, "4", "", "2")); !errors.Is(err, ErrNotOpen) {
			t.Fatalf("before the period: %v", err)
		}
		*f.clock = opens.Add(1)
		if err := f.s.Respond(nil, nil, f.cb, sv.ID, nil); !errors.Is(err, ErrNoResident) {
			t.Fatalf("no session: %v", err)
		}
		for _, c := range []struct {
			a            Answers
			field, words string
		}{
			{Answers{3: {"4"}}, "q1", "此题必答"},
			{full("4", nil, "4", "", "2"), "q1", "所选选项不存在"},
			{full("x", nil, "4", "", "2"), "q1", "所选选项不存在"},
			{Answers{1: {"1", "2"}, 3: {"4"}}, "q1", "只能有一个答案"},
			{full("1", []string{"1", "9"}, "4", "", "2"), "q2", "所选选项不存在"},
			{full("1", nil, "6", "", "2"), "q3", "请选择1至5分"},
			{full("1", nil, "", "", "2"), "q3", "此题必答"},
			{full("1", nil, "4", "小区东门的路灯坏了很久了一直没有人修希望尽快处理", "2"), "q4", "不超过20字"},
			{full("1", nil, "4", "", "25"), "q5", "请填写1至20之间的整数"},
			{full("1", nil, "4", "", "2.5"), "q5", "请填写整数"},
			{Answers{1: {"1"}, 3: {"4"}, 9: {"1"}}, "answers", "问卷中没有第9题"},
		} {
			fieldOf(t, f.s.Respond(ctx, &f.li, f.cb, sv.ID, c.a), c.field, c.words)
		}
		if err := f.s.Respond(ctx, &f.li, f.cb, sv.ID, full("1", []string{"2", "3"}, "4", "路灯", "2")); err != nil {
			t.Fatal(err)
		}
		// One per household: the wife, and a second time, are refused.
		if err := f.s.Respond(ctx, &f.wang, f.cb, sv.ID, full("2", nil, "3", "", "2")); !errors.Is(err, ErrAnswered) {
			t.Fatalf("housemate: %v", err)
		}
		if err := f.s.Respond(ctx, &f.li, f.cb, sv.ID, full("2", nil, "3", "", "2")); !errors.Is(err, ErrAnswered) {
			t.Fatalf("second: %v", err)
		}
		if done, err := f.s.HasAnswered(ctx, f.wang, sv); err != nil || !done {
			t.Fatalf("household answered: %v %v", done, err)
		}
		if sv, err = f.s.Get(ctx, f.cb, sv.ID); err != nil {
			t.Fatal(err)
		}
		if st, _ := f.s.StandingOf(ctx, &f.zhao, sv); !st.CanAnswer {
			t.Fatalf("zhao may answer: %+v", st)
		}
		if err := f.s.Respond(ctx, &f.zhao, f.cb, sv.ID, Answers{1: {"3"}, 3: {"2"}}); err != nil {
			t.Fatal(err)
		}
		// After the close: refused, whether by time or by staff.
		*f.clock = opens.AddDate(0, 0, 7)
		if err := f.s.Respond(ctx, &f.mother, f.cb, sv.ID, full("1", nil, "4", "", "2")); !errors.Is(err, ErrClosed) {
			t.Fatalf("past the period: %v", err)
		}
		*f.clock = opens.AddDate(0, 0, 2)
		cur, _ := f.s.Get(ctx, f.cb, sv.ID)
		if err := f.s.CloseSurvey(ctx, "王主任", f.cb, sv.ID, cur.Version-1); !fault.Is(err, fault.Conflict) {
			t.Fatalf("stale close: %v", err)
		}
		if err := f.s.CloseSurvey(ctx, "王主任", f.cb, sv.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Respond(ctx, &f.mother, f.cb, sv.ID, full("1", nil, "4", "", "2")); !errors.Is(err, ErrClosed) {
			t.Fatalf("closed: %v", err)
		}
		if cur, _ = f.s.Get(ctx, f.cb, sv.ID); cur.Responses != 2 || cur.Phase(*f.clock) != Closed {
			t.Fatalf("closed with %d responses, %s", cur.Responses, cur.Phase(*f.clock))
		}
	})
}

// TestAnonymity: an anonymous survey's rows hold neither the person's id,
// name or household, nor a time; a named survey's keep the person.
func TestAnonymity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		anon := f.open(t, form(true))
		named := f.open(t, form(false))
		for _, sv := range []Survey{anon, named} {
			for _, r := range []residents.Resident{f.li, f.mother} {
				if err := f.s.Respond(ctx, &r, f.cb, sv.ID, full("1", []string{"1"}, "5", "很好", "3")); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Every value of every row an anonymous response left.
		secret := map[string]bool{}
		for _, r := range []residents.Resident{f.li, f.mother} {
			for _, v := range []int64{r.PersonID, r.HouseholdID, r.HouseID} {
				secret[strconv.FormatInt(v, 10)] = true
			}
			secret[r.Name] = true
		}
		for _, table := range []string{"survey_respondents", "survey_responses", "survey_answers"} {
			rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` WHERE survey_id = $1`, anon.ID)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if secret[s] {
						t.Errorf("%s.%s holds %q of a respondent", table, cols[i], s)
					}
					if cols[i] == "submitted_at" && s != "" {
						t.Errorf("%s keeps the time of an anonymous response: %q", table, s)
					}
				}
			}
			rows.Close()
			if n == 0 {
				t.Fatalf("%s: no rows", table)
			}
		}
		var withPerson int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND person_id IS NOT NULL`,
			anon.ID).Scan(&withPerson); err != nil || withPerson != 0 {
			t.Fatalf("anonymous responses with a person: %d %v", withPerson, err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND person_id IN ($2, $3)`,
			named.ID, f.li.PersonID, f.mother.PersonID).Scan(&withPerson); err != nil || withPerson != 2 {
			t.Fatalf("named responses with their person: %d %v", withPerson, err)
		}
		// Even asked for names, an anonymous survey's results have none.
		res, err := f.s.Results(ctx, f.cb, anon.ID, true)
		if err != nil || res.Names || len(res.Questions[3].Texts) != 2 || res.Questions[3].Texts[0].Name != "" {
			t.Fatalf("anonymous results: %+v %v", res.Questions[3].Texts, err)
		}
		if rs, err := f.s.Responses(ctx, res); err != nil || rs != nil {
			t.Fatalf("anonymous responses listed: %v %v", rs, err)
		}
	})
}

// TestResultsAndXLSX: counts, shares, averages and texts of a named
// survey, with names for its staff and without for others, and the
// workbook read back.
func TestResultsAndXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		sv := f.open(t, form(false))
		for _, x := range []struct {
			r residents.Resident
			a Answers
		}{
			{f.li, full("1", []string{"1", "2"}, "5", "多种树", "2")},
			{f.wang, full("1", []string{"2"}, "4", "", "2")},
			{f.mother, full("2", []string{"3", "2"}, "2", "停车难", "3")},
			{f.zhao, Answers{1: {"3"}, 3: {"3"}}},
		} {
			if err := f.s.Respond(ctx, &x.r, f.cb, sv.ID, x.a); err != nil {
				t.Fatal(err)
			}
		}
		res, err := f.s.Results(ctx, f.cb, sv.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		q := res.Questions
		if res.Responses != 4 || q[0].Answered != 4 || q[0].Counts[0].N != 2 || q[0].Counts[0].Share != "50.0%" ||
			q[0].Counts[2].Share != "25.0%" {
			t.Fatalf("single: %+v", q[0])
		}
		if q[1].Answered != 3 || q[1].Counts[1].N != 3 || q[1].Counts[1].Share != "100.0%" || q[1].Counts[3].N != 0 {
			t.Fatalf("multiple: %+v", q[1])
		}
		if q[2].Average() != "3.50" || q[2].Counts[4].N != 1 || q[2].Counts[0].N != 0 {
			t.Fatalf("rating: %s %+v", q[2].Average(), q[2].Counts)
		}
		if q[4].Answered != 3 || q[4].Average() != "2.33" || q[4].Min != 2 || q[4].Max != 3 {
			t.Fatalf("number: %s %+v", q[4].Average(), q[4])
		}
		if len(q[3].Texts) != 2 || q[3].Texts[0].Name == "" {
			t.Fatalf("texts with names: %+v", q[3].Texts)
		}
		if plain, _ := f.s.Results(ctx, f.cb, sv.ID, false); plain.Questions[3].Texts[0].Name != "" {
			t.Fatalf("names without access: %+v", plain.Questions[3].Texts)
		}
		rs, err := f.s.Responses(ctx, res)
		if err != nil || len(rs) != 4 {
			t.Fatalf("responses: %v %v", rs, err)
		}
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, res, rs); err != nil {
			t.Fatal(err)
		}
		book, err := sheets.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "r.xlsx", sheets.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		read := func(i int) [][]string {
			rows, err := book.Rows(i)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out [][]string
			for rows.Next() {
				var line []string
				for _, c := range rows.Row().Cells {
					line = append(line, c.Value)
				}
				out = append(out, line)
			}
			return out
		}
		if len(book.Sheets) != 3 || book.Sheets[0].Name != "统计结果" || book.Sheets[2].Name != "答卷" {
			t.Fatalf("sheets: %+v", book.Sheets)
		}
		has := func(rows [][]string, want ...string) bool {
			for _, r := range rows {
				if len(r) >= len(want) && fmt.Sprint(r[:len(want)]) == fmt.Sprint(want) {
					return true
				}
			}
			return false
		}
		counts := read(0)
		if !has(counts, "1", "您对小区环境卫生是否满意?", "单选", "满意", "2", "50.0%") ||
			!has(counts, "3", "请为物业服务打分", "评分(1–5分)", "合计", "4", "", "3.50") {
			t.Fatalf("counts sheet: %q", counts)
		}
		if texts := read(1); !has(texts, "4", "其他意见", "停车难", "张丽") {
			t.Fatalf("texts sheet: %q", texts)
		}
		answers := read(2)
		li := -1
		for i, r := range answers {
			if r[0] == "李建国" {
				li = i
			}
		}
		if len(answers) != 5 || li < 1 || fmt.Sprint(answers[li][3:7]) != "[满意 绿化;照明 5 多种树]" {
			t.Fatalf("responses sheet: %q", answers)
		}
	})
}
