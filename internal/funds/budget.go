package funds

import (
	"context"
	"database/sql"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/money"
)

// BudgetLine is a category's budget for a fund's year beside what was
// spent on it.
type BudgetLine struct {
	Category  string
	BudgetFen int64
	SpentFen  int64
}

// Name says the category in words.
func (b BudgetLine) Name() string { return CategoryName(b.Category) }

// LeftFen is what the budget still allows (negative: over budget).
func (b BudgetLine) LeftFen() int64 { return b.BudgetFen - b.SpentFen }

// Budget is the fund's budget by category beside its spending, every
// category listed.
func (s *Service) Budget(ctx context.Context, st Staff, fund int64) ([]BudgetLine, error) {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return nil, err
	}
	lines := map[string]*BudgetLine{}
	var out []BudgetLine
	for _, c := range Categories {
		out = append(out, BudgetLine{Category: c.Code})
	}
	for i := range out {
		lines[out[i].Category] = &out[i]
	}
	rows, err := s.db.QueryContext(ctx, `SELECT category, amount_fen FROM fund_budgets WHERE community_id = $1 AND fund_id = $2`,
		f.CommunityID, f.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		var fen int64
		if err := rows.Scan(&c, &fen); err != nil {
			rows.Close()
			return nil, err
		}
		if l := lines[c]; l != nil {
			l.BudgetFen = fen
		}
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT line, SUM(amount_fen) FROM fund_month_sums WHERE community_id = $1 AND fund_id = $2
		AND line LIKE 'spent:%' GROUP BY line`, f.CommunityID, f.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		var fen int64
		if err := rows.Scan(&line, &fen); err != nil {
			return nil, err
		}
		if l := lines[strings.TrimPrefix(line, "spent:")]; l != nil {
			l.SpentFen = fen
		}
	}
	return out, rows.Err()
}

// SetBudget sets the fund's budget by category (元 as typed; empty is 0).
func (s *Service) SetBudget(ctx context.Context, st Staff, fund int64, yuan map[string]string) error {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return err
	}
	fe := fault.Fields{}
	fen := map[string]int64{}
	for _, c := range Categories {
		v := strings.TrimSpace(yuan[c.Code])
		if v == "" {
			continue
		}
		n, ok := money.ParseYuan(v)
		if !ok {
			fe.Add("budget_"+c.Code, "预算应为元数,最多两位小数")
		}
		fen[c.Code] = n
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, c := range Categories {
			if _, err := tx.ExecContext(ctx, `INSERT INTO fund_budgets (community_id, fund_id, category, amount_fen, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, fund_id, category)
				DO UPDATE SET amount_fen = excluded.amount_fen, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				f.CommunityID, f.ID, c.Code, fen[c.Code], database.FormatTime(now), st.Name); err != nil {
				return err
			}
		}
		return changeEvent(ctx, tx, st, now, f.CommunityID, "fund_budget", f.ID,
			map[string]any{"community_id": f.CommunityID, "fund_id": f.ID, "budget_fen": fen})
	})
}
