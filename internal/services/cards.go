package services

import (
	"context"
	"fmt"
	"io"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/pdfdoc"
)

// Card is what an index card (户档卡) shows: the household number, address,
// grid, grid worker and contact, and the community's service line. No names
// of residents: the card hangs at the door.
type Card struct {
	CommunityID int64
	Community   string
	Number      string
	Address     string
	Grid        string
	Worker      string
	WorkerPhone string
	Hotline     string
}

// Cards returns the cards of the active households in unit (a community,
// grid or building; 0 for the whole scope) inside scope, ordered by grid
// and household number.
func (s *Service) Cards(ctx context.Context, scope access.Scope, unit int64) ([]Card, error) {
	var cond string
	var args []any
	if unit != 0 {
		u, err := orgtree.NewStore(s.db).Get(ctx, unit)
		if err != nil {
			return nil, err
		}
		a := database.ArgsAfter(1)
		cond = ` AND ` + orgtree.ScopeFilter(a, u, "h")
		args = a.Values()
	}
	return s.cards(ctx, scope, cond, args)
}

// HouseholdCard returns the card of one household in scope (ErrNotFound
// outside it).
func (s *Service) HouseholdCard(ctx context.Context, scope access.Scope, household int64) (Card, error) {
	cs, err := s.cards(ctx, scope, ` AND h.id = $1`, []any{household})
	if err != nil {
		return Card{}, err
	}
	if len(cs) == 0 {
		return Card{}, ErrNotFound
	}
	return cs[0], nil
}

