package pdfdoc_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/pdfdoc"
	"shequ/internal/pdfdoc/pdftest"
)

func TestDocumentRendersChinese(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: "受理回执", Header: "城北社区便民服务站",
		Footer: "shequ", PageNumbers: true})
	if err != nil {
		t.Fatal(err)
	}
	d.AddPage()
	d.Heading("受理回执")
	d.Fields([][2]string{{"受理编号", "SQ20261130-0042"}, {"事项", "城乡居民最低生活保障(低保)申请"}})
	d.Text("请携带本回执和身份证原件,于 2026-12-14 前到窗口领取结果。每个环节办理后将短信通知您;已收材料无需重复提交,公民身份号码、居住在本社区的时间均从基础信息库调取。")
	const url = "https://shequ.example/track?no=SQ20261130-0042"
	if err := d.QR(url, 155, 70, 40); err != nil {
		t.Fatal(err)
	}
	d.PDF().SetY(112)
	var rows [][]string
	for i := 1; i <= 90; i++ {
		rows = append(rows, []string{fmt.Sprint(i), fmt.Sprintf("材料第%d项:户口簿首页及本人页复印件", i), "已收"})
	}
	d.Table([]pdfdoc.Column{{Title: "序号", Width: 15, Align: "R"}, {Title: "材料"}, {Title: "状态", Width: 25}}, rows)
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	pdftest.SameText(t, pdf, d.Laid())
	w, h := d.PageSize()
	pdftest.Layout(t, d.Boxes(), w, h)
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"受理回执", "城乡居民最低生活保障(低保)申请", "SQ20261130-0042",
		"材料第90项", "第 1 页 共 3 页", "第 3 页 共 3 页", "城北社区便民服务站"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	// The header row repeats on each page.
	if n := strings.Count(text, "序号"); n != 3 {
		t.Errorf("table header printed %d times, want once per page (3)", n)
	}
	info := pdftest.Info(t, pdf)
	if info["Pages"] != "3" || !strings.HasPrefix(info["Page size"], "595.") || info["Title"] != "受理回执" {
		t.Errorf("pdfinfo: %v", info)
	}
	png := pdftest.Render(t, pdf, 1, 150)
	if codes := pdftest.QRCodes(t, png); len(codes) != 1 || codes[0] != url {
		t.Errorf("QR codes = %q, want %q", codes, url)
	}
}

func TestA6Card(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A6, Landscape: true})
	if err != nil {
		t.Fatal(err)
	}
	d.AddPage()
	d.SetFont(14)
	d.Cell(d.Margin(), d.Margin(), 60, 8, "户档卡 0103-0042", "L")
	if err := d.QR("https://shequ.example/portal", 70, 8, 28); err != nil {
		t.Fatal(err)
	}
	pdf, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if info := pdftest.Info(t, pdf); !strings.HasPrefix(info["Page size"], "419.") {
		t.Errorf("A6 landscape page size = %s", info["Page size"])
	}
	if !strings.Contains(pdftest.Text(t, pdf), "户档卡 0103-0042") {
		t.Error("card text missing")
	}
	png := pdftest.Render(t, pdf, 1, 200)
	if codes := pdftest.QRCodes(t, png); len(codes) != 1 || codes[0] != "https://shequ.example/portal" {
		t.Errorf("QR codes = %q", codes)
	}
}

func TestFontErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(pdfdoc.FontEnv, filepath.Join(dir, "none.ttf"))
	if _, err := pdfdoc.New(pdfdoc.Options{}); err == nil || !strings.Contains(err.Error(), pdfdoc.FontEnv) {
		t.Errorf("missing override: %v", err)
	}
	for name, head := range map[string]string{"a.ttc": "ttcf", "b.otf": "OTTO", "c.ttf": "<htm"} {
		f := filepath.Join(dir, name)
		os.WriteFile(f, []byte(head+"00000000000000000"), 0o600)
		t.Setenv(pdfdoc.FontEnv, f)
		if _, err := pdfdoc.New(pdfdoc.Options{}); err == nil || !strings.Contains(err.Error(), "字体") {
			t.Errorf("%s accepted: %v", name, err)
		}
	}
	t.Setenv(pdfdoc.FontEnv, "")
	if _, err := pdfdoc.FontPath(); err != nil && !errors.Is(err, pdfdoc.ErrNoFont) {
		t.Errorf("FontPath: %v", err)
	}
}

func TestQRMatrix(t *testing.T) {
	if _, err := pdfdoc.QRMatrix(""); err == nil {
		t.Error("empty content accepted")
	}
	m, err := pdfdoc.QRMatrix("SQ20261130-0042")
	if err != nil || len(m) < 21 || len(m) != len(m[0]) {
		t.Fatalf("matrix %d: %v", len(m), err)
	}
	// Finder pattern: the top-left 7×7 corner has a dark border.
	for i := 0; i < 7; i++ {
		if !m[0][i] || !m[i][0] || !m[6][i] {
			t.Fatal("no finder pattern in the top-left corner")
		}
	}
}

func BenchmarkReceipt(b *testing.B) {
	for b.Loop() {
		d, err := pdfdoc.New(pdfdoc.Options{Header: "城北社区", PageNumbers: true})
		if err != nil {
			b.Fatal(err)
		}
		d.AddPage()
		d.Heading("受理回执")
		d.QR("https://shequ.example/track?no=SQ20261130-0042", 150, 40, 40)
		if _, err := d.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// The layout check finds what covers what: a QR code laid over a line of
// text, a line of text running through a table cell's border.
func TestLayoutFindsOverlaps(t *testing.T) {
	d, err := pdfdoc.New(pdfdoc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.AddPage()
	d.Fields([][2]string{{"办理流程", "社区受理(2个工作日) → 街道审核(5个工作日) → 区民政局审批(8个工作日)"}})
	if err := d.QR("https://shequ.example/", 150, 15, 30); err != nil {
		t.Fatal(err)
	}
	d.Frame(15, 60, 20, 10, "D")
	d.Cell(15, 62, 40, 6, "这一行比格子宽得多", "L")
	if _, err := d.Bytes(); err != nil {
		t.Fatal(err)
	}
	w, h := d.PageSize()
	rec := &recorder{TB: t}
	pdftest.Layout(rec, d.Boxes(), w, h)
	if len(rec.errs) != 2 || !strings.Contains(rec.errs[0], "qr") || !strings.Contains(rec.errs[1], "frame") {
		t.Errorf("layout errors %q, want the QR over the text and the text through the frame", rec.errs)
	}
}

// recorder keeps a check's failures instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
