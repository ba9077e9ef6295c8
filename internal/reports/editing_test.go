package reports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
)

// wantField fails unless err is a fault.Fields with a message at field
// that contains want.
func wantField(t *testing.T, what string, err error, field, want string) {
	t.Helper()
	var fe fault.Fields
	if !errors.As(err, &fe) || !strings.Contains(fe[field], want) {
		t.Errorf("%s: got %v, want %q at %s", what, err, want, field)
	}
}

func wantConflict(t *testing.T, what string, err error) {
	t.Helper()
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Errorf("%s: got %v, want a conflict", what, err)
	}
}

func wantRefused(t *testing.T, what string, err error, want string) {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, want) {
		t.Errorf("%s: got %v, want a refusal saying %q", what, err, want)
	}
}

// newTemplate creates the template the editing tests start from.
func newTemplate(t *testing.T, s *Service) *Template {
	t.Helper()
	tp := &Template{Code: "MZ-Q", Name: "民政季报", Frequency: "quarter", Department: "civil", Sheet: "季报",
		TitleCell: "a1", UnitCell: "A2", PeriodCell: "D2", Description: "民政科要求的季度报表"}
	if err := s.CreateTemplate(context.Background(), "管理员", tp); err != nil {
		t.Fatal(err)
	}
	return tp
}

func TestCreateTemplateChecksFields(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name        string
			change      func(*Template)
			field, want string
		}{
			{"code", func(tp *Template) { tp.Code = "1民政" }, "code", "应以字母开头"},
			{"taken code", func(tp *Template) { tp.Code = SampleCode }, "code", "已存在"},
			{"name", func(tp *Template) { tp.Name = " " }, "name", "请填写"},
			{"frequency", func(tp *Template) { tp.Frequency = "week" }, "frequency", "月报、季报"},
			{"department", func(tp *Template) { tp.Department = "nope" }, "department", "不存在"},
			{"sheet", func(tp *Template) { tp.Sheet = "报表/2026" }, "sheet", "不能含"},
			{"long sheet", func(tp *Template) { tp.Sheet = strings.Repeat("表", 32) }, "sheet", "31"},
			{"cell", func(tp *Template) { tp.UnitCell = "A0" }, "unit_cell", "应形如"},
			{"cell twice", func(tp *Template) { tp.PeriodCell = "A1" }, "period_cell", "已用于标题"},
		} {
			tp := &Template{Code: "X-1", Name: "测试", Frequency: "month", Sheet: "表", TitleCell: "A1"}
			tc.change(tp)
			wantField(t, tc.name, s.CreateTemplate(ctx, "管理员", tp), tc.field, tc.want)
		}
		tp := newTemplate(t, s)
		got, err := s.Template(ctx, "MZ-Q")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tp.ID || got.Version != 1 || got.TitleCell != "A1" || got.Sample || got.Form != nil || len(got.Sections) != 0 {
			t.Errorf("created %+v", got)
		}
	})
}

