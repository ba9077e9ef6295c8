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
// Heading, Text, Paragraph, Fields and Table flow from the cursor and break
// pages by themselves (a table repeats its header row on each page). For
// fixed layouts (index cards, certificate seals) Cell, TextAt, Line and
// Frame place things at positions in millimetres from the top left; PDF()
// gives the underlying *fpdf.Fpdf for colours, line widths and margins.
// Errors inside fpdf are sticky: Write returns the first.
//
// Lines are broken by pdfdoc, not fpdf (whose splitting drops the Chinese
// character at each break): between Chinese characters, at spaces between
// Latin words, keeping closing punctuation off the start of a line.
//
// # Checking a document
//
// The Doc records what it places: each line of text with the box of its
// glyphs, each QR code, rule and frame (Boxes), and the text in reading
// order (Laid). pdftest.SameText compares Laid with what pdftotext reads
// back; pdftest.Layout checks from the boxes that nothing overlaps.
//
// A Doc is not safe for concurrent use; make one per document.
package pdfdoc

import (
	"bytes"
	"fmt"
	"io"
	"strings"
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
	pdf   *fpdf.Fpdf
	opt   Options
	size  float64 // current font size in pt
	boxes []Box   // what has been placed, for Boxes and Laid
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
	d.cell(m, m-2, 0, 5, d.opt.Header, "L")
	w, _ := p.GetPageSize()
	p.SetDrawColor(120, 120, 120)
	d.Line(m, m+3.5, w-m, m+3.5)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(m, m+6)
	d.SetFont(keep)
}

func (d *Doc) footer() {
	p, m := d.pdf, d.opt.Margin
	keep := d.size
	d.SetFont(8)
	_, h := p.GetPageSize()
	if d.opt.Footer != "" {
		d.cell(m, h-m-4, 0, 5, d.opt.Footer, "L")
	}
	if d.opt.PageNumbers {
		d.cell(m, h-m-4, 0, 5, fmt.Sprintf("第 %d 页 共 {nb} 页", p.PageNo()), "R")
	}
	d.SetFont(keep)
}

// PDF returns the underlying fpdf document for colours, line widths and
// margins. Text, QR codes, lines and frames go through the Doc's own
// methods, which record where they are placed (Boxes, Laid).
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

// Width is the width between the current margins, in mm.
func (d *Doc) Width() float64 {
	w, _ := d.pdf.GetPageSize()
	l, _, r, _ := d.pdf.GetMargins()
	return w - l - r
}

// Margin is the page margin in mm.
func (d *Doc) Margin() float64 { return d.opt.Margin }

// lineHeight is a comfortable line height in mm for the current size.
func (d *Doc) lineHeight() float64 { return d.size * 0.3528 * 1.5 }

// Lines breaks text into the lines a cell w mm wide holds at the current
// font size. Put together they give the text back (line feeds aside): a
// space at a break ends the line before it, and Cell does not draw it.
func (d *Doc) Lines(text string, w float64) []string {
	return wrap(text, w-2*d.pdf.GetCellMargin(), d.pdf.GetStringWidth)
}

// Cell writes one line of text in a w × h mm cell at (x, y), aligned "L",
// "C" or "R"; w 0 reaches the right margin. Text wider than the cell is
// not wrapped: use Lines or TextAt for text that may be long.
func (d *Doc) Cell(x, y, w, h float64, text, align string) {
	d.cell(x, y, w, h, text, align)
}

// TextAt writes text wrapped to w mm at (x, y), lines lh mm apart, and
// returns the height it took.
func (d *Doc) TextAt(x, y, w, lh float64, text string) float64 {
	lines := d.Lines(text, w)
	for i, l := range lines {
		d.cell(x, y+float64(i)*lh, w, lh, l, "L")
	}
	d.pdf.SetXY(x, y+float64(len(lines))*lh)
	return float64(len(lines)) * lh
}

// Heading writes a centred title, larger than the text around it.
func (d *Doc) Heading(text string) {
	d.Title(text, 18, 12, "C")
	d.pdf.Ln(2)
}

// Title writes one line at size points in a line h mm high across the
// width, aligned "L", "C" or "R", and moves below it.
func (d *Doc) Title(text string, size, h float64, align string) {
	keep := d.size
	d.SetFont(size)
	d.keep(h)
	l, _, _, _ := d.pdf.GetMargins()
	d.cell(l, -1, d.Width(), h, text, align)
	d.pdf.SetXY(l, d.pdf.GetY()+h)
	d.SetFont(keep)
}

// Text writes a paragraph wrapped to the page width.
func (d *Doc) Text(text string) { d.Paragraph(text, d.lineHeight(), 0) }

// Paragraph writes text from the cursor's line, wrapped between the left
// and right margins, lines lh mm apart, each paragraph's first line
// indented by indent mm. It breaks pages by itself.
func (d *Doc) Paragraph(text string, lh, indent float64) {
	p := d.pdf
	l, _, _, _ := p.GetMargins()
	cm := p.GetCellMargin()
	w := d.Width()
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		for i, line := range wrapPara(para, w-2*cm-indent, w-2*cm, p.GetStringWidth) {
			x := l
			if i == 0 {
				x += indent
			}
			d.keep(lh)
			y := p.GetY()
			d.cell(x, y, w-(x-l), lh, line, "L")
			p.SetXY(l, y+lh)
		}
	}
}

// Gap moves the cursor down by mm.
func (d *Doc) Gap(mm float64) { d.pdf.Ln(mm) }

// Fields writes label–value pairs, one per line, labels in a column, values
// wrapped between the label column and the right margin.
func (d *Doc) Fields(pairs [][2]string) {
	lh := d.lineHeight()
	lw := 0.0
	for _, p := range pairs {
		if w := d.pdf.GetStringWidth(p[0]) + 4; w > lw {
			lw = w
		}
	}
	for _, p := range pairs {
		lines := d.Lines(p[1], d.Width()-lw)
		d.keep(lh * float64(len(lines)))
		l, _, _, _ := d.pdf.GetMargins()
		y := d.pdf.GetY()
		d.pdf.SetTextColor(90, 90, 90)
		d.cell(l, y, lw, lh, p[0], "L")
		d.pdf.SetTextColor(0, 0, 0)
		for i, line := range lines {
			d.cell(l+lw, y+float64(i)*lh, d.Width()-lw, lh, line, "L")
		}
		d.pdf.SetXY(l, y+lh*float64(len(lines)))
	}
}

// keep starts a new page unless h mm still fit above the bottom margin.
func (d *Doc) keep(h float64) {
	if d.pdf.GetY()+h > d.bottom() {
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
	if d.rowHeight(widths, head, lh)+d.pdf.GetY() > d.bottom() {
		d.pdf.AddPage()
	}
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
	auto, b := d.pdf.GetAutoPageBreak()
	if !auto {
		return ph
	}
	return ph - b
}

func (d *Doc) rowHeight(widths []float64, cells []string, lh float64) float64 {
	n := 1
	for i, w := range widths {
		if i < len(cells) {
			if l := len(d.Lines(cells[i], w)); l > n {
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
		d.Frame(x, y0, w, h, style)
		text := ""
		if i < len(cells) {
			text = cells[i]
		}
		align := cols[i].Align
		if align == "" || header {
			align = "L"
		}
		for j, l := range d.Lines(text, w) {
			d.cell(x, y0+0.5+float64(j)*lh, w, lh, l, align)
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
