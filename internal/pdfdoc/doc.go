// Package pdfdoc makes printable PDFs with Chinese text: receipts, certificates
// (证明), index cards, report tables. It wraps codeberg.org/go-pdf/fpdf with a
// CJK TrueType font, page sizes, a running header and footer with page
// numbers, wrapped tables and vector QR codes.
//
// # Font
//
// fpdf embeds TrueType (.ttf) fonts only — not collections (.ttc), not CFF
// outlines (Noto CJK). The font is not in the repository (the one that works,
// AR PL SungtiL GB, is 5.2 MB, over the repository's file-size rule, and a
// binary that embeds it would grow by as much): New reads
// $SHEQU_PDF_FONT if set, else Debian's fonts-arphic-gbsn00lp
// (/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf). Without either
// it returns an error wrapping ErrNoFont whose Chinese text says what to
// install. The file is read once per process; each document embeds only the
// glyphs it uses (a one-page receipt is ~40 KB).
//
// # Use
//
//	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: "受理回执",
//		Header: "城北社区便民服务站", PageNumbers: true})
//	if err != nil { ... } // no font: show err to the user
//	d.AddPage()
//	d.Heading("受理回执")
//	d.Fields([][2]string{{"受理编号", "SQ2026..."}, {"事项", "居住证明"}})
//	d.Table([]pdfdoc.Column{{Title: "材料", Width: 120}, {Title: "状态"}}, rows)
//	d.QR("https://…/track?no=…", x, y, 30) // 30 mm square, quiet zone included
//	err = d.Write(w)
//
// Heading, Text, Fields and Table flow from the cursor and break pages by
// themselves (a table repeats its header row on each page). For fixed
// layouts (index cards, certificate seals) use PDF() for the underlying
// *fpdf.Fpdf — positions in millimetres from the top left — with SetFont for
// the Chinese font. Errors inside fpdf are sticky: Write returns the first.
//
// A Doc is not safe for concurrent use; make one per document.
package pdfdoc

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Size is a page size in millimetres (portrait).
type Size struct {
	Name string
	W, H float64
}

// Page sizes in use: A4 for documents and batch sheets, A6 for index cards
// and receipts from small printers.
var (
	A4 = Size{Name: "A4", W: 210, H: 297}
	A5 = Size{Name: "A5", W: 148, H: 210}
	A6 = Size{Name: "A6", W: 105, H: 148}
)

// Options describe a document.
type Options struct {
	Size      Size // default A4
	Landscape bool
	// Margin in mm on all sides; default 15 on A4/A5 and 8 on A6.
	Margin float64
	// Title goes into the document's metadata (the viewer's window title).
	Title string
	// Header is printed at the top of every page, with a rule under it.
	Header string
	// Footer is printed at the bottom left of every page.
	Footer string
	// PageNumbers prints "第 N 页 共 M 页" at the bottom right.
	PageNumbers bool
	// Created is the creation date written into the file; default now.
	Created time.Time
}

// family is the fpdf name of the Chinese font in every document.
const family = "cjk"

// Doc is one PDF being written.
type Doc struct {
	pdf  *fpdf.Fpdf
	opt  Options
	size float64 // current font size in pt
}

