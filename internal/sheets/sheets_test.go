package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func open(t *testing.T, b []byte, lim Limits) (*Book, error) {
	t.Helper()
	return Open(bytes.NewReader(b), int64(len(b)), "test", lim)
}

func rowsOf(t *testing.T, b *Book, sheet int) []Row {
	t.Helper()
	rs, err := b.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []Row
	for rs.Next() {
		r := rs.Row()
		out = append(out, Row{Num: r.Num, Cells: append([]Cell(nil), r.Cells...)})
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func texts(r Row) []string {
	out := make([]string, len(r.Cells))
	for i, c := range r.Cells {
		out[i] = c.Value
	}
	return out
}

func saveBook(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A workbook as departments make them: a title merged over the columns, a
// header of two rows with labels merged down and a group label merged
// across, a number merged down a household's rows, a date, an ID number
// stored as a number, an empty row, a hidden sheet and a second sheet.
func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	s := "第一组"
	f.SetSheetName("Sheet1", s)
	f.SetCellValue(s, "A1", "城北社区人员名册")
	f.MergeCell(s, "A1", "F1")
	f.SetCellValue(s, "A3", "户号")
	f.MergeCell(s, "A3", "A4")
	f.SetCellValue(s, "B3", "姓名")
	f.MergeCell(s, "B3", "B4")
	f.SetCellValue(s, "C3", "基本情况")
	f.MergeCell(s, "C3", "E3")
	f.SetCellValue(s, "C4", "身份证号")
	f.SetCellValue(s, "D4", "出生日期")
	f.SetCellValue(s, "E4", "电话")
	f.SetCellValue(s, "A5", "H001")
	f.MergeCell(s, "A5", "A6")
	f.SetCellValue(s, "B5", "张三")
	f.SetCellValue(s, "C5", "610624196803091315")
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellValue(s, "D5", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC))
	f.SetCellStyle(s, "D5", "D5", style)
	f.SetCellValue(s, "E5", 13812345678)
	f.SetCellValue(s, "B6", "李四")
	f.SetCellValue(s, "C6", 6.10624196803091e17)
	f.SetCellRichText(s, "F6", []excelize.RichTextRun{{Text: "富"}, {Text: "文本"}})
	f.SetCellValue(s, "B9", "王五")
	f.NewSheet("隐藏")
	f.SetCellValue("隐藏", "A1", "x")
	f.SetSheetVisible("隐藏", false)
	f.NewSheet("第二组")
	f.SetCellValue("第二组", "A1", "姓名")
	b, err := open(t, saveBook(t, f), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if b.Format != "xlsx" || len(b.Sheets) != 3 || !b.Sheets[1].Hidden || b.Sheets[2].Name != "第二组" {
		t.Fatalf("sheets: %+v", b.Sheets)
	}
	if b.Sheets[0].Rows != 6 || len(b.Sheets[0].Merges) != 5 {
		t.Errorf("rows %d merges %v", b.Sheets[0].Rows, b.Sheets[0].Merges)
	}
	rows := rowsOf(t, b, 0)
	got := map[int][]string{}
	for _, r := range rows {
		got[r.Num] = texts(r)
	}
	want := map[int]string{
		1: "城北社区人员名册|城北社区人员名册|城北社区人员名册|城北社区人员名册|城北社区人员名册|城北社区人员名册",
		3: "户号|姓名|基本情况|基本情况|基本情况",
		4: "户号|姓名|身份证号|出生日期|电话",
		6: "H001|李四|610624196803091000|||富文本",
		9: "|王五",
	}
	for n, w := range want {
		if g := strings.Join(got[n], "|"); g != w {
			t.Errorf("row %d = %q, want %q", n, g, w)
		}
	}
	r5 := rows[3]
	if r5.Num != 5 || !r5.Cells[3].Date || !r5.Cells[3].Number || r5.Cells[2].Number || !r5.Cells[4].Number {
		t.Errorf("row 5 kinds: %+v", r5.Cells)
	}
	if d, ok := SerialDate(r5.Cells[3].Value, b.Date1904); !ok || d.Format("2006-01-02") != "1968-03-09" {
		t.Errorf("date cell %q = %v", r5.Cells[3].Value, d)
	}
	if c := rows[4].Cells[2]; !c.Number {
		t.Errorf("an ID stored as a number must say so: %+v", c)
	}
	if got := texts(rowsOf(t, b, 2)[0]); got[0] != "姓名" {
		t.Errorf("second sheet: %v", got)
	}
}

func TestFormulasRefused(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "姓名")
	f.SetCellValue("Sheet1", "A2", "张三")
	f.SetCellFormula("Sheet1", "B7", "=ROW()-1")
	_, err := open(t, saveBook(t, f), DefaultLimits)
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "公式") || !strings.Contains(se.Msg, "第 7 行") {
		t.Fatalf("formula: %v", err)
	}
}

