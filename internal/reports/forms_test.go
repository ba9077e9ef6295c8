package reports

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// blankForm makes a department's blank form: a workbook with the sheet
// named, what fill writes into it, and its bytes.
func blankForm(t *testing.T, sheet string, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	if fill != nil {
		fill(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBlankFormChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		tp := newTemplate(t, s)
		big := append([]byte("PK\x03\x04"), make([]byte, MaxFormBytes)...)
		for _, tc := range []struct {
			name string
			data []byte
			want string
		}{
			{"nothing", nil, "请选择"},
			{"not xlsx", []byte("姓名,身份证号\n张三,1\n"), "这不是 xlsx 文件"},
			{"old xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 the rest"), "旧版 Excel(.xls)"},
			{"broken zip", []byte("PK\x03\x04 not really a zip"), "无法作为 xlsx 打开"},
			{"too big", big, "超过了 5 MB 的上限"},
			{"no such sheet", blankForm(t, "Sheet1", nil), "没有工作表「季报」(它有:Sheet1)"},
		} {
			wantField(t, tc.name, s.SaveBlankForm(ctx, "管理员", tp.ID, 1, "x.xlsx", tc.data), "file", tc.want)
		}
		form := blankForm(t, "季报", func(f *excelize.File) { f.NewSheet("说明") })
		wantConflict(t, "a stale upload", s.SaveBlankForm(ctx, "他人", tp.ID, 0, "民政季报.xlsx", form))
		if err := s.SaveBlankForm(ctx, "管理员", tp.ID, 1, "民政季报.xlsx", form); err != nil {
			t.Fatal(err)
		}
		got, err := s.Template(ctx, "MZ-Q")
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Form == nil || got.Form.Name != "民政季报.xlsx" || got.Form.Size != len(form) ||
			!got.Form.HasSheet("说明") || got.Form.UploadedBy != "管理员" {
			t.Fatalf("after the upload: version %d, form %+v", got.Version, got.Form)
		}
		fi, data, err := s.BlankForm(ctx, tp.ID)
		if err != nil || !bytes.Equal(data, form) || fi.Name != "民政季报.xlsx" {
			t.Errorf("stored form: %v, %d bytes", err, len(data))
		}
		// The template's sheet must stay one of the form's.
		h := *got
		h.Sheet = "月报"
		_, err = s.SaveTemplateHeader(ctx, "管理员", &h)
		wantField(t, "a sheet the form lacks", err, "sheet", "已上传的空白报表中没有工作表「月报」")
		h.Sheet = "说明"
		if _, err := s.SaveTemplateHeader(ctx, "管理员", &h); err != nil {
			t.Errorf("a sheet the form has: %v", err)
		}
		wantConflict(t, "a stale removal", s.DeleteBlankForm(ctx, "他人", tp.ID, 2))
		if err := s.DeleteBlankForm(ctx, "管理员", tp.ID, 3); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.Template(ctx, "MZ-Q"); got.Form != nil || got.Version != 4 {
			t.Errorf("after the removal: version %d, form %+v", got.Version, got.Form)
		}
		if _, _, err := s.BlankForm(ctx, tp.ID); err != ErrNotFound {
			t.Errorf("removed form: %v", err)
		}
	})
}

