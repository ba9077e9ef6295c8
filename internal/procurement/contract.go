package procurement

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Award gives the tender to the best-ranked bid once the panel has scored
// every bid; the ranking decides, not the staff.
func (s *Service) Award(ctx context.Context, st Staff, id int64, version int) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return ErrChanged
		}
		if p.Stage == "tender" {
			return ErrNotClosed
		}
		if p.Stage != "evaluation" {
			return ErrStage
		}
		ev, err := s.evaluate(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(ev.Ranking) == 0 {
			return ErrNoBids
		}
		if !ev.Complete {
			return ErrUnscored
		}
		return s.bump(ctx, tx, st, p, version, `, status = 'awarded', award_bid_id = $5, awarded_at = $3`, ev.Ranking[0].ID)
	})
}

// ContractDraft is the contract's form.
type ContractDraft struct {
	ValueFen                   int64
	SignedOn, StartsOn, EndsOn string
}

// Sign records the contract with the awarded organisation; its value may
// not exceed the awarded bid.
func (s *Service) Sign(ctx context.Context, st Staff, id int64, version int, d ContractDraft) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return ErrChanged
		}
		if p.Status != "awarded" {
			return ErrStage
		}
		var price int64
		if err := tx.QueryRowContext(ctx, `SELECT price_fen FROM procurement_bids WHERE project_id = $1 AND id = $2`, id, p.AwardBidID).Scan(&price); err != nil {
			return err
		}
		fe := fault.Fields{}
		if d.ValueFen <= 0 {
			fe.Add("value", "请填写合同金额(元,最多两位小数)")
		} else if d.ValueFen > price {
			fe.Add("value", "合同金额不能超过中标报价")
		}
		if !date(d.SignedOn) || d.SignedOn > s.today() || d.SignedOn < localDay(p.AwardedAt) {
			fe.Add("signed_on", "签订日期须在授标之后、不晚于今天")
		}
		if !date(d.StartsOn) {
			fe.Add("starts_on", "请填写服务开始日期")
		}
		if !date(d.EndsOn) || d.EndsOn < d.StartsOn {
			fe.Add("ends_on", "服务结束日期须不早于开始日期")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		return s.bump(ctx, tx, st, p, version, `, status = 'contract', contract_fen = $5, contract_signed_on = $6,
			contract_starts_on = $7, contract_ends_on = $8`, d.ValueFen, d.SignedOn, d.StartsOn, d.EndsOn)
	})
}

// Milestone is a contract's milestone (履约节点) with what was paid on it.
type Milestone struct {
	ID         int64
	Title      string
	DueOn      string
	AmountFen  int64
	AcceptedOn string
	AcceptedBy string
	PaidFen    int64
}

// MilestoneDraft is a milestone as typed.
type MilestoneDraft struct {
	Title     string
	DueOn     string
	AmountFen int64
}

// AddMilestone adds a milestone to a signed contract; together they may
// not come to more than the contract's value.
func (s *Service) AddMilestone(ctx context.Context, st Staff, id int64, d MilestoneDraft) error {
	d.Title = strings.TrimSpace(d.Title)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managedAt(ctx, tx, st, id, "contract")
		if err != nil {
			return err
		}
		fe := fault.Fields{}
		if d.Title == "" || utf8.RuneCountInString(d.Title) > 60 {
			fe.Add("title", "请填写节点内容(60字以内)")
		}
		if !date(d.DueOn) || d.DueOn < p.StartsOn || d.DueOn > p.EndsOn {
			fe.Add("due_on", "节点日期须在合同服务期内("+p.StartsOn+" 至 "+p.EndsOn+")")
		}
		var planned int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM procurement_milestones WHERE project_id = $1`, id).Scan(&planned); err != nil {
			return err
		}
		if d.AmountFen <= 0 {
			fe.Add("amount", "请填写节点金额(元,最多两位小数)")
		} else if planned+d.AmountFen > p.ContractFen {
			fe.Add("amount", "各节点金额之和不能超过合同金额")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO procurement_milestones (project_id, id, title, due_on, amount_fen)
			VALUES ($1, $2, $3, $4, $5)`, id, database.NewID(), d.Title, d.DueOn, d.AmountFen)
		return err
	})
}