// zipOf builds a zip with the given parts, deflated.
func zipOf(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func TestZipBombs(t *testing.T) {
	// A worksheet of 64 MiB of one repeated byte packs a thousandfold.
	bomb := bytes.Repeat([]byte{' '}, 64<<20)
	b := zipOf(t, map[string][]byte{"xl/worksheets/sheet1.xml": bomb, "xl/workbook.xml": []byte("<workbook/>")})
	if len(b) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(b))
	}
	_, err := open(t, b, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "压缩炸弹") {
		t.Errorf("ratio: %v", err)
	}
	lim := DefaultLimits
	lim.MaxRatio = 0
	lim.MaxUncompressed = 32 << 20
	if _, err := open(t, b, lim); err == nil || !strings.Contains(err.Error(), "解压后超过") {
		t.Errorf("total size: %v", err)
	}
}

func TestLimits(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("姓名,身份证号\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "人%d,%d\n", i, i)
	}
	csvb := []byte(sb.String())
	if _, err := open(t, csvb, Limits{MaxRows: 40}); err == nil || !strings.Contains(err.Error(), "40 行") {
		t.Errorf("rows: %v", err)
	}
	if _, err := open(t, csvb, Limits{MaxRows: 51}); err != nil {
		t.Errorf("51 rows within 51: %v", err)
	}
	if _, err := open(t, csvb, Limits{MaxBytes: 100}); err == nil || !strings.Contains(err.Error(), "超过上限") {
		t.Errorf("bytes: %v", err)
	}
	f := excelize.NewFile()
	for i := 1; i <= 30; i++ {
		f.SetCellValue("Sheet1", fmt.Sprintf("A%d", i), i)
	}
	if _, err := open(t, saveBook(t, f), Limits{MaxRows: 20}); err == nil || !strings.Contains(err.Error(), "20 行") {
		t.Errorf("xlsx rows: %v", err)
	}
	if _, err := open(t, append(append([]byte{}, oleMagic...), make([]byte, 100)...), DefaultLimits); err == nil || !strings.Contains(err.Error(), ".xls") {
		t.Errorf("xls: %v", err)
	}
	if _, err := open(t, []byte("PK\x03\x04garbage"), DefaultLimits); err == nil {
		t.Error("a broken zip was opened")
	}
}

func TestCSVEncodings(t *testing.T) {
	text := "姓名,身份证号,备注\n张三,610624196803091315,\"住址,有逗号\n换行\"\n𠀀明,61062419680309131X,\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ",", "\t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, data, encoding string
	}{
		{"utf-8", text, "utf-8"},
		{"bom", "\uFEFF" + text, "utf-8"},
		{"gb18030", gbk, "gb18030"},
		{"utf-16 tabs", u16, "utf-16"},
		{"semicolons", strings.ReplaceAll(text, ",", ";"), "utf-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := open(t, []byte(c.data), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if b.Encoding != c.encoding {
				t.Errorf("encoding %s, want %s", b.Encoding, c.encoding)
			}
			rows := rowsOf(t, b, 0)
			if len(rows) != 3 {
				t.Fatalf("%d rows: %v", len(rows), rows)
			}
			if got := texts(rows[1]); got[0] != "张三" || got[2] != "住址,有逗号\n换行" && got[2] != "住址;有逗号\n换行" && got[2] != "住址\t有逗号\n换行" {
				t.Errorf("row 2 = %q", got)
			}
			if got := texts(rows[2]); got[0] != "𠀀明" || got[1] != "61062419680309131X" || rows[2].Num != 3 {
				t.Errorf("row 3 = %q (%d)", got, rows[2].Num)
			}
		})
	}
}