func TestTemplateSectionsAndItems(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		tp := newTemplate(t, s)
		v := tp.Version
		add := func(parent int64, name string) *Section {
			t.Helper()
			got, sec, err := s.AddSection(ctx, "管理员", tp.ID, v, parent, name)
			if err != nil {
				t.Fatalf("add %s: %v", name, err)
			}
			v = got.Version
			return sec
		}
		people := add(0, "人口")
		help := add(0, "救助")
		registered := add(people.ID, "户籍人口")
		floating := add(people.ID, "流动人口")
		dibao := add(help.ID, "低保")
		if people.ID == 0 || registered.ParentID != people.ID {
			t.Fatalf("sections %+v %+v", people, registered)
		}
		// Refusals at the name, and a stale version.
		_, _, err := s.AddSection(ctx, "管理员", tp.ID, v, people.ID, " 户籍人口 ")
		wantField(t, "a repeated 小类", err, "name", "已有小类「户籍人口」")
		_, _, err = s.AddSection(ctx, "管理员", tp.ID, v, 0, "")
		wantField(t, "an empty name", err, "name", "请填写大类名称")
		_, _, err = s.AddSection(ctx, "管理员", tp.ID, v, registered.ID, "三级")
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("a 小类 under a 小类: %v", err)
		}
		_, _, err = s.AddSection(ctx, "他人", tp.ID, v-1, 0, "晚了")
		wantConflict(t, "a stale add", err)

		// Items, in a 小类; the sample's indicators serve.
		got, err := s.SaveItem(ctx, "管理员", tp.ID, v, registered.ID, Item{Indicator: "A002", Cell: "c5"})
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
		got, err = s.SaveItem(ctx, "管理员", tp.ID, v, dibao.ID, Item{Indicator: "E001", Label: "低保人数", Cell: "C9", Frequency: "year"})
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
		_, err = s.SaveItem(ctx, "管理员", tp.ID, v, floating.ID, Item{Indicator: "A001", Cell: "C5"})
		wantField(t, "a cell used twice", err, "items.1.cell", "已用于")
		_, err = s.SaveItem(ctx, "管理员", tp.ID, v, floating.ID, Item{Indicator: "A001", Cell: "A2"})
		wantField(t, "the unit's cell", err, "items.1.cell", "已用于填报单位")
		_, err = s.SaveItem(ctx, "管理员", tp.ID, v, floating.ID, Item{Indicator: "A001", Cell: "C6", Frequency: "month"})
		wantField(t, "a monthly item of a quarterly form", err, "items.1.frequency", "永远不会报送")
		_, err = s.SaveItem(ctx, "管理员", tp.ID, v, floating.ID, Item{Indicator: "A001", Cell: "5C"})
		wantField(t, "a bad cell", err, "items.1.cell", "应形如")
		_, err = s.SaveItem(ctx, "他人", tp.ID, v-1, floating.ID, Item{Indicator: "A001", Cell: "C6"})
		wantConflict(t, "a stale item", err)

		// Renaming, moving.
		_, err = s.RenameSection(ctx, "管理员", tp.ID, v, floating.ID, "户籍人口")
		wantField(t, "a rename to a sibling's name", err, "name", "已有小类")
		got, err = s.RenameSection(ctx, "管理员", tp.ID, v, help.ID, "社会救助")
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
		got, err = s.MoveSection(ctx, "管理员", tp.ID, v, help.ID, -1)
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
		got, err = s.MoveSection(ctx, "管理员", tp.ID, v, floating.ID, -1)
		if err != nil {
			t.Fatal(err)
		}
		v = got.Version
		_, err = s.MoveSection(ctx, "他人", tp.ID, v-1, people.ID, 1)
		wantConflict(t, "a stale move", err)
		got, _ = s.Template(ctx, "MZ-Q")
		if shape := sectionShape(got); shape != "社会救助[低保:E001] 人口[流动人口: 户籍人口:A002]" {
			t.Errorf("after the moves: %s", shape)
		}
		if items := got.Items(); len(items) != 2 || items[0].Label != "低保人数" || items[1].Cell != "C5" || items[1].Frequency != "quarter" {
			t.Errorf("items %+v %+v", items[0], items[1])
		}

		// Deleting: only what is empty.
		_, err = s.DeleteSection(ctx, "管理员", tp.ID, v, people.ID)
		wantRefused(t, "a 大类 with 小类", err, "还有 2 个小类")
		_, err = s.DeleteSection(ctx, "管理员", tp.ID, v, registered.ID)
		wantRefused(t, "a 小类 with items", err, "还有 1 项")
		if got, err = s.DeleteSection(ctx, "管理员", tp.ID, v, floating.ID); err != nil {
			t.Fatal(err)
		}
		v = got.Version
		if err := s.DeleteItem(ctx, "他人", tp.ID, v-1, got.Items()[1].ID); err == nil {
			t.Error("a stale item delete")
		}
		if err := s.DeleteItem(ctx, "管理员", tp.ID, v, got.Items()[1].ID); err != nil {
			t.Fatal(err)
		}
		v++
		if got, err = s.DeleteSection(ctx, "管理员", tp.ID, v, registered.ID); err != nil {
			t.Fatal(err)
		}
		v = got.Version
		if got, err = s.DeleteSection(ctx, "管理员", tp.ID, v, people.ID); err != nil {
			t.Fatal(err)
		}
		if shape := sectionShape(got); shape != "社会救助[低保:E001]" || got.UpdatedBy != "管理员" {
			t.Errorf("after the deletes: %s (by %s)", shape, got.UpdatedBy)
		}
	})
}