// TestExportIntoBlankForm: the values land in the department's own form at
// their cells, with the form's formats, labels, formulas and widths kept.
func TestExportIntoBlankForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 17)
		tp := newTemplate(t, s)
		_, cat, err := s.AddSection(ctx, "管理员", tp.ID, 1, 0, "人口")
		if err != nil {
			t.Fatal(err)
		}
		_, sub, err := s.AddSection(ctx, "管理员", tp.ID, 2, cat.ID, "合计")
		if err != nil {
			t.Fatal(err)
		}
		v := 3
		for _, it := range []Item{{Indicator: "A001", Cell: "C5"}, {Indicator: "E001", Cell: "C9", Frequency: "year"},
			{Indicator: "A002"}} {
			if _, err := s.SaveItem(ctx, "管理员", tp.ID, v, sub.ID, it); err != nil {
				t.Fatal(err)
			}
			v++
		}
		var style int
		form := blankForm(t, "季报", func(f *excelize.File) {
			style, _ = f.NewStyle(&excelize.Style{NumFmt: 3, Font: &excelize.Font{Bold: true},
				Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
			f.SetCellValue("季报", "A1", "民政季报(部门版)")
			f.MergeCell("季报", "A1", "D1")
			f.SetCellValue("季报", "A2", "填报单位:")
			f.SetCellValue("季报", "B5", "实有人口")
			f.SetCellStyle("季报", "C5", "C5", style)
			f.SetCellFormula("季报", "C10", "C5*2")
			f.SetCellValue("季报", "A12", "填表人:张三")
			f.SetColWidth("季报", "B", "B", 30)
		})
		if err := s.SaveBlankForm(ctx, "管理员", tp.ID, v, "民政季报.xlsx", form); err != nil {
			t.Fatal(err)
		}
		q := p.Of("quarter")
		if q.Due("year") {
			q = q.Previous() // E001 is yearly: a quarter where it is not due
		}
		r, err := s.Compute(ctx, "MZ-Q", tw.communities[0].ID, q, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.ExportXLSX(ctx, r, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		pop := r.Row("A001")
		if pop == nil || !pop.Known || pop.Value == 0 {
			t.Fatalf("实有人口 row %+v", pop)
		}
		for cell, want := range map[string]string{
			"A1":  "民政季报",
			"A2":  "填报单位:" + tw.communities[0].Name,
			"D2":  "报告期:" + q.Label(),
			"B5":  "实有人口",
			"C5":  FormatValue(pop.Value, pop.Decimals),
			"C9":  "本期不报",
			"A12": "填表人:张三",
		} {
			if got, _ := f.GetCellValue("季报", cell); got != want {
				t.Errorf("%s = %q, want %q", cell, got, want)
			}
		}
		if got, _ := f.GetCellStyle("季报", "C5"); got != style {
			t.Errorf("C5 style %d, want the form's %d", got, style)
		}
		if got, _ := f.GetCellFormula("季报", "C10"); got != "C5*2" {
			t.Errorf("the form's formula became %q", got)
		}
		if mc, _ := f.GetMergeCells("季报"); len(mc) != 1 || mc[0].GetStartAxis() != "A1" || mc[0].GetEndAxis() != "D1" {
			t.Errorf("the form's merged title: %v", mc)
		}
		if w, _ := f.GetColWidth("季报", "B"); w != 30 {
			t.Errorf("column B width %v", w)
		}
		if got, _ := f.GetCellValue("未填入的项", "B3"); got != "户籍人口" {
			t.Errorf("the item without a cell is not listed: %q", got)
		}
		if sheets := f.GetSheetList(); sheets[0] != "季报" {
			t.Errorf("sheets %v", sheets)
		}

		// Without the form, the generated layout again.
		got, _ := s.Template(ctx, "MZ-Q")
		if err := s.DeleteBlankForm(ctx, "管理员", tp.ID, got.Version); err != nil {
			t.Fatal(err)
		}
		if r, err = s.Compute(ctx, "MZ-Q", tw.communities[0].ID, q, Options{}); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := s.ExportXLSX(ctx, r, &buf); err != nil {
			t.Fatal(err)
		}
		if f, err = excelize.OpenReader(&buf); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.GetCellValue("季报", "B5"); v != "A001" {
			t.Errorf("generated layout B5 = %q, want the indicator code", v)
		}
		if v, _ := f.GetCellValue("未填入的项", "B3"); v != "户籍人口" {
			t.Errorf("the generated layout does not list the item without a cell: %q", v)
		}
	})
}
