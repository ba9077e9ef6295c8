package procurement

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Bid is an organisation's bid.
type Bid struct {
	ID          int64
	OrgID       int64
	OrgName     string
	PriceFen    int64
	Proposal    string
	Status      string // valid, withdrawn
	SubmittedAt string
	WithdrawnAt string
}

// BidDraft is a bid as received.
type BidDraft struct {
	OrgID    int64
	PriceFen int64
	Proposal string
}

// Bidder is a filed social organisation that may bid.
type Bidder struct {
	ID          int64
	CommunityID int64
	Name        string
}

// Bidders are the social organisations filed (已备案) in the communities
// given: under 财政部令第102号 第六条 a seller must be a lawfully
// registered organisation, and a community's own groups are registered by
// the street's 备案.
func (s *Service) Bidders(ctx context.Context, communities []int64) ([]Bidder, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	a := s.db.Args()
	rows, err := s.db.QueryContext(ctx, `SELECT id, community_id, name FROM social_orgs WHERE status = 'filed' AND `+
		a.In("community_id", database.AnyOf(communities)...)+` ORDER BY name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Bidder
	for rows.Next() {
		var b Bidder
		if err := rows.Scan(&b.ID, &b.CommunityID, &b.Name); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SubmitBid records a bid received before the deadline.
func (s *Service) SubmitBid(ctx context.Context, st Staff, id int64, d BidDraft) (Bid, error) {
	fe := fault.Fields{}
	d.Proposal = strings.TrimSpace(d.Proposal)
	if d.OrgID == 0 {
		fe.Add("org", "请选择投标的社会组织")
	}
	if d.PriceFen <= 0 {
		fe.Add("price", "请填写投标报价(元,最多两位小数)")
	}
	if d.Proposal == "" || utf8.RuneCountInString(d.Proposal) > 500 {
		fe.Add("proposal", "请填写服务方案简述(500字以内)")
	}
	b := Bid{ID: database.NewID(), OrgID: d.OrgID, PriceFen: d.PriceFen, Proposal: d.Proposal, Status: "valid"}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managedAt(ctx, tx, st, id, "tender")
		if err != nil {
			return err
		}
		if p.Stage != "tender" {
			return ErrClosed
		}
		if d.PriceFen > p.BudgetFen {
			fe.Add("price", "投标报价超过项目预算,为无效投标")
		}
		var community int64
		if d.OrgID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT community_id, name FROM social_orgs WHERE id = $1 AND status = 'filed'`,
				d.OrgID).Scan(&community, &b.OrgName)
			if noRows(err) {
				fe.Add("org", "投标方须是已在街道备案的社会组织")
			} else if err != nil {
				return err
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		b.SubmittedAt = database.FormatTime(s.now())
		_, err = tx.ExecContext(ctx, `INSERT INTO procurement_bids (project_id, id, org_community_id, org_id, price_fen, proposal, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, b.ID, community, b.OrgID, b.PriceFen, b.Proposal, b.SubmittedAt)
		if err != nil && isUnique(err) {
			return ErrTwice
		}
		return err
	})
	return b, err
}

// WithdrawBid withdraws a bid before the deadline; the organisation may
// then bid again.
func (s *Service) WithdrawBid(ctx context.Context, st Staff, id, bid int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managedAt(ctx, tx, st, id, "tender")
		if err != nil {
			return err
		}
		if p.Stage != "tender" {
			return ErrClosed
		}
		res, err := tx.ExecContext(ctx, `UPDATE procurement_bids SET status = 'withdrawn', withdrawn_at = $3
			WHERE project_id = $1 AND id = $2 AND status = 'valid'`, id, bid, database.FormatTime(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoBid
		}
		return nil
	})
}

// bids are a project's bids, valid ones first, in the order received.
func (s *Service) bids(ctx context.Context, q database.Querier, id int64) ([]Bid, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.org_id, COALESCE(o.name, ''), b.price_fen, b.proposal, b.status, b.submitted_at, b.withdrawn_at
		FROM procurement_bids b LEFT JOIN social_orgs o ON o.community_id = b.org_community_id AND o.id = b.org_id
		WHERE b.project_id = $1 ORDER BY b.status, b.submitted_at, b.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Bid
	for rows.Next() {
		var b Bid
		if err := rows.Scan(&b.ID, &b.OrgID, &b.OrgName, &b.PriceFen, &b.Proposal, &b.Status, &b.SubmittedAt, &b.WithdrawnAt); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
