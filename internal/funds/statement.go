package funds

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Statement is a community's accounts over whole months: per fund and in
// total, the opening balance, what came in, what went out by category and
// the closing balance. 财务公开 publishes it monthly or quarterly.
type Statement struct {
	Community int64
	From, To  string // YYYY-MM, inclusive
	Funds     []FundStatement
	Total     FundStatement
}

// FundStatement is one fund's lines (or the total's).
type FundStatement struct {
	FundID       int64
	Name, Kind   string
	Year         int
	OpeningFen   int64
	AllocatedFen int64
	ReceivedFen  int64 // receipts, 费随事转 payments and transfers in
	SpentFen     int64 // expenses and transfers out
	ByCategory   []CategoryLine
	ClosingFen   int64
}

// CategoryLine is what went out on one category.
type CategoryLine struct {
	Category string
	Fen      int64
}

// Name says the category in words.
func (c CategoryLine) Name() string { return CategoryName(c.Category) }

// InFen is what came in over the period.
func (f FundStatement) InFen() int64 { return f.AllocatedFen + f.ReceivedFen }

// Period reads "2026-05" (a month) or "2026Q2" (a quarter) into months.
func Period(p string) (from, to string, err error) {
	p = strings.ToUpper(strings.TrimSpace(p))
	if y, q, ok := strings.Cut(p, "Q"); ok {
		year, e1 := strconv.Atoi(y)
		n, e2 := strconv.Atoi(q)
		if e1 == nil && e2 == nil && n >= 1 && n <= 4 && year >= 2000 {
			return fmt.Sprintf("%04d-%02d", year, 3*n-2), fmt.Sprintf("%04d-%02d", year, 3*n), nil
		}
	} else if _, e := time.Parse("2006-01", p); e == nil {
		return p, p, nil
	}
	return "", "", fault.Fields{"period": "请选择月份(如 2026-05)或季度(如 2026Q2)"}
}

// Statement is the statement of one community the staff may read.
func (s *Service) Statement(ctx context.Context, st Staff, community int64, from, to string) (Statement, error) {
	if !st.May(community) {
		return Statement{}, ErrNoFund
	}
	out, err := s.Statements(ctx, []int64{community}, from, to)
	if err != nil || len(out) == 0 {
		return Statement{Community: community, From: from, To: to}, err
	}
	return out[0], nil
}

