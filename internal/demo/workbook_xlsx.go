package demo

import (
	"os"

	"github.com/xuri/excelize/v2"
)

// xbook writes a demo workbook sheet by sheet, through excelize's stream
// writer, the way departments' spreadsheets look: titles over merged
// cells, dates as Excel dates, numbers as numbers.
type xbook struct {
	f      *excelize.File
	first  bool
	date   int // style of a date cell (yyyy-mm-dd)
	header int
	sw     *excelize.StreamWriter
	row    int
}

func newXBook() (*xbook, error) {
	f := excelize.NewFile()
	fmtDate := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtDate})
	if err != nil {
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	return &xbook{f: f, first: true, date: date, header: header}, nil
}

// sheet starts a new sheet; the previous one is finished.
func (b *xbook) sheet(name string, widths ...float64) error {
	if err := b.flush(); err != nil {
		return err
	}
	if b.first {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
		b.first = false
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range widths {
		sw.SetColWidth(i+1, i+1, w)
	}
	b.sw, b.row = sw, 0
	return nil
}

// add writes the next row; values are strings, numbers or excelize.Cell.
func (b *xbook) add(values ...any) error {
	b.row++
	cell, _ := excelize.CoordinatesToCellName(1, b.row)
	return b.sw.SetRow(cell, values)
}

// headerRow writes a row in the header style.
func (b *xbook) headerRow(labels ...string) error {
	vals := make([]any, len(labels))
	for i, l := range labels {
		vals[i] = excelize.Cell{Value: l, StyleID: b.header}
	}
	return b.add(vals...)
}

func (b *xbook) merge(from, to string) error { return b.sw.MergeCell(from, to) }

// dateCell is an Excel date: the serial number with a date format.
func (b *xbook) dateCell(day int) excelize.Cell {
	return excelize.Cell{Value: day - daysFromCivil(1899, 12, 30), StyleID: b.date}
}

func (b *xbook) flush() error {
	if b.sw == nil {
		return nil
	}
	err := b.sw.Flush()
	b.sw = nil
	return err
}

func (b *xbook) save(path string) error {
	defer b.f.Close()
	if err := b.flush(); err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := b.f.Write(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}
