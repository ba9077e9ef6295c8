package funds

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Entry is one line of a fund's ledger. AmountFen is signed: what it adds
// to the balance (an expense is negative). Line is the sum it moves.
type Entry struct {
	ID          int64     `json:"id"`
	CommunityID int64     `json:"community_id"`
	FundID      int64     `json:"fund_id"`
	Kind        string    `json:"kind"`
	Line        string    `json:"line"`
	AmountFen   int64     `json:"amount_fen"`
	OnDate      string    `json:"on_date"`
	Category    string    `json:"category,omitempty"`
	Party       string    `json:"party,omitempty"`
	Description string    `json:"description,omitempty"`
	Basis       string    `json:"basis,omitempty"`
	Reverses    int64     `json:"reverses,omitempty"`
	OtherFundID int64     `json:"other_fund_id,omitempty"`
	RecordedAt  string    `json:"recorded_at"`
	RecordedBy  string    `json:"recorded_by"`
	ReversedBy  int64     `json:"-"`
	Vouchers    []Voucher `json:"-"`
}

// EntryKinds name the entries' kinds.
var EntryKinds = []Code{{"allocation", "拨付"}, {"receipt", "到账"}, {"expense", "支出"},
	{"transfer_in", "调入"}, {"transfer_out", "调出"}, {"reversal", "冲销"}}

// KindName says the entry's kind in words.
func (e Entry) KindName() string { return name(EntryKinds, e.Kind) }

// CategoryName says the expense category in words.
func (e Entry) CategoryName() string { return CategoryName(e.Category) }

// ErrOverdrawn is a write that would take a fund below zero.
var errOverdrawn = errors.New("overdrawn")

// monthLine is the statement line an entry counts on.
func (e Entry) monthLine() (string, int64) {
	if e.Line == "spent" {
		return "spent:" + e.Category, -e.AmountFen
	}
	return e.Line, e.AmountFen
}

// post appends an entry and moves the fund's sums and month sums in the
// caller's transaction. An entry that lowers the balance is written only
// if the balance stays at or above zero: the condition is in the UPDATE
// of the sums row, so two expenses at once on one fund cannot both pass
// (the second waits for the first's row lock, then sees its sum) —
// errOverdrawn, and the caller's transaction rolls back.
func (s *Service) post(ctx context.Context, tx *sql.Tx, st Staff, f Fund, e *Entry) error {
	e.ID, e.CommunityID, e.FundID = database.NewID(), f.CommunityID, f.ID
	now := s.now()
	e.RecordedAt, e.RecordedBy = database.FormatTime(now), st.Name
	a := s.db.Args(e.AmountFen, e.OnDate, f.CommunityID, f.ID)
	var col string
	switch e.Line {
	case "allocated":
		col = "allocated_fen = allocated_fen + $1"
	case "received":
		col = "received_fen = received_fen + $1"
	default:
		col = "spent_fen = spent_fen - $1"
	}
	q := `UPDATE fund_sums SET ` + col + `, entries = entries + 1,
		first_in_on = CASE WHEN $1 > 0 AND ` + a.Arg(e.Line) + ` <> 'spent' AND (first_in_on = '' OR first_in_on > $2) THEN $2 ELSE first_in_on END,
		last_out_on = CASE WHEN $1 < 0 AND ` + a.Arg(e.Line) + ` = 'spent' AND last_out_on < $2 THEN $2 ELSE last_out_on END
		WHERE community_id = $3 AND fund_id = $4`
	if e.AmountFen < 0 {
		extra := ""
		if f.Kind == "transfer" {
			// 费随事转 money is read from workaccess's payments of the year.
			y := strconv.Itoa(f.Year)
			extra = ` + (SELECT COALESCE(SUM(w.amount_fen), 0) FROM work_funds w WHERE w.community_id = $3
				AND w.received_on >= ` + a.Arg(y+"-01-01") + ` AND w.received_on <= ` + a.Arg(y+"-12-31") + `)`
		}
		q += ` AND allocated_fen + received_fen - spent_fen` + extra + ` + $1 >= 0`
	}
	res, err := tx.ExecContext(ctx, q, a.Values()...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errOverdrawn
	}
	var reverses, other any
	if e.Reverses != 0 {
		reverses = e.Reverses
	}
	if e.OtherFundID != 0 {
		other = e.OtherFundID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO fund_entries (community_id, id, fund_id, kind, line, amount_fen, on_date,
		category, party, description, basis, reverses, other_fund_id, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.CommunityID, e.ID, e.FundID, e.Kind, e.Line, e.AmountFen, e.OnDate, e.Category, e.Party, e.Description,
		e.Basis, reverses, other, e.RecordedAt, e.RecordedBy); err != nil {
		if isUnique(err) && e.Reverses != 0 {
			return errReversed
		}
		return err
	}
	line, fen := e.monthLine()
	if _, err := tx.ExecContext(ctx, `INSERT INTO fund_month_sums (community_id, fund_id, month, line, amount_fen)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, fund_id, month, line)
		DO UPDATE SET amount_fen = fund_month_sums.amount_fen + excluded.amount_fen`,
		e.CommunityID, e.FundID, e.OnDate[:7], line, fen); err != nil {
		return err
	}
	return changeEvent(ctx, tx, st, now, e.CommunityID, "fund_entry", e.ID, e)
}

var errReversed = fault.Fields{"entry": "这条记录已被冲销过,不能重复冲销"}

// Entries lists a fund's entries, newest first, with who reversed them
// and their vouchers' names.
func (s *Service) Entries(ctx context.Context, st Staff, fund int64) ([]Entry, error) {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryColumns+`, COALESCE(r.id, 0) FROM fund_entries e
		LEFT JOIN fund_entries r ON r.reverses = e.id
		WHERE e.community_id = $1 AND e.fund_id = $2 ORDER BY e.on_date DESC, e.id DESC`, f.CommunityID, f.ID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := scanEntry(rows, &e, &e.ReversedBy); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	vs, err := s.voucherList(ctx, f.CommunityID, f.ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Vouchers = vs[out[i].ID]
	}
	return out, nil
}

const entryColumns = `e.community_id, e.id, e.fund_id, e.kind, e.line, e.amount_fen, e.on_date, e.category, e.party,
	e.description, e.basis, COALESCE(e.reverses, 0), COALESCE(e.other_fund_id, 0), e.recorded_at, e.recorded_by`

func scanEntry(sc interface{ Scan(...any) error }, e *Entry, more ...any) error {
	return sc.Scan(append([]any{&e.CommunityID, &e.ID, &e.FundID, &e.Kind, &e.Line, &e.AmountFen, &e.OnDate, &e.Category,
		&e.Party, &e.Description, &e.Basis, &e.Reverses, &e.OtherFundID, &e.RecordedAt, &e.RecordedBy}, more...)...)
}

// entry reads one entry in the staff's communities.
func (s *Service) entry(ctx context.Context, q database.Querier, st Staff, id int64) (Entry, error) {
	var e Entry
	err := scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM fund_entries e WHERE e.id = $1`, id), &e)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !st.May(e.CommunityID)) {
		return Entry{}, ErrNoEntry
	}
	return e, err
}