// GBK text that happens to start like UTF-8 is still found out by the
// bytes further on.
func TestCSVLateGBK(t *testing.T) {
	head := strings.Repeat("abc,123\n", 40000)
	tail, _ := simplifiedchinese.GBK.NewEncoder().String("张三,1\n")
	b, err := open(t, []byte(head+tail), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, b, 0)
	if b.Encoding != "gb18030" || texts(rows[len(rows)-1])[0] != "张三" {
		t.Errorf("encoding %s, last %v", b.Encoding, texts(rows[len(rows)-1]))
	}
}

func TestSerialDate(t *testing.T) {
	for _, c := range []struct {
		v     string
		d1904 bool
		want  string
	}{
		{"1", false, "1900-01-01"},
		{"59", false, "1900-02-28"},
		{"61", false, "1900-03-01"},
		{"32875", false, "1990-01-02"},
		{"32875.75", false, "1990-01-02"},
		{"31413", true, "1990-01-02"},
		{"60", false, ""},
		{"abc", false, ""},
		{"0", false, ""},
		{"200000", false, ""},
	} {
		d, ok := SerialDate(c.v, c.d1904)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != c.want {
			t.Errorf("SerialDate(%s, %v) = %q, want %q", c.v, c.d1904, got, c.want)
		}
	}
	if Serial(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)) != 32875 {
		t.Error("Serial")
	}
}

func TestDateFormats(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, `yyyy"年"m"月"d"日"`: true, "[$-804]yyyy年m月d日": true, "h:mm:ss": false,
		"0.00": false, `"人"0`: false, "[Red]0": false, "m/d/yy h:mm": true, "@": false,
	} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v", code, got)
		}
	}
}

// What the package writes, it reads back the same: every value as text.
func TestWriteRead(t *testing.T) {
	rows := [][]string{{"姓名", "身份证号", "备注"}, {"张三", "610624196803091315", "=1+1"}, {"李四", "0911-8123456", "+86"}}
	for _, format := range []string{"xlsx", "csv"} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, format, "导出")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.WriteRow(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := open(t, buf.Bytes(), DefaultLimits)
		if err != nil {
			t.Fatal(format, err)
		}
		got := rowsOf(t, b, 0)
		for i, r := range got {
			want := rows[i]
			if format == "csv" {
				want = append([]string(nil), want...)
				for j := range want {
					want[j] = DefuseFormula(want[j])
				}
			}
			if strings.Join(texts(r), "|") != strings.Join(want, "|") || r.Cells[1].Number {
				t.Errorf("%s row %d = %v, want %v", format, i, texts(r), want)
			}
		}
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %s", i, got)
		}
	}
}

// Files that are not what their names say, and empty ones, are refused
// with a message saying so.
func TestNotASheet(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	empty := excelize.NewFile()
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w:document/>"))
	zw.Close()
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"名册.xlsx", png, "PNG 图片"},
		{"名册.csv", png, "PNG 图片"},
		{"名册.csv", []byte("%PDF-1.7\n..."), "PDF 文档"},
		{"名册.csv", []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10}, "JPEG 图片"},
		{"名册.csv", []byte("abc\x00\x01\x02def"), "二进制文件"},
		{"名册.xlsx", docx.Bytes(), "Word 文档"},
		{"名册.csv", nil, "是空的"},
		{"名册.csv", []byte("\xef\xbb\xbf\r\n\r\n"), "是空的"},
		{"名册.xlsx", saveBook(t, empty), "是空的"},
	} {
		_, err := Open(bytes.NewReader(c.b), int64(len(c.b)), c.name, DefaultLimits)
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(se.Msg, c.want) || !strings.Contains(se.Msg, c.name) {
			t.Errorf("%s %q: %v, want %q", c.name, c.b[:min(len(c.b), 8)], err, c.want)
		}
	}
	// Text that starts like a picture's magic is still a list.
	text := "BM编号,姓名\n1,张三\n"
	b, err := Open(strings.NewReader(text), int64(len(text)), "名册.csv", DefaultLimits)
	if err != nil || b.Format != "csv" {
		t.Errorf("a csv starting with BM: %v", err)
	}
}