// New starts a document. It fails only when the Chinese font is missing or
// unusable; the error says (in Chinese) what to install.
func New(o Options) (*Doc, error) {
	fb, err := fontBytes()
	if err != nil {
		return nil, err
	}
	if o.Size.W == 0 {
		o.Size = A4
	}
	if o.Margin == 0 {
		o.Margin = 15
		if o.Size.W < 120 {
			o.Margin = 8
		}
	}
	orient := "P"
	if o.Landscape {
		orient = "L"
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: orient,
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: o.Size.W, Ht: o.Size.H},
	})
	if o.PageNumbers {
		pdf.AliasNbPages("{nb}")
	}
	pdf.AddUTF8FontFromBytes(family, "", fb)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("加载中文字体失败: %w", err)
	}
	pdf.SetMargins(o.Margin, o.Margin, o.Margin)
	bottom := o.Margin
	if o.Footer != "" || o.PageNumbers {
		bottom += 6
	}
	pdf.SetAutoPageBreak(true, bottom)
	if o.Title != "" {
		pdf.SetTitle(o.Title, true)
	}
	pdf.SetCreator("shequ", true)
	if o.Created.IsZero() {
		o.Created = time.Now()
	}
	pdf.SetCreationDate(o.Created)
	pdf.SetModificationDate(o.Created)
	d := &Doc{pdf: pdf, opt: o}
	if o.Header != "" {
		pdf.SetHeaderFunc(d.header)
	}
	if o.Footer != "" || o.PageNumbers {
		pdf.SetFooterFunc(d.footer)
	}
	d.SetFont(11)
	return d, nil
}

func (d *Doc) header() {
	p, m := d.pdf, d.opt.Margin
	keep := d.size
	d.SetFont(9)
	p.SetXY(m, m-2)
	p.CellFormat(0, 5, d.opt.Header, "", 0, "L", false, 0, "")
	w, _ := p.GetPageSize()
	p.SetDrawColor(120, 120, 120)
	p.Line(m, m+3.5, w-m, m+3.5)
	p.SetDrawColor(0, 0, 0)
	p.SetY(m + 6)
	d.SetFont(keep)
}

func (d *Doc) footer() {
	p, m := d.pdf, d.opt.Margin
	keep := d.size
	d.SetFont(8)
	_, h := p.GetPageSize()
	p.SetXY(m, h-m-4)
	if d.opt.Footer != "" {
		p.CellFormat(0, 5, d.opt.Footer, "", 0, "L", false, 0, "")
	}
	if d.opt.PageNumbers {
		p.SetXY(m, h-m-4)
		p.CellFormat(0, 5, fmt.Sprintf("第 %d 页 共 {nb} 页", p.PageNo()), "", 0, "R", false, 0, "")
	}
	d.SetFont(keep)
}

// PDF returns the underlying fpdf document for fixed layouts.
func (d *Doc) PDF() *fpdf.Fpdf { return d.pdf }

// SetFont selects the Chinese font at size points.
func (d *Doc) SetFont(size float64) {
	d.size = size
	d.pdf.SetFont(family, "", size)
}

// FontSize is the current font size in points.
func (d *Doc) FontSize() float64 { return d.size }

// AddPage starts a new page in the document's size.
func (d *Doc) AddPage() { d.pdf.AddPage() }

// Width is the width between the margins, in mm.
func (d *Doc) Width() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - 2*d.opt.Margin
}

// Margin is the page margin in mm.
func (d *Doc) Margin() float64 { return d.opt.Margin }

// lineHeight is a comfortable line height in mm for the current size.
func (d *Doc) lineHeight() float64 { return d.size * 0.3528 * 1.5 }

// Heading writes a centred title, larger than the text around it.
func (d *Doc) Heading(text string) {
	keep := d.size
	d.SetFont(18)
	d.pdf.CellFormat(0, 12, text, "", 1, "C", false, 0, "")
	d.SetFont(keep)
	d.pdf.Ln(2)
}

// Text writes a paragraph wrapped to the page width.
func (d *Doc) Text(text string) {
	d.pdf.MultiCell(0, d.lineHeight(), text, "", "L", false)
}

// Gap moves the cursor down by mm.
func (d *Doc) Gap(mm float64) { d.pdf.Ln(mm) }

