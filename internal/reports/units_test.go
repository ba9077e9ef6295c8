package reports

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/indicators"
	"shequ/internal/pdfdoc/pdftest"
	"shequ/internal/workdays"
)

// 性别比 is 男/女×100 with two decimals and no percent sign, 流动人口占比 a
// percentage, 平均年龄 one decimal, counts whole — on the page's text, in
// the workbook (the number at its precision, its format, its unit column)
// and in the PDF; a share per thousand (‰) is ×1000.
func TestValuesShowTheirUnitAndPrecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s, tw, p := setup(t, db, 11)
		r := mustCompute(t, s, tw.communities[0].ID, p)
		ratio, share, age, pop := r.Row("A013"), r.Row("A006"), r.Row("B044"), r.Row("A001")
		male, female := r.Row("A007").Value, r.Row("A008").Value
		if female == 0 || ratio.Value != male/female*100 {
			t.Fatalf("性别比 %v from %v/%v", ratio.Value, male, female)
		}
		two, one := regexp.MustCompile(`^\d+\.\d\d$`), regexp.MustCompile(`^\d+\.\d$`)
		if !two.MatchString(ratio.Text()) || ratio.UnitText() != "" || !two.MatchString(share.Text()) || share.UnitText() != "%" ||
			!one.MatchString(age.Text()) || strings.Contains(pop.Text(), ".") {
			t.Errorf("texts: 性别比 %q%q, 占比 %q%q, 平均年龄 %q, 实有人口 %q", ratio.Text(), ratio.UnitText(), share.Text(),
				share.UnitText(), age.Text(), pop.Text())
		}

		var buf bytes.Buffer
		if err := r.WriteXLSX(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sheet := r.Template.Sheet
		for _, row := range []*Row{ratio, share, age, pop} {
			n := strings.TrimPrefix(row.Item.Cell, "E")
			if v, _ := f.GetCellValue(sheet, row.Item.Cell); v != row.Text() {
				t.Errorf("xlsx %s %s = %q, want %q", row.Item.Cell, row.Label, v, row.Text())
			}
			if v, _ := f.GetCellValue(sheet, row.Item.Cell, excelize.Options{RawCellValue: true}); v != FormatValue(row.Rounded(), -1) &&
				v != strings.TrimRight(strings.TrimRight(row.Text(), "0"), ".") {
				t.Errorf("xlsx %s holds %q, not the value rounded (%s)", row.Item.Cell, v, row.Text())
			}
			if v, _ := f.GetCellValue(sheet, "D"+n); v != row.UnitText() {
				t.Errorf("xlsx unit of %s = %q, want %q", row.Label, v, row.UnitText())
			}
		}

		if db.Engine == database.SQLite {
			buf.Reset()
			if err := r.WritePDF(&buf, workdays.Shanghai); err != nil {
				t.Fatal(err)
			}
			text := pdftest.Text(t, buf.Bytes())
			line := ""
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, "A013") {
					line = l
				}
			}
			if !strings.Contains(line, ratio.Text()) || strings.Contains(line, "%") {
				t.Errorf("the PDF's 性别比 line: %q (want %s, no %%)", line, ratio.Text())
			}
		}

		// Per thousand: the same share in ‰ is ten times the one in %.
		permille := indicators.Indicator{Code: "Z900", Name: "流动人口千分比", Entity: "人口", Filter: "人口类别 = 流动",
			Measure: indicators.Share, Of: "A001", Rule: indicators.AtEnd, Unit: indicators.UnitPermille, Decimals: 1}
		if err := s.SaveIndicator(ctx, "测试", &permille); err != nil {
			t.Fatal(err)
		}
		v, _, err := s.Preview(ctx, permille, tw.communities[0].ID, p)
		if err != nil || v != share.Value*10 {
			t.Errorf("‰ share %v %v, want %v", v, err, share.Value*10)
		}
		bad := permille
		bad.Code, bad.Unit, bad.Version = "Z901", "人", 0
		if fe := saveErr(s, &bad); fe["unit"] == "" {
			t.Errorf("a share in 人 is accepted: %v", fe)
		}
		bad.Unit, bad.Decimals = "%", 7
		if fe := saveErr(s, &bad); fe["decimals"] == "" {
			t.Errorf("seven decimals are accepted: %v", fe)
		}
	})
}

func saveErr(s *Service, ind *indicators.Indicator) fault.Fields {
	return fault.FieldsOf(s.SaveIndicator(context.Background(), "测试", ind))
}