// Accept records a milestone's acceptance (验收) on a day.
func (s *Service) Accept(ctx context.Context, st Staff, id, milestone int64, on string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managedAt(ctx, tx, st, id, "contract")
		if err != nil {
			return err
		}
		if !date(on) || on > s.today() || on < p.SignedOn {
			return fault.Fields{"accepted_on": "验收日期须在合同签订之后、不晚于今天"}
		}
		res, err := tx.ExecContext(ctx, `UPDATE procurement_milestones SET accepted_on = $3, accepted_by = $4
			WHERE project_id = $1 AND id = $2 AND accepted_on = ''`, id, milestone, on, st.Name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.New(fault.Conflict, "没有这个节点,或它已验收")
		}
		return nil
	})
}

// PaymentDraft is a payment as typed.
type PaymentDraft struct {
	MilestoneID int64
	AmountFen   int64
	PaidOn      string
	FundID      int64 // the community fund paid from; 0 when not booked on one
	Memo        string
}

// Payment is a payment made.
type Payment struct {
	ID          int64
	MilestoneID int64
	Milestone   string
	AmountFen   int64
	PaidOn      string
	Memo        string
}

// Pay pays on an accepted milestone: never before its acceptance, never
// beyond the milestone's amount or the contract's value, and, when a fund
// is named, booked on it through the Payer in the same transaction: a
// fund's refusal (overdrawn, another community's, another year's) leaves
// no payment either. FundID 0 is money paid elsewhere (by the street).
func (s *Service) Pay(ctx context.Context, st Staff, id int64, d PaymentDraft) error {
	d.Memo = strings.TrimSpace(d.Memo)
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managedAt(ctx, tx, st, id, "contract")
		if err != nil {
			return err
		}
		if d.AmountFen <= 0 {
			return fault.Fields{"amount": "请填写付款金额(元,最多两位小数)"}
		}
		var m Milestone
		err = tx.QueryRowContext(ctx, `SELECT title, amount_fen, accepted_on FROM procurement_milestones WHERE project_id = $1 AND id = $2`,
			id, d.MilestoneID).Scan(&m.Title, &m.AmountFen, &m.AcceptedOn)
		if noRows(err) {
			return fault.Fields{"milestone": "请选择付款对应的节点"}
		}
		if err != nil {
			return err
		}
		if m.AcceptedOn == "" {
			return ErrNotMet
		}
		if !date(d.PaidOn) || d.PaidOn < m.AcceptedOn || d.PaidOn > s.today() {
			return fault.Fields{"paid_on": "付款日期须在节点验收之后、不晚于今天"}
		}
		var paid, paidHere int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0), COALESCE(SUM(CASE WHEN milestone_id = $2 THEN amount_fen ELSE 0 END), 0)
			FROM procurement_payments WHERE project_id = $1`, id, d.MilestoneID).Scan(&paid, &paidHere); err != nil {
			return err
		}
		if paid+d.AmountFen > p.ContractFen {
			return ErrOverpaid
		}
		if paidHere+d.AmountFen > m.AmountFen {
			return ErrOverMile
		}
		if d.Memo == "" {
			d.Memo = p.Title + ":" + m.Title
		}
		if d.FundID != 0 && s.payer == nil {
			return fault.Fields{"fund": "社区经费账未接入,请选择“不从社区经费支付”"}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO procurement_payments (project_id, id, milestone_id, amount_fen, paid_on, fund_id, memo, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, database.NewID(), d.MilestoneID, d.AmountFen, d.PaidOn,
			nullID(d.FundID), d.Memo, database.FormatTime(s.now()), st.Name); err != nil {
			return err
		}
		if d.FundID == 0 {
			return nil // paid elsewhere (the street pays the supplier): no fund entry
		}
		var supplier string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(o.name, '') FROM procurement_bids b
			LEFT JOIN social_orgs o ON o.community_id = b.org_community_id AND o.id = b.org_id
			WHERE b.project_id = $1 AND b.id = $2`, id, p.AwardBidID).Scan(&supplier); err != nil && !noRows(err) {
			return err
		}
		return s.payer.PayFromFund(ctx, tx, FundPayment{Community: p.CommunityID, Fund: d.FundID, AmountFen: d.AmountFen,
			PaidOn: d.PaidOn, Payee: supplier, Memo: d.Memo, By: st.Name})
	})
}

