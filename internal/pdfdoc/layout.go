package pdfdoc

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// A Doc records everything it places — each line of text with the box its
// glyphs take, each QR code, rule and frame — so that a test can compare the
// text a reader extracts with the text laid out, and check from the boxes
// that nothing covers anything else.

// Box kinds.
const (
	KindText  = "text"  // one line of text: the box of its glyphs
	KindQR    = "qr"    // a QR code with its quiet zone
	KindRule  = "rule"  // a drawn line (header rule, separator, cut line)
	KindFrame = "frame" // a border drawn around other things (a table cell, a card)
)

// Box is one thing placed on a page, in mm from the page's top left.
type Box struct {
	Page       int
	Kind       string
	X, Y, W, H float64
	Text       string // the line, for KindText
}

// Overlaps reports whether the insides of two boxes on the same page meet;
// boxes that only touch do not.
func (b Box) Overlaps(o Box) bool {
	const eps = 0.01
	return b.Page == o.Page && b.X+eps < o.X+o.W && o.X+eps < b.X+b.W && b.Y+eps < o.Y+o.H && o.Y+eps < b.Y+b.H
}

// Contains reports whether o lies inside b.
func (b Box) Contains(o Box) bool {
	const eps = 0.01
	return b.Page == o.Page && o.X >= b.X-eps && o.Y >= b.Y-eps && o.X+o.W <= b.X+b.W+eps && o.Y+o.H <= b.Y+b.H+eps
}

// Boxes returns what has been placed so far, in drawing order. After Write
// it includes every page's header and footer.
func (d *Doc) Boxes() []Box { return slices.Clone(d.boxes) }

// PageSize is the page's width and height in mm, as oriented.
func (d *Doc) PageSize() (w, h float64) { return d.pdf.GetPageSize() }

// Laid returns the text laid out, one line per line, in the order a reader
// (and pdftotext) takes it: page by page, top to bottom, and left to right
// among the pieces that share a line. The page-count placeholder reads as
// the count. Call it after Write or Bytes to include the last footer.
func (d *Doc) Laid() string {
	var texts []Box
	for _, b := range d.boxes {
		if b.Kind == KindText && strings.TrimSpace(b.Text) != "" {
			texts = append(texts, b)
		}
	}
	slices.SortStableFunc(texts, func(a, b Box) int {
		if c := cmp.Compare(a.Page, b.Page); c != 0 {
			return c
		}
		return cmp.Compare(a.Y+a.H/2, b.Y+b.H/2)
	})
	nb := strconv.Itoa(d.pdf.PageNo())
	var out strings.Builder
	for i := 0; i < len(texts); {
		// Pieces whose middles lie within half a glyph of the first one's
		// share its line.
		j := i + 1
		for j < len(texts) && texts[j].Page == texts[i].Page &&
			texts[j].Y+texts[j].H/2-(texts[i].Y+texts[i].H/2) < texts[i].H/2 {
			j++
		}
		line := slices.Clone(texts[i:j])
		slices.SortStableFunc(line, func(a, b Box) int { return cmp.Compare(a.X, b.X) })
		for k, b := range line {
			if k > 0 {
				out.WriteByte(' ')
			}
			out.WriteString(strings.ReplaceAll(b.Text, "{nb}", nb))
		}
		out.WriteByte('\n')
		i = j
	}
	return out.String()
}

func (d *Doc) record(b Box) {
	b.Page = d.pdf.PageNo()
	d.boxes = append(d.boxes, b)
}

// em is the height of the current font's glyphs in mm.
func (d *Doc) em() float64 { return d.size * 25.4 / 72 }

// cell draws one line of text in a w × h mm cell at (x, y) — the cursor
// when x or y is negative — aligned "L", "C" or "R", and records the box
// its glyphs take with the text as given (spaces at its end, where a
// paragraph was broken, included). A cell that would cross the bottom margin of a flowing
// page starts a new page first. The cursor ends at the cell's right edge.
func (d *Doc) cell(x, y, w, h float64, text, align string) {
	p := d.pdf
	if x >= 0 {
		p.SetX(x)
	}
	if y >= 0 {
		p.SetY(y)
		if x >= 0 {
			p.SetX(x)
		}
	}
	x0 := p.GetX()
	if w == 0 {
		pw, _ := p.GetPageSize()
		_, _, r, _ := p.GetMargins()
		w = pw - r - x0
	}
	drawn := trim(text)
	p.CellFormat(w, h, drawn, "", 0, align, false, 0, "")
	// fpdf may have broken the page; the line sits where the cursor is now.
	y0 := p.GetY()
	sw := p.GetStringWidth(drawn)
	cm := p.GetCellMargin()
	tx := x0 + cm
	switch align {
	case "R":
		tx = x0 + w - cm - sw
	case "C":
		tx = x0 + (w-sw)/2
	}
	em := d.em()
	d.record(Box{Kind: KindText, X: tx, Y: y0 + (h-em)/2, W: sw, H: em, Text: text})
}

// Line draws a straight line and records it.
func (d *Doc) Line(x1, y1, x2, y2 float64) {
	d.pdf.Line(x1, y1, x2, y2)
	lw := d.pdf.GetLineWidth()
	d.record(Box{Kind: KindRule, X: min(x1, x2) - lw/2, Y: min(y1, y2) - lw/2, W: abs(x2-x1) + lw, H: abs(y2-y1) + lw})
}

// Frame draws a rectangle's border ("D") or a filled one with a border
// ("FD") around things to come, and records it.
func (d *Doc) Frame(x, y, w, h float64, style string) {
	d.pdf.Rect(x, y, w, h, style)
	d.record(Box{Kind: KindFrame, X: x, Y: y, W: w, H: h})
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