// sectionShape writes a template's sections and items on one line.
func sectionShape(tp *Template) string {
	var out []string
	for _, c := range tp.Sections {
		var subs []string
		for _, sub := range c.Subs {
			var items []string
			for _, it := range sub.Items {
				items = append(items, it.Indicator)
			}
			subs = append(subs, sub.Name+":"+strings.Join(items, ","))
		}
		out = append(out, fmt.Sprintf("%s[%s]", c.Name, strings.Join(subs, " ")))
	}
	return strings.Join(out, " ")
}

func TestTemplateHeaderAndDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 13)
		tp := newTemplate(t, s)
		_, sec, err := s.AddSection(ctx, "管理员", tp.ID, 1, 0, "人口")
		if err != nil {
			t.Fatal(err)
		}
		_, sub, err := s.AddSection(ctx, "管理员", tp.ID, 2, sec.ID, "合计")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveItem(ctx, "管理员", tp.ID, 3, sub.ID, Item{Indicator: "A001", Cell: "C5"}); err != nil {
			t.Fatal(err)
		}
		h := *tp
		h.Version, h.Name, h.Sheet, h.TitleCell = 4, "民政季度报表", "Sheet1", "B1"
		got, err := s.SaveTemplateHeader(ctx, "科长", &h)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 5 || got.Name != "民政季度报表" || got.Sheet != "Sheet1" || len(got.Items()) != 1 {
			t.Errorf("after the header edit: %+v", got)
		}
		h.Name = "晚了"
		_, err = s.SaveTemplateHeader(ctx, "他人", &h)
		wantConflict(t, "a stale header", err)
		h.Version, h.Name, h.PeriodCell = 5, "民政季度报表", "C5"
		_, err = s.SaveTemplateHeader(ctx, "科长", &h)
		wantField(t, "the period on an item's cell", err, "period_cell", "已用于报表项「实有人口」")
		h.PeriodCell, h.Code = "D2", SampleCode
		_, err = s.SaveTemplateHeader(ctx, "科长", &h)
		wantField(t, "a code taken", err, "code", "已存在")
		sample, _ := s.Template(ctx, SampleCode)
		sh := *sample
		sh.Code = "MINE"
		_, err = s.SaveTemplateHeader(ctx, "科长", &sh)
		wantField(t, "the sample's code", err, "code", "不能修改")

		// Deleting: never the sample, not a signed template, not stale.
		wantRefused(t, "the sample", s.DeleteTemplate(ctx, sample.ID, sample.Version), "示例模板不能删除")
		wantConflict(t, "a stale delete", s.DeleteTemplate(ctx, tp.ID, 4))
		if _, err := s.Sign(ctx, "王书记", 0, "MZ-Q", tw.communities[0].ID, p.Of("quarter"), ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Revoke(ctx, "王书记", tp.ID, tw.communities[0].ID, p.Of("quarter")); err != nil {
			t.Fatal(err)
		}
		wantRefused(t, "a signed template", s.DeleteTemplate(ctx, tp.ID, 5), "1 次社区确认记录")

		other := &Template{Code: "TMP", Name: "临时", Frequency: "month", Sheet: "表"}
		if err := s.CreateTemplate(ctx, "科长", other); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.AddSection(ctx, "科长", other.ID, 1, 0, "大类")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveBlankForm(ctx, "科长", other.ID, 2, "临时.xlsx", blankForm(t, "表", nil)); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTemplate(ctx, other.ID, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Template(ctx, "TMP"); !errors.Is(err, ErrNotFound) {
			t.Errorf("deleted template: %v", err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_forms WHERE template_id = $1`, other.ID).Scan(&n)
		if n != 0 {
			t.Error("the deleted template's blank form is left")
		}
	})
}