// Rating is the end of a project: the residents' ratings at the 评议会
// and the staff's evaluation.
type Rating struct {
	Satisfied, Fair, Unsatisfied int
	Evaluation                   string
	On                           string
}

// Complete closes a project whose milestones are all accepted, with the
// residents' ratings.
func (s *Service) Complete(ctx context.Context, st Staff, id int64, version int, r Rating) error {
	r.Evaluation = strings.TrimSpace(r.Evaluation)
	fe := fault.Fields{}
	if r.Satisfied < 0 || r.Fair < 0 || r.Unsatisfied < 0 || r.Satisfied+r.Fair+r.Unsatisfied == 0 || r.Satisfied+r.Fair+r.Unsatisfied > 100000 {
		fe.Add("ratings", "请填写参加评议的居民中满意、基本满意、不满意的人数")
	}
	if r.Evaluation == "" || utf8.RuneCountInString(r.Evaluation) > 1000 {
		fe.Add("evaluation", "请填写绩效评价(1000字以内)")
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := s.managed(ctx, tx, st, id)
		if err != nil {
			return err
		}
		if p.Version != version {
			return ErrChanged
		}
		if p.Status != "contract" {
			return ErrStage
		}
		if !date(r.On) || r.On > s.today() || r.On < p.SignedOn {
			fe.Add("completed_on", "结项日期须在合同签订之后、不晚于今天")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var all, open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN accepted_on = '' THEN 1 ELSE 0 END), 0)
			FROM procurement_milestones WHERE project_id = $1`, id).Scan(&all, &open); err != nil {
			return err
		}
		if all == 0 || open > 0 {
			return ErrOpenMiles
		}
		return s.bump(ctx, tx, st, p, version, `, status = 'completed', completed_on = $5, satisfied = $6, fair = $7,
			unsatisfied = $8, evaluation = $9`, r.On, r.Satisfied, r.Fair, r.Unsatisfied, r.Evaluation)
	})
}

// Milestones are a project's milestones by due date, with what was paid.
func (s *Service) Milestones(ctx context.Context, id int64) ([]Milestone, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.title, m.due_on, m.amount_fen, m.accepted_on, m.accepted_by,
		(SELECT COALESCE(SUM(amount_fen), 0) FROM procurement_payments y WHERE y.project_id = m.project_id AND y.milestone_id = m.id)
		FROM procurement_milestones m WHERE m.project_id = $1 ORDER BY m.due_on, m.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Milestone
	for rows.Next() {
		var m Milestone
		if err := rows.Scan(&m.ID, &m.Title, &m.DueOn, &m.AmountFen, &m.AcceptedOn, &m.AcceptedBy, &m.PaidFen); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Payments are a project's payments in the order made.
func (s *Service) Payments(ctx context.Context, id int64) ([]Payment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT y.id, y.milestone_id, COALESCE(m.title, ''), y.amount_fen, y.paid_on, y.memo
		FROM procurement_payments y LEFT JOIN procurement_milestones m ON m.project_id = y.project_id AND m.id = y.milestone_id
		WHERE y.project_id = $1 ORDER BY y.paid_on, y.created_at, y.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var y Payment
		if err := rows.Scan(&y.ID, &y.MilestoneID, &y.Milestone, &y.AmountFen, &y.PaidOn, &y.Memo); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
