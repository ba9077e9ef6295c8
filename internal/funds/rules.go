package funds

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"shequ/internal/fault"
	"shequ/internal/money"
)

// Rule computes a community's yearly allocation from the register's
// counts. Rules are data (fund_rules); 乌海 and 成都 are shipped as
// examples (示例).
type Rule struct {
	Code, Name   string
	Basis        string // households or residents
	Tiers        []Tier // by households: the last tier the count reaches
	BaseFen      int64  // plus PerFen for every full PerCount of the basis
	PerCount     int64
	PerFen       int64
	NegativeList []string
	BudgetBy     string // MM-DD
	Authority    string
	Sample       bool
}

// Tier is an amount from a count up.
type Tier struct {
	From int64 `json:"from"`
	Fen  int64 `json:"fen"`
}

// Counts are what the register says of a community for a rule:
// households (community_households, which the 费随事转 ledger also pays by)
// and residents (its active persons, as indicator WF006 counts 实有人口).
type Counts struct {
	Households int64 `json:"households"`
	Residents  int64 `json:"residents"`
}

// Basis is what an allocation entry keeps of how it was computed.
type Basis struct {
	Rule    string `json:"rule"`
	Name    string `json:"name"`
	Counts  Counts `json:"counts"`
	Formula string `json:"formula"`
}

// BasisName says the basis in words.
func (r Rule) BasisName() string {
	if r.Basis == "households" {
		return "户数"
	}
	return "实有人口"
}

// Compute is the yearly amount the rule gives for the counts, and how.
func (r Rule) Compute(c Counts) (int64, string) {
	n := c.Residents
	if r.Basis == "households" {
		n = c.Households
	}
	var fen int64
	var how []string
	if len(r.Tiers) > 0 {
		for _, t := range r.Tiers {
			if n >= t.From {
				fen = t.Fen
			}
		}
		how = append(how, fmt.Sprintf("%s %d,按档 %s 元", r.BasisName(), n, money.Yuan(fen)))
	}
	if r.BaseFen > 0 || r.PerCount > 0 {
		fen += r.BaseFen
		how = append(how, fmt.Sprintf("基数 %s 元", money.Yuan(r.BaseFen)))
		if r.PerCount > 0 {
			units := n / r.PerCount
			fen += units * r.PerFen
			how = append(how, fmt.Sprintf("%s %d,每 %d 人 %s 元 × %d = %s 元", r.BasisName(), n, r.PerCount,
				money.Yuan(r.PerFen), units, money.Yuan(units*r.PerFen)))
		}
	}
	return fen, strings.Join(how, ";")
}

// Rules lists the allocation rules.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+ruleColumns+` FROM fund_rules ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const ruleColumns = `code, name, basis, tiers, base_fen, per_count, per_fen, negative_list, budget_by, authority, sample`

func scanRule(sc interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var tiers, neg string
	err := sc.Scan(&r.Code, &r.Name, &r.Basis, &tiers, &r.BaseFen, &r.PerCount, &r.PerFen, &neg, &r.BudgetBy,
		&r.Authority, &r.Sample)
	if err == nil && tiers != "" {
		err = json.Unmarshal([]byte(tiers), &r.Tiers)
	}
	r.NegativeList = splitList(neg)
	return r, err
}

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, code string) (Rule, error) {
	return scanRule(s.db.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM fund_rules WHERE code = $1`, code))
}

// Counts reads a community's counts from the register.
func (s *Service) Counts(ctx context.Context, community int64) (Counts, error) {
	var c Counts
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE((SELECT active FROM community_households WHERE community_id = $1), 0),
		(SELECT COUNT(*) FROM persons WHERE community_id = $1 AND status = 'active')`, community).Scan(&c.Households, &c.Residents)
	return c, err
}

// Preview computes what the fund's rule gives its community now, without
// recording it.
func (s *Service) Preview(ctx context.Context, st Staff, fund int64) (Rule, Basis, int64, error) {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return Rule{}, Basis{}, 0, err
	}
	if f.RuleCode == "" {
		return Rule{}, Basis{}, 0, fault.Fields{"rule": "这项经费没有测算规则"}
	}
	r, err := s.Rule(ctx, f.RuleCode)
	if err != nil {
		return Rule{}, Basis{}, 0, err
	}
	c, err := s.Counts(ctx, f.CommunityID)
	if err != nil {
		return Rule{}, Basis{}, 0, err
	}
	fen, how := r.Compute(c)
	return r, Basis{Rule: r.Code, Name: r.Name, Counts: c, Formula: how}, fen, nil
}

// Allocate records the fund's yearly allocation computed by its rule
// from the register's counts now, as an entry that keeps the rule and the
// counts it used. A fund is allocated once a year; a wrong allocation is
// reversed first.
func (s *Service) Allocate(ctx context.Context, st Staff, fund int64, on string) (Entry, error) {
	f, err := s.Fund(ctx, st, fund)
	if err != nil {
		return Entry{}, err
	}
	_, b, fen, err := s.Preview(ctx, st, fund)
	if err != nil {
		return Entry{}, err
	}
	fe := fault.Fields{}
	on = strings.TrimSpace(on)
	if on == "" {
		on = s.today()
	}
	switch {
	case !date(on):
		fe.Add("on_date", "请填写日期,如 2026-01-15")
	case yearOf(on) != f.Year:
		fe.Add("on_date", "拨付日期应在经费所属年度内")
	case on > s.today():
		fe.Add("on_date", "日期不能晚于今天")
	}
	if fen <= 0 {
		fe.Add("rule", "按规则测算的金额为 0")
	}
	if err := fe.Err(); err != nil {
		return Entry{}, err
	}
	basis, _ := json.Marshal(b)
	e := Entry{Kind: "allocation", Line: "allocated", AmountFen: fen, OnDate: on, Party: f.Source,
		Description: b.Name + ":" + b.Formula, Basis: string(basis)}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Lock the fund's sums row first: two allocations at once then
		// take turns, and the second sees the first.
		if _, err := tx.ExecContext(ctx, `UPDATE fund_sums SET entries = entries WHERE community_id = $1 AND fund_id = $2`,
			f.CommunityID, f.ID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_entries e WHERE e.community_id = $1 AND e.fund_id = $2
			AND e.kind = 'allocation' AND NOT EXISTS (SELECT 1 FROM fund_entries r WHERE r.reverses = e.id)`,
			f.CommunityID, f.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fault.Fields{"rule": "本经费本年度已按规则拨付;如需更正,请先冲销原拨付记录"}
		}
		return s.post(ctx, tx, st, f, &e)
	})
	return e, err
}