// Fields writes label–value pairs, one per line, labels in a column.
func (d *Doc) Fields(pairs [][2]string) {
	lh := d.lineHeight()
	lw := 0.0
	for _, p := range pairs {
		if w := d.pdf.GetStringWidth(p[0]) + 4; w > lw {
			lw = w
		}
	}
	for _, p := range pairs {
		lines := d.pdf.SplitText(p[1], d.Width()-lw)
		if len(lines) == 0 {
			lines = []string{""}
		}
		d.keep(lh * float64(len(lines)))
		x, y := d.pdf.GetXY()
		d.pdf.SetTextColor(90, 90, 90)
		d.pdf.CellFormat(lw, lh, p[0], "", 0, "L", false, 0, "")
		d.pdf.SetTextColor(0, 0, 0)
		for i, l := range lines {
			d.pdf.SetXY(x+lw, y+float64(i)*lh)
			d.pdf.CellFormat(d.Width()-lw, lh, l, "", 0, "L", false, 0, "")
		}
		d.pdf.SetXY(x, y+lh*float64(len(lines)))
	}
}

// keep starts a new page unless h mm still fit above the bottom margin.
func (d *Doc) keep(h float64) {
	_, ph := d.pdf.GetPageSize()
	_, _, _, bottom := d.pdf.GetMargins()
	if d.pdf.GetY()+h > ph-bottom {
		d.pdf.AddPage()
	}
}

// Column is one column of a table. Width is in mm; columns with width 0
// share what is left of the page width. Align is "L", "C" or "R".
type Column struct {
	Title string
	Width float64
	Align string
}

// Table writes rows under a header row with thin borders. Cells wrap; a
// row never splits across pages and the header repeats on each new page.
func (d *Doc) Table(cols []Column, rows [][]string) {
	widths := make([]float64, len(cols))
	fixed, free := 0.0, 0
	for i, c := range cols {
		widths[i] = c.Width
		fixed += c.Width
		if c.Width == 0 {
			free++
		}
	}
	if free > 0 {
		each := (d.Width() - fixed) / float64(free)
		for i := range widths {
			if widths[i] == 0 {
				widths[i] = each
			}
		}
	}
	lh := d.lineHeight() * 0.9
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Title
	}
	d.pdf.SetFillColor(235, 235, 235)
	d.row(widths, cols, head, lh, true)
	for _, r := range rows {
		if d.rowHeight(widths, r, lh)+d.pdf.GetY() > d.bottom() {
			d.pdf.AddPage()
			d.row(widths, cols, head, lh, true)
		}
		d.row(widths, cols, r, lh, false)
	}
}

func (d *Doc) bottom() float64 {
	_, ph := d.pdf.GetPageSize()
	_, _, _, b := d.pdf.GetMargins()
	return ph - b
}

func (d *Doc) cellLines(text string, w float64) []string {
	lines := d.pdf.SplitText(text, w)
	if len(lines) == 0 {
		return []string{""}
	}
	return lines
}

func (d *Doc) rowHeight(widths []float64, cells []string, lh float64) float64 {
	n := 1
	for i, w := range widths {
		if i < len(cells) {
			if l := len(d.cellLines(cells[i], w)); l > n {
				n = l
			}
		}
	}
	return float64(n)*lh + 1
}

func (d *Doc) row(widths []float64, cols []Column, cells []string, lh float64, header bool) {
	p := d.pdf
	h := d.rowHeight(widths, cells, lh)
	x0, y0 := p.GetX(), p.GetY()
	x := x0
	for i, w := range widths {
		style := "D"
		if header {
			style = "FD"
		}
		p.Rect(x, y0, w, h, style)
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		align := cols[i].Align
		if align == "" || header {
			align = "L"
		}
		for j, l := range d.cellLines(text, w) {
			p.SetXY(x, y0+0.5+float64(j)*lh)
			p.CellFormat(w, lh, l, "", 0, align, false, 0, "")
		}
		x += w
	}
	p.SetXY(x0, y0+h)
}

// Write finishes the document and writes it to w.
func (d *Doc) Write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("生成 PDF 失败: %w", err)
	}
	return d.pdf.Output(w)
}

// Bytes finishes the document and returns it.
func (d *Doc) Bytes() ([]byte, error) {
	var b bytes.Buffer
	err := d.Write(&b)
	return b.Bytes(), err
}
