package procurement

import (
	"context"
	"database/sql"
	"sort"
	"strconv"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Member is a member of the evaluation panel (评审小组).
type Member struct {
	PersonID int64
	Name     string
	Seat     int // 评委 1, 2 …
}

// AddMember seats a person of the community's register on the panel,
// until the award.
func (s *Service) AddMember(ctx context.Context, st Staff, id, person int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Status != "planning" && p.Status != "tender" {
			return ErrStage
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM persons WHERE community_id = $1 AND id = $2`, p.CommunityID, person).Scan(&status)
		if noRows(err) || (err == nil && status != "active") {
			return fault.Fields{"person": "评委须是本社区登记在册的居民或工作人员"}
		}
		if err != nil {
			return err
		}
		var seats int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seat), 0) FROM procurement_panel WHERE project_id = $1`, id).Scan(&seats); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO procurement_panel (project_id, person_id, seat) VALUES ($1, $2, $3)`, id, person, seats+1)
		if err != nil && isUnique(err) {
			return fault.Fields{"person": "此人已是评审小组成员"}
		}
		return err
	})
}

// Panel is a project's panel by seat.
func (s *Service) Panel(ctx context.Context, id int64) ([]Member, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.person_id, COALESCE(p.name, ''), m.seat FROM procurement_panel m
		LEFT JOIN persons p ON p.id = m.person_id WHERE m.project_id = $1 ORDER BY m.seat`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.PersonID, &m.Name, &m.Seat); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// conflicted says whether a person is linked to a bidding organisation:
// its leader, an open member (social_org_members), or employed by it
// (persons.employer_id at the register's organisation of the same name —
// a 民非 that employs people is registered there too).
func conflicted(ctx context.Context, q database.Querier, person, org int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_orgs o WHERE o.id = $2 AND (o.leader_person_id = $1
		OR EXISTS (SELECT 1 FROM social_org_members m WHERE m.org_id = o.id AND m.person_id = $1 AND m.left_on = '')
		OR EXISTS (SELECT 1 FROM persons p JOIN organisations e ON e.id = p.employer_id WHERE p.id = $1 AND e.name = o.name))`,
		person, org).Scan(&n)
	return n > 0, err
}

// Score records a panel member's points for one bid, every criterion at
// once, replacing what they gave before. Scoring starts at the deadline
// and ends at the award.
func (s *Service) Score(ctx context.Context, st Staff, id, person, bid int64, points map[int64]int) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Stage == "tender" {
			return ErrNotClosed
		}
		if p.Stage != "evaluation" {
			return ErrStage
		}
		var seat int
		err = tx.QueryRowContext(ctx, `SELECT seat FROM procurement_panel WHERE project_id = $1 AND person_id = $2`, id, person).Scan(&seat)
		if noRows(err) {
			return ErrNotPanel
		}
		if err != nil {
			return err
		}
		var org int64
		err = tx.QueryRowContext(ctx, `SELECT org_id FROM procurement_bids WHERE project_id = $1 AND id = $2 AND status = 'valid'`, id, bid).Scan(&org)
		if noRows(err) {
			return ErrNoBid
		}
		if err != nil {
			return err
		}
		if bad, err := conflicted(ctx, tx, person, org); err != nil {
			return err
		} else if bad {
			return ErrConflict
		}
		fe := fault.Fields{}
		for _, c := range p.Criteria {
			v, ok := points[c.ID]
			if !ok || v < 0 || v > c.MaxPoints {
				fe.Add("c"+strconv.FormatInt(c.ID, 10), c.Name+"的得分须在0至"+strconv.Itoa(c.MaxPoints)+"分之间")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM procurement_scores WHERE project_id = $1 AND person_id = $2 AND bid_id = $3`,
			id, person, bid); err != nil {
			return err
		}
		now := database.FormatTime(s.now())
		for _, c := range p.Criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO procurement_scores (project_id, person_id, bid_id, criterion_id, points, scored_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, person, bid, c.ID, points[c.ID], now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Ranked is a valid bid with its scores, in integer hundredths of a point
// so that ranking never meets float rounding.
type Ranked struct {
	Bid
	Rank     int
	PriceH   int64   // price points: lowest ÷ price × price points
	QualityH int64   // the mean over the members who scored it of their quality points
	TotalH   int64   // PriceH + QualityH
	Criteria []int64 // per criterion, the members' mean, hundredths
	Sheets   []Sheet // each member's points, by seat
}

// Sheet is one member's points for a bid; Recused when they may not score it.
type Sheet struct {
	Seat    int
	Recused bool
	Points  []int // per criterion; nil when not yet scored
	SumH    int64
}

// Evaluation is a tender's scores and ranking.
type Evaluation struct {
	Project   Project
	Panel     []Member
	Bids      []Bid    // every bid, withdrawn ones too
	Ranking   []Ranked // valid bids, best first
	Complete  bool     // every member scored every bid they may score
	LowestFen int64
}

// PriceH is the price score in hundredths, rounded half up:
// lowest ÷ price × points, kept in integers.
func PriceH(lowest, price int64, points int) int64 {
	if price <= 0 {
		return 0
	}
	num := lowest * int64(points) * 100
	return (2*num + price) / (2 * price)
}

// meanH is sum ÷ n in hundredths, rounded half up.
func meanH(sum int64, n int) int64 {
	if n == 0 {
		return 0
	}
	return (2*sum*100 + int64(n)) / (2 * int64(n))
}

// Points writes hundredths of a point with two decimals ("8533" → "85.33").
func Points(h int64) string {
	s := strconv.FormatInt(h, 10)
	for len(s) < 3 {
		s = "0" + s
	}
	return s[:len(s)-2] + "." + s[len(s)-2:]
}

// Evaluate computes a project's scores and ranking from what the panel gave.
func (s *Service) Evaluate(ctx context.Context, st Staff, id int64) (Evaluation, error) {
	p, err := s.Project(ctx, st, id)
	if err != nil {
		return Evaluation{}, err
	}
	return s.evaluate(ctx, s.db, p)
}

func (s *Service) evaluate(ctx context.Context, q database.Querier, p Project) (Evaluation, error) {
	ev := Evaluation{Project: p}
	var err error
	if ev.Panel, err = s.Panel(ctx, p.ID); err != nil {
		return ev, err
	}
	if ev.Bids, err = s.bids(ctx, q, p.ID); err != nil {
		return ev, err
	}
	type key struct{ person, bid, crit int64 }
	given := map[key]int{}
	rows, err := q.QueryContext(ctx, `SELECT person_id, bid_id, criterion_id, points FROM procurement_scores WHERE project_id = $1`, p.ID)
	if err != nil {
		return ev, err
	}
	for rows.Next() {
		var k key
		var v int
		if err := rows.Scan(&k.person, &k.bid, &k.crit, &v); err != nil {
			rows.Close()
			return ev, err
		}
		given[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ev, err
	}
	for _, b := range ev.Bids {
		if b.Status == "valid" && (ev.LowestFen == 0 || b.PriceFen < ev.LowestFen) {
			ev.LowestFen = b.PriceFen
		}
	}
	ev.Complete = len(ev.Panel) > 0
	for _, b := range ev.Bids {
		if b.Status != "valid" {
			continue
		}
		r := Ranked{Bid: b, PriceH: PriceH(ev.LowestFen, b.PriceFen, p.PricePoints), Criteria: make([]int64, len(p.Criteria))}
		critSum := make([]int64, len(p.Criteria))
		var sum int64
		scorers := 0
		for _, m := range ev.Panel {
			sh := Sheet{Seat: m.Seat}
			bad, err := conflicted(ctx, q, m.PersonID, b.OrgID)
			if err != nil {
				return ev, err
			}
			if bad {
				sh.Recused = true
				r.Sheets = append(r.Sheets, sh)
				continue
			}
			full := len(p.Criteria) > 0
			for _, c := range p.Criteria {
				v, ok := given[key{m.PersonID, b.ID, c.ID}]
				if !ok {
					full = false
					break
				}
				sh.Points = append(sh.Points, v)
			}
			if !full {
				sh.Points = nil
				ev.Complete = false
			} else {
				scorers++
				for i, v := range sh.Points {
					critSum[i] += int64(v)
					sh.SumH += int64(v) * 100
				}
				sum += sh.SumH / 100
			}
			r.Sheets = append(r.Sheets, sh)
		}
		if scorers == 0 {
			ev.Complete = false
		}
		for i := range critSum {
			r.Criteria[i] = meanH(critSum[i], scorers)
		}
		r.QualityH = meanH(sum, scorers)
		r.TotalH = r.PriceH + r.QualityH
		ev.Ranking = append(ev.Ranking, r)
	}
	// Best total first; a tie goes to the lower price, then to the earlier bid.
	sort.SliceStable(ev.Ranking, func(i, j int) bool {
		a, b := ev.Ranking[i], ev.Ranking[j]
		if a.TotalH != b.TotalH {
			return a.TotalH > b.TotalH
		}
		if a.PriceFen != b.PriceFen {
			return a.PriceFen < b.PriceFen
		}
		return a.SubmittedAt < b.SubmittedAt
	})
	for i := range ev.Ranking {
		ev.Ranking[i].Rank = i + 1
	}
	return ev, nil
}
