// Package sheets reads the spreadsheets departments send — xlsx workbooks and
// csv files in UTF-8, UTF-16 or GBK/GB18030 — row by row without holding a
// sheet in memory, and writes xlsx and csv files for downloads.
//
// Reading refuses, before any row is returned, what must not be read: files
// over the size limit, xlsx archives whose parts would unpack to far more
// than they weigh (zip bombs), more rows than allowed, and cells holding
// formulas. Refusals are *Error values with a message in Chinese.
//
// xlsx is read here rather than through excelize, which the package uses for
// writing: excelize loads parts and, for merged cells and formulas, whole
// worksheets into memory, and its row stream gives neither a cell's type
// (an ID number stored as a number must be told from one stored as text)
// nor its formula.
package sheets

import (
	"bytes"
	"fmt"
	"io"
)

// Limits bound what a file may hold.
type Limits struct {
	MaxBytes        int64 // size of the file itself
	MaxRows         int   // rows over all sheets, header and title rows included
	MaxUncompressed int64 // xlsx: the parts unpacked, together
	MaxRatio        int64 // xlsx: unpacked size over packed size of any part larger than 1 MiB
}

// DefaultLimits fit a department list of a city: two million rows in at most
// 300 MB.
var DefaultLimits = Limits{MaxBytes: 300 << 20, MaxRows: 2_000_000, MaxUncompressed: 3 << 30, MaxRatio: 200}

// Error is a refusal or a read failure, explained in Chinese.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func refuse(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Cell is one cell's value as stored.
type Cell struct {
	Value  string
	Number bool // an xlsx numeric cell: Value is the number as written in the file
	Date   bool // a numeric cell with a date format: Value is an Excel serial date
}

// Row is one row of a sheet; Num counts from 1 as the spreadsheet shows it.
type Row struct {
	Num   int
	Cells []Cell
}

// Text returns the value of column i, "" past the end.
func (r Row) Text(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i].Value
}

// Empty reports whether every cell is blank.
func (r Row) Empty() bool {
	for _, c := range r.Cells {
		if len(bytes.TrimSpace([]byte(c.Value))) > 0 {
			return false
		}
	}
	return true
}

// Range is a merged block of cells, 0-based inclusive columns and 1-based
// inclusive rows.
type Range struct {
	Row1, Col1, Row2, Col2 int
}

// Sheet describes one sheet of a book.
type Sheet struct {
	Name   string
	Rows   int     // rows the sheet holds (counted before reading)
	Merges []Range // merged cells, in file order
	Hidden bool
}

// Book is an opened file. Its rows are read with Rows, one sheet at a time.
type Book struct {
	Format   string // xlsx or csv
	Encoding string // csv: utf-8, utf-16 or gb18030
	Sheets   []Sheet
	Date1904 bool // xlsx: serial dates count from 1904

	xlsx *xlsxBook
	csv  *csvBook
}

// Rows returns the rows of sheet i in order.
func (b *Book) Rows(i int) (*Rows, error) {
	if i < 0 || i >= len(b.Sheets) {
		return nil, refuse("工作表不存在")
	}
	if b.xlsx != nil {
		return b.xlsx.rows(i)
	}
	return b.csv.rows()
}

// TotalRows is the number of rows over the sheets that are not hidden.
func (b *Book) TotalRows() int {
	n := 0
	for _, s := range b.Sheets {
		if !s.Hidden {
			n += s.Rows
		}
	}
	return n
}

// Rows iterates over a sheet's rows.
type Rows struct {
	next  func() (Row, error)
	close func() error
	row   Row
	err   error
}

// Next advances to the next row; false at the end or on an error.
func (r *Rows) Next() bool {
	if r.err != nil {
		return false
	}
	row, err := r.next()
	if err != nil {
		if err != io.EOF {
			r.err = err
		}
		return false
	}
	r.row = row
	return true
}

// Row is the current row. Its cells are valid until the next call to Next.
func (r *Rows) Row() Row { return r.row }

// Err is the error that stopped the iteration, if any.
func (r *Rows) Err() error { return r.err }

// Close releases the sheet.
func (r *Rows) Close() error {
	if r.close != nil {
		return r.close()
	}
	return nil
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open reads a file's structure — its sheets, their row counts and merged
// cells — checking it against lim; name (the uploaded file name) only
// improves messages. r must stay open while rows are read.
func Open(r io.ReaderAt, size int64, name string, lim Limits) (*Book, error) {
	if lim.MaxBytes > 0 && size > lim.MaxBytes {
		return nil, refuse("文件 %s 大小为 %s,超过上限 %s", name, humanBytes(size), humanBytes(lim.MaxBytes))
	}
	if size == 0 {
		return nil, refuse("文件 %s 是空的", name)
	}
	head := make([]byte, 4096)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return openXLSX(r, size, name, lim)
	case bytes.HasPrefix(head, oleMagic):
		return nil, refuse("文件 %s 是旧版 Excel(.xls)或加密的工作簿,请在 Excel 中“另存为” .xlsx 后再导入", name)
	}
	if what := notASheet(head); what != "" {
		return nil, refuse("文件 %s 不是表格文件,看起来是%s;请上传 xlsx 或 csv 格式的名册", name, what)
	}
	if len(bytes.Trim(head, " \t\r\n\xef\xbb\xbf,;\x00\xff\xfe")) == 0 && size <= int64(len(head)) {
		return nil, refuse("文件 %s 是空的(没有任何内容)", name)
	}
	return openCSV(r, size, name, lim)
}

// fileKinds are the starts of files people send by mistake instead of a
// list: pictures, documents, archives.
var fileKinds = []struct {
	magic []byte
	what  string
}{
	{[]byte("\x89PNG\r\n\x1a\n"), " PNG 图片"},
	{[]byte("\xff\xd8\xff"), " JPEG 图片"},
	{[]byte("GIF87a"), " GIF 图片"},
	{[]byte("GIF89a"), " GIF 图片"},
	{[]byte("BM"), " BMP 图片"},
	{[]byte("RIFF"), "图片或音视频(RIFF)"},
	{[]byte("II*\x00"), " TIFF 图片"},
	{[]byte("MM\x00*"), " TIFF 图片"},
	{[]byte("%PDF"), " PDF 文档"},
	{[]byte("Rar!"), " RAR 压缩包"},
	{[]byte("7z\xbc\xaf\x27\x1c"), " 7z 压缩包"},
	{[]byte("\x1f\x8b"), " gzip 压缩包"},
	{[]byte("{\\rtf"), " RTF 文档"},
	{[]byte("\x7fELF"), "程序文件"},
	{[]byte("MZ"), "程序文件"},
}

// notASheet names what a file that is no text and no workbook looks like,
// or "" when it may be a csv. A text file has no NUL bytes, except as
// UTF-16, which begins with its byte-order mark.
func notASheet(head []byte) string {
	for _, k := range fileKinds {
		if bytes.HasPrefix(head, k.magic) {
			if string(k.magic) == "BM" || string(k.magic) == "MZ" {
				// Two letters can begin a csv: only binary content decides.
				if bytes.IndexByte(head, 0) < 0 {
					continue
				}
			}
			return k.what
		}
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return ""
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "二进制文件"
	}
	return ""
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

// ColumnName is the spreadsheet letter of a 0-based column: 0 → A, 26 → AA.
func ColumnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
