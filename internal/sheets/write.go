package sheets

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Writer writes rows of text to a download, xlsx or csv.
type Writer interface {
	// WriteRow adds a row; every value is written as text, so ID numbers
	// keep all their digits.
	WriteRow(values []string) error
	// Close finishes the file; nothing reaches w before it for xlsx.
	Close() error
}

// NewWriter returns a writer for format "xlsx" or "csv". For xlsx the first
// row written is styled as a header and columns are sized to it.
func NewWriter(w io.Writer, format, sheet string) (Writer, error) {
	if format == "csv" {
		return newCSVWriter(w), nil
	}
	return newXLSXWriter(w, sheet)
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	if format == "csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// XLSX writes a workbook of one or more sheets, row by row.
type XLSX struct {
	w      io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheets int
	row    int
	header int // style of the header row
	marked int // style of a cell at fault
	vals   []any
}

type xlsxWriter = XLSX

func newXLSXWriter(w io.Writer, sheet string) (*XLSX, error) {
	x, err := NewXLSX(w)
	if err != nil {
		return nil, err
	}
	if err := x.Sheet(sheet); err != nil {
		x.f.Close()
		return nil, err
	}
	return x, nil
}

// NewXLSX starts a workbook; add sheets with Sheet.
func NewXLSX(w io.Writer) (*XLSX, error) {
	f := excelize.NewFile()
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	if err != nil {
		f.Close()
		return nil, err
	}
	marked, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	if err != nil {
		f.Close()
		return nil, err
	}
	return &XLSX{w: w, f: f, header: header, marked: marked}, nil
}

// Sheet finishes the current sheet and starts another; its first row is
// the header.
func (x *XLSX) Sheet(name string) error {
	if x.sw != nil {
		if err := x.sw.Flush(); err != nil {
			return err
		}
	}
	if name == "" {
		name = "Sheet1"
	}
	name = sheetName(name)
	if x.sheets == 0 {
		if err := x.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := x.f.NewSheet(name); err != nil {
		return err
	}
	x.sheets++
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	x.sw, x.row = sw, 0
	return nil
}

// sheetName fits a name to Excel's rules: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// WriteMarked writes a row with the cells at the given columns marked in
// red: the cells at fault in a rejected row.
func (x *XLSX) WriteMarked(values []string, marked []int) error {
	x.row++
	x.vals = x.vals[:0]
	for i, v := range values {
		cell := excelize.Cell{Value: v}
		for _, m := range marked {
			if m == i {
				cell.StyleID = x.marked
			}
		}
		x.vals = append(x.vals, cell)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) WriteRow(values []string) error {
	x.row++
	if x.row == 1 {
		// Column widths must come before the first row.
		for i, v := range values {
			width := float64(utf8.RuneCountInString(v))*2.2 + 2
			x.sw.SetColWidth(i+1, i+1, min(max(width, 10), 40))
		}
	}
	x.vals = x.vals[:0]
	for _, v := range values {
		if x.row == 1 {
			x.vals = append(x.vals, excelize.Cell{Value: v, StyleID: x.header})
		} else {
			x.vals = append(x.vals, v)
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

type csvWriter struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	buf []string
}

// newCSVWriter writes UTF-8 with a byte-order mark, which Excel needs to
// open Chinese text correctly.
func newCSVWriter(w io.Writer) *csvWriter {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("\uFEFF")
	return &csvWriter{bw: bw, cw: csv.NewWriter(bw)}
}

func (c *csvWriter) WriteRow(values []string) error {
	c.buf = c.buf[:0]
	for _, v := range values {
		c.buf = append(c.buf, DefuseFormula(v))
	}
	return c.cw.Write(c.buf)
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

// DefuseFormula keeps a spreadsheet from running a text value as a formula
// (csv injection): text starting with = + - @ gets a leading apostrophe.
func DefuseFormula(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
