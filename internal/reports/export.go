package reports

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"shequ/internal/indicators"
)

// Exports: the report as csv (one row per item) and as xlsx in the
// template's layout (each value in its item's cell, labels beside it), and
// a ledger as csv or xlsx. PDF is in pdf.go; the xlsx filled into a
// department's own blank form in forms.go.

// sourceName says where a value came from.
func (r *Row) sourceName() string {
	switch {
	case !r.Due:
		return "本期不报"
	case r.Manual:
		return "手工填报"
	case r.Error != "":
		return "定义有误"
	}
	return "自动计算"
}

// WriteCSV writes the report as csv: a header, then one line per item.
func (r *Report) WriteCSV(w io.Writer) error {
	if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil { // BOM: Excel reads UTF-8 csv as such
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"报表", r.Template.Name, "单位", r.Unit.Name, "报告期", r.Period.Label(), "", "", ""})
	cw.Write([]string{"大类", "小类", "指标编码", "项目", "计量单位", "数值", "来源", "要求部门", "频次"})
	for _, c := range r.Categories {
		for _, s := range c.Subs {
			for _, row := range s.Rows {
				v := ""
				if row.Due && row.Known {
					v = row.Text()
				}
				cw.Write([]string{c.Name, s.Name, row.Indicator, row.Label, row.UnitText(), v, row.sourceName(),
					row.DepartmentName, indicators.FrequencyNames[row.Frequency]})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

var cellRef = regexp.MustCompile(`^([A-Z]{1,3})([0-9]+)$`)

// WriteXLSX writes the report in the template's layout: the title, unit and
// period in their cells, each value in its item's cell, and the labels on
// the item's row (大类, 小类, 项目, 计量单位 in A–D, 来源 and 要求部门 after
// the value) where those cells are free. Items without a cell are listed on
// a sheet of their own.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := r.Template.Sheet
	if sheet == "" {
		sheet = "报表"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	group, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	manual, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFF2CC"}, Pattern: 1}})
	// numStyle shows a number with an indicator's decimal places.
	numStyles := map[int]int{}
	numStyle := func(decimals int) int {
		if st, ok := numStyles[decimals]; ok {
			return st
		}
		format := "0"
		if decimals > 0 {
			format += "." + strings.Repeat("0", decimals)
		}
		st, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		numStyles[decimals] = st
		return st
	}
	used := map[string]bool{}
	set := func(cell string, v any, style int) {
		if cell == "" {
			return
		}
		f.SetCellValue(sheet, cell, v)
		if style != 0 {
			f.SetCellStyle(sheet, cell, cell, style)
		}
		used[cell] = true
	}
	for _, it := range r.Rows {
		used[it.Item.Cell] = true
	}
	set(r.Template.TitleCell, r.Template.Name, title)
	set(r.Template.UnitCell, "填报单位:"+r.Unit.Name, 0)
	set(r.Template.PeriodCell, "报告期:"+r.Period.Label(), 0)
	// Header above the first item, in the standard layout.
	firstRow := 0
	for _, row := range r.Rows {
		if m := cellRef.FindStringSubmatch(row.Item.Cell); m != nil {
			n, _ := strconv.Atoi(m[2])
			if firstRow == 0 || n < firstRow {
				firstRow = n
			}
		}
	}
	if firstRow > 3 {
		hr := firstRow - 2
		for i, h := range []string{"大类/小类", "指标编码", "项目", "计量单位", "数值", "来源", "要求部门"} {
			cell, _ := excelize.CoordinatesToCellName(i+1, hr)
			if !used[cell] {
				set(cell, h, head)
			}
		}
	}
	var loose []*Row // items without a cell
	for _, c := range r.Categories {
		catDone := false
		for _, s := range c.Subs {
			subDone := false
			for _, row := range s.Rows {
				m := cellRef.FindStringSubmatch(row.Item.Cell)
				if m == nil {
					loose = append(loose, row)
					continue
				}
				n, _ := strconv.Atoi(m[2])
				col, _ := excelize.ColumnNameToNumber(m[1])
				// 大类 and 小类 go on the free rows above their first item.
				if !subDone {
					subDone = true
					if cell := fmt.Sprintf("A%d", n-1); n > 1 && !used[cell] {
						set(cell, s.Name, group)
					}
					if cell := fmt.Sprintf("A%d", n-2); !catDone && n > 2 && !used[cell] {
						set(cell, c.Name, group)
					}
					catDone = true
				}
				if row.Due && row.Known {
					set(row.Item.Cell, row.Rounded(), numStyle(row.Decimals))
				} else {
					set(row.Item.Cell, row.Text(), 0)
				}
				if row.Manual {
					f.SetCellStyle(sheet, row.Item.Cell, row.Item.Cell, manual)
				}
				labels := []struct {
					col int
					v   string
				}{{2, row.Indicator}, {3, row.Label}, {4, row.UnitText()}, {col + 1, row.sourceName()}, {col + 2, row.DepartmentName}}
				for _, l := range labels {
					if l.col == col {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(l.col, n)
					if !used[cell] {
						set(cell, l.v, 0)
					}
				}
			}
		}
	}
	f.SetColWidth(sheet, "A", "A", 28)
	f.SetColWidth(sheet, "B", "B", 10)
	f.SetColWidth(sheet, "C", "C", 36)
	f.SetColWidth(sheet, "D", "D", 10)
	f.SetColWidth(sheet, "E", "E", 14)
	f.SetColWidth(sheet, "F", "G", 14)
	// Items without a cell, and warnings, on sheets of their own.
	if len(loose) > 0 {
		if err := writeLoose(f, "未填入的项", loose); err != nil {
			return err
		}
	}
	if len(r.Warnings) > 0 {
		if err := writeWarnings(f, "校验提示", r.Warnings); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// WriteCSV writes every record of the ledger as csv and returns how many.
func (l *Ledger) WriteCSV(ctx context.Context, w io.Writer) (int, error) {
	if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.Write(l.header())
	n, err := l.All(ctx, func(row indicators.LedgerRow) error { return cw.Write(row.Cells) })
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

func (l *Ledger) header() []string {
	var out []string
	for _, c := range l.Columns {
		out = append(out, c.Label)
	}
	return out
}

// WriteXLSX writes every record of the ledger as a workbook (streamed, so
// a ledger of a million persons does not sit in memory) and returns how
// many.
func (l *Ledger) WriteXLSX(ctx context.Context, w io.Writer) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	title := fmt.Sprintf("%s %s %s 台账(共 %d 条)", l.Unit.Name, l.Period.Label(), l.Indicator.Name, l.Total)
	if err := sw.SetRow("A1", []any{title}); err != nil {
		return 0, err
	}
	head := make([]any, len(l.Columns))
	for i, h := range l.header() {
		head[i] = h
	}
	if err := sw.SetRow("A2", head); err != nil {
		return 0, err
	}
	r := 3
	n, err := l.All(ctx, func(row indicators.LedgerRow) error {
		vals := make([]any, len(row.Cells))
		for i, c := range row.Cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		r++
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	_, err = f.WriteTo(w)
	return n, err
}