// Statements are the statements of many communities (a city's month)
// from the month sums: a few rows per fund and month, never the ledger.
func (s *Service) Statements(ctx context.Context, communities []int64, from, to string) ([]Statement, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	toYear, _ := strconv.Atoi(to[:4])
	a := s.db.Args()
	in := a.In("f.community_id", database.AnyOf(communities)...)
	rows, err := s.db.QueryContext(ctx, `SELECT f.community_id, f.id, f.name, f.kind, f.year FROM funds f WHERE `+in+
		` AND f.year <= `+a.Arg(toYear)+` ORDER BY f.community_id, f.year, f.kind, f.name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	byCommunity := map[int64]*Statement{}
	funds := map[int64]*FundStatement{}
	transfer := map[string]int64{} // community/year → the 费随事转 fund
	var order []int64
	var fundList []struct {
		community int64
		fs        FundStatement
	}
	for rows.Next() {
		var c int64
		var fs FundStatement
		if err := rows.Scan(&c, &fs.FundID, &fs.Name, &fs.Kind, &fs.Year); err != nil {
			rows.Close()
			return nil, err
		}
		fundList = append(fundList, struct {
			community int64
			fs        FundStatement
		}{c, fs})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range communities {
		byCommunity[c] = &Statement{Community: c, From: from, To: to}
		order = append(order, c)
	}
	for _, x := range fundList {
		st := byCommunity[x.community]
		st.Funds = append(st.Funds, x.fs)
	}
	for _, st := range byCommunity {
		for i := range st.Funds {
			f := &st.Funds[i]
			funds[f.FundID] = f
			if f.Kind == "transfer" {
				transfer[fmt.Sprint(st.Community, "/", f.Year)] = f.FundID
			}
		}
	}
	cats := map[int64]map[string]int64{}
	add := func(f *FundStatement, month, line string, fen int64) {
		switch {
		case month < from:
			if strings.HasPrefix(line, "spent") {
				f.OpeningFen -= fen
			} else {
				f.OpeningFen += fen
			}
		case line == "allocated":
			f.AllocatedFen += fen
		case line == "received":
			f.ReceivedFen += fen
		default:
			f.SpentFen += fen
			if cats[f.FundID] == nil {
				cats[f.FundID] = map[string]int64{}
			}
			cats[f.FundID][strings.TrimPrefix(line, "spent:")] += fen
		}
	}
	a = s.db.Args()
	rows, err = s.db.QueryContext(ctx, `SELECT fund_id, month, line, amount_fen FROM fund_month_sums
		WHERE `+a.In("community_id", database.AnyOf(communities)...)+` AND month <= `+a.Arg(to), a.Values()...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, fen int64
		var month, line string
		if err := rows.Scan(&id, &month, &line, &fen); err != nil {
			rows.Close()
			return nil, err
		}
		if f := funds[id]; f != nil {
			add(f, month, line, fen)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(transfer) > 0 {
		// 费随事转 payments as workaccess recorded them, by month.
		a = s.db.Args()
		rows, err = s.db.QueryContext(ctx, `SELECT community_id, SUBSTR(received_on, 1, 7), SUM(amount_fen) FROM work_funds
			WHERE `+a.In("community_id", database.AnyOf(communities)...)+` AND received_on <= `+a.Arg(to+"-31")+`
			GROUP BY community_id, SUBSTR(received_on, 1, 7)`, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c, fen int64
			var month string
			if err := rows.Scan(&c, &month, &fen); err != nil {
				rows.Close()
				return nil, err
			}
			if f := funds[transfer[fmt.Sprint(c, "/", month[:4])]]; f != nil {
				add(f, month, "received", fen)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]Statement, 0, len(order))
	for _, c := range order {
		st := byCommunity[c]
		total := map[string]int64{}
		st.Total.Name = "合计"
		fromYear, _ := strconv.Atoi(from[:4])
		kept := st.Funds[:0]
		for _, f := range st.Funds {
			f.ClosingFen = f.OpeningFen + f.AllocatedFen + f.ReceivedFen - f.SpentFen
			// An earlier year's fund closed out and untouched says nothing.
			if f.Year < fromYear && f.OpeningFen == 0 && f.ClosingFen == 0 && f.SpentFen == 0 && f.InFen() == 0 {
				continue
			}
			kept = append(kept, f)
		}
		st.Funds = kept
		for i := range st.Funds {
			f := &st.Funds[i]
			f.ByCategory = categoryLines(cats[f.FundID])
			for k, v := range cats[f.FundID] {
				total[k] += v
			}
			st.Total.OpeningFen += f.OpeningFen
			st.Total.AllocatedFen += f.AllocatedFen
			st.Total.ReceivedFen += f.ReceivedFen
			st.Total.SpentFen += f.SpentFen
			st.Total.ClosingFen += f.ClosingFen
		}
		st.Total.ByCategory = categoryLines(total)
		out = append(out, *st)
	}
	return out, nil
}

// categoryLines orders categories as the form lists them, transfers last.
func categoryLines(m map[string]int64) []CategoryLine {
	var out []CategoryLine
	for k, v := range m {
		if v != 0 {
			out = append(out, CategoryLine{k, v})
		}
	}
	rank := func(c string) int {
		for i, x := range Categories {
			if x.Code == c {
				return i
			}
		}
		return len(Categories)
	}
	sort.Slice(out, func(i, j int) bool { return rank(out[i].Category) < rank(out[j].Category) })
	return out
}