// CountCards counts the active households a batch of unit would print.
func (s *Service) CountCards(ctx context.Context, scope access.Scope, unit int64) (int, error) {
	u, err := orgtree.NewStore(s.db).Get(ctx, unit)
	if err != nil {
		return 0, err
	}
	a := s.db.Args()
	var n int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM households h WHERE h.status = 'active' AND `+
		orgtree.ScopeFilter(a, u, "h")+scope.Where(a, "h"), a.Values()...).Scan(&n)
	return n, err
}

func (s *Service) cards(ctx context.Context, scope access.Scope, cond string, args []any) ([]Card, error) {
	q := `SELECT h.community_id, COALESCE(c.name, ''), h.number, h.address, COALESCE(g.name, ''),
		COALESCE(w.name, ''), COALESCE(w.phone, '')
		FROM households h
		LEFT JOIN org_units c ON c.id = h.community_id
		LEFT JOIN org_units g ON g.id = h.grid_id
		LEFT JOIN org_staff w ON w.id = (SELECT MIN(x.id) FROM org_staff x
			WHERE x.unit_id = h.grid_id AND x.role = 'grid_worker' AND x.ended_on IS NULL)
		WHERE h.status = 'active'` + cond
	where, sargs := scope.And("h", len(args)+1)
	rows, err := s.db.QueryContext(ctx, q+where+` ORDER BY g.sort, g.name, h.number`, append(args, sargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		var c Card
		if err := rows.Scan(&c.CommunityID, &c.Community, &c.Number, &c.Address, &c.Grid, &c.Worker, &c.WorkerPhone); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	hotline := map[int64]string{}
	for i := range out {
		c := &out[i]
		h, ok := hotline[c.CommunityID]
		if !ok {
			st, err := s.StationOf(ctx, c.CommunityID)
			if err != nil && err != ErrNotFound {
				return nil, err
			}
			h = st.Phone
			hotline[c.CommunityID] = h
		}
		c.Hotline = h
	}
	return out, nil
}

// Card layouts.
const (
	CardsA6      = "a6"      // one card per A6 page, for card printers
	CardsA4Sheet = "a4sheet" // four A6 cards per A4 sheet with cut lines
)

// WriteCards writes index cards as one PDF: one per A6 page, or four per
// A4 sheet. The QR code on each leads to the community's resident portal.
func (s *Service) WriteCards(w io.Writer, cards []Card, layout string) error {
	d, err := s.CardsPDF(cards, layout)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// CardsPDF lays out the cards of WriteCards.
func (s *Service) CardsPDF(cards []Card, layout string) (*pdfdoc.Doc, error) {
	size := pdfdoc.A6
	if layout == CardsA4Sheet {
		size = pdfdoc.A4
	}
	d, err := pdfdoc.New(pdfdoc.Options{Size: size, Margin: 1, Title: "居民户档卡"})
	if err != nil {
		return nil, err
	}
	d.PDF().SetAutoPageBreak(false, 0)
	if len(cards) == 0 {
		d.AddPage()
		d.SetFont(12)
		d.Cell(10, 20, 0, 8, "所选范围内没有在册户", "L")
		return d, nil
	}
	for i, c := range cards {
		x, y := 0.0, 0.0
		if layout == CardsA4Sheet {
			slot := i % 4
			if slot == 0 {
				d.AddPage()
				cutLines(d)
			}
			x, y = float64(slot%2)*105, float64(slot/2)*148.5
		} else {
			d.AddPage()
		}
		if err := s.drawCard(d, c, x, y); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func cutLines(d *pdfdoc.Doc) {
	p := d.PDF()
	p.SetDrawColor(170, 170, 170)
	p.SetLineWidth(0.1)
	p.SetDashPattern([]float64{2, 2}, 0)
	d.Line(105, 0, 105, 297)
	d.Line(0, 148.5, 210, 148.5)
	p.SetDashPattern([]float64{}, 0)
	p.SetDrawColor(0, 0, 0)
}

// cardQRTop is where the QR code begins on a card, in mm from its top: the
// rows above it must end before.
const cardQRTop = 90.0

// drawCard draws one 105 × 148 mm card with its top left at (x, y).
func (s *Service) drawCard(d *pdfdoc.Doc, c Card, x, y float64) error {
	p := d.PDF()
	p.SetLineWidth(0.4)
	d.Frame(x+5, y+5, 95, 138, "D")
	d.SetFont(16)
	d.Cell(x+5, y+9, 95, 8, "居民户档卡", "C")
	d.SetFont(10)
	d.Cell(x+5, y+18, 95, 6, c.Community, "C")
	p.SetLineWidth(0.2)
	d.Line(x+10, y+26, x+95, y+26)
	rows := [][2]string{
		{"户    号", c.Number},
		{"地    址", c.Address},
		{"所属网格", c.Grid},
		{"网 格 员", c.Worker},
		{"联系电话", c.WorkerPhone},
	}
	// A long address takes more lines; should the rows not fit above the
	// QR code, the values get smaller until they do. Nothing is cut off.
	size, lh := 10.0, 5.5
	var values [][]string
	for ; ; size, lh = size-1, lh-0.5 {
		d.SetFont(size)
		values = values[:0]
		h := 0.0
		for _, r := range rows {
			lines := d.Lines(r[1], 63)
			values = append(values, lines)
			h += 7 + float64(len(lines)-1)*lh
		}
		if 29+h <= cardQRTop-1 || size <= 6 {
			break
		}
	}
	ty := y + 29
	for i, r := range rows {
		d.SetFont(10)
		d.Cell(x+10, ty, 20, 7, r[0], "L")
		d.SetFont(size)
		for j, l := range values[i] {
			d.Cell(x+31, ty+float64(j)*lh, 63, 7, l, "L")
		}
		ty += 7 + float64(len(values[i])-1)*lh
	}
	if err := d.QR(s.PortalURL(c.CommunityID), x+32.5, y+cardQRTop, 40); err != nil {
		return err
	}
	d.SetFont(8)
	d.Cell(x+5, y+131, 95, 5, "扫码进入居民服务:办事指南 · 进度查询 · 证明核验", "C")
	if c.Hotline != "" {
		d.Cell(x+5, y+136, 95, 5, fmt.Sprintf("社区服务站电话 %s", c.Hotline), "C")
	}
	return nil
}
