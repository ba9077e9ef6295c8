package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Fund is a fund of a community with its sums. A 费随事转 fund's received
// includes the payments workaccess recorded for its community and year.
type Fund struct {
	ID            int64    `json:"id"`
	CommunityID   int64    `json:"community_id"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	Year          int      `json:"year"`
	Source        string   `json:"source,omitempty"`
	RuleCode      string   `json:"rule,omitempty"`
	NegativeList  []string `json:"negative_list,omitempty"`
	IdleDays      int      `json:"idle_days,omitempty"`
	IdleBy        string   `json:"idle_by,omitempty"`
	AllocatedFen  int64    `json:"allocated_fen"`
	ReceivedFen   int64    `json:"received_fen"`
	SpentFen      int64    `json:"spent_fen"`
	BalanceFen    int64    `json:"balance_fen"`
	Entries       int      `json:"entries"`
	Idle          bool     `json:"idle"`
	IdleSince     string   `json:"idle_since,omitempty"` // the day money was last moving
	firstIn       string
	lastOut       string
	transferFen   int64 // of received: 费随事转 payments read from workaccess
	transferFirst string
}

// KindName says the kind in words.
func (f Fund) KindName() string { return KindName(f.Kind) }

// TransferFen is what of the receipts came from workaccess's payments.
func (f Fund) TransferFen() int64 { return f.transferFen }

// Draft is what the new-fund form sets.
type Draft struct {
	Kind, Name, Source, RuleCode string
	Year                         int
	NegativeList                 string // one a line
	IdleDays                     string
	IdleBy                       string
}

// splitList reads a negative list typed one item a line (or by 、 ,).
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '、' || r == ',' || r == '\uff0c' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Create opens a fund in a community.
func (s *Service) Create(ctx context.Context, st Staff, community int64, d Draft) (Fund, error) {
	if community == 0 || !st.May(community) {
		return Fund{}, fault.Fields{"org": "请选择您管辖的社区"}
	}
	fe := fault.Fields{}
	d.Name, d.Source = strings.TrimSpace(d.Name), strings.TrimSpace(d.Source)
	if KindName(d.Kind) == "" {
		fe.Add("kind", "请选择经费类别")
	}
	if d.Name == "" || utf8.RuneCountInString(d.Name) > 40 {
		fe.Add("name", "请填写经费名称(40字以内)")
	}
	if utf8.RuneCountInString(d.Source) > 60 {
		fe.Add("source", "资金来源请在60字以内")
	}
	if d.Year < 2000 || d.Year > s.now().Year()+1 {
		fe.Add("year", "请填写经费所属年度")
	}
	idle := 0
	if v := strings.TrimSpace(d.IdleDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 3650 {
			fe.Add("idle_days", "闲置天数应为 0 到 3650 之间的整数")
		}
		idle = n
	}
	d.IdleBy = strings.TrimSpace(d.IdleBy)
	if d.IdleBy != "" && !date(d.IdleBy) {
		fe.Add("idle_by", "请填写日期,如 2026-12-31")
	}
	neg := splitList(d.NegativeList)
	if d.RuleCode != "" {
		r, err := s.Rule(ctx, d.RuleCode)
		if err != nil {
			fe.Add("rule", "没有这个测算规则")
		} else if len(neg) == 0 {
			neg = r.NegativeList
		}
	}
	if err := fe.Err(); err != nil {
		return Fund{}, err
	}
	f := Fund{ID: database.NewID(), CommunityID: community, Kind: d.Kind, Name: d.Name, Year: d.Year, Source: d.Source,
		RuleCode: d.RuleCode, NegativeList: neg, IdleDays: idle, IdleBy: d.IdleBy}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if d.Kind == "transfer" {
			// One 费随事转 fund a year: it reads all the year's payments.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM funds WHERE community_id = $1 AND kind = 'transfer' AND year = $2`,
				community, d.Year).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fault.Fields{"kind": "本社区这一年度已有费随事转经费"}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO funds (community_id, id, kind, name, year, source, rule_code,
			negative_list, idle_days, idle_by, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			community, f.ID, f.Kind, f.Name, f.Year, f.Source, f.RuleCode, strings.Join(neg, "\n"), idle, f.IdleBy,
			database.FormatTime(now), st.Name); err != nil {
			if isUnique(err) {
				return fault.Fields{"name": "本社区这一年度已有同名经费"}
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_sums (community_id, fund_id) VALUES ($1, $2)`, community, f.ID); err != nil {
			return err
		}
		return changeEvent(ctx, tx, st, now, community, "fund", f.ID, f)
	})
	if err != nil {
		return Fund{}, err
	}
	return f, nil
}

const fundColumns = `f.community_id, f.id, f.kind, f.name, f.year, f.source, f.rule_code, f.negative_list, f.idle_days,
	f.idle_by, s.allocated_fen, s.received_fen, s.spent_fen, s.entries, s.first_in_on, s.last_out_on`

func scanFund(sc interface{ Scan(...any) error }) (Fund, error) {
	var f Fund
	var neg string
	err := sc.Scan(&f.CommunityID, &f.ID, &f.Kind, &f.Name, &f.Year, &f.Source, &f.RuleCode, &neg, &f.IdleDays,
		&f.IdleBy, &f.AllocatedFen, &f.ReceivedFen, &f.SpentFen, &f.Entries, &f.firstIn, &f.lastOut)
	f.NegativeList = splitList(neg)
	return f, err
}

// Fund returns one fund the staff may see, with its balance.
func (s *Service) Fund(ctx context.Context, st Staff, id int64) (Fund, error) {
	f, err := s.fund(ctx, s.db, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !st.May(f.CommunityID)) {
		return Fund{}, ErrNoFund
	}
	if err != nil {
		return Fund{}, err
	}
	if err := s.addTransfers(ctx, s.db, []*Fund{&f}); err != nil {
		return Fund{}, err
	}
	s.finish(&f)
	return f, nil
}

func (s *Service) fund(ctx context.Context, q database.Querier, id int64) (Fund, error) {
	return scanFund(q.QueryRowContext(ctx, `SELECT `+fundColumns+` FROM funds f
		JOIN fund_sums s ON s.community_id = f.community_id AND s.fund_id = f.id WHERE f.id = $1`, id))
}

// List returns a community's funds of a year (0: every year), newest year
// first.
func (s *Service) List(ctx context.Context, st Staff, community int64, year int) ([]Fund, error) {
	if !st.May(community) {
		return nil, ErrNoFund
	}
	return s.ListIn(ctx, []int64{community}, year)
}

// ListIn returns the funds of the communities (a street's, a district's)
// of a year (0: every year), by community, newest year first.
func (s *Service) ListIn(ctx context.Context, communities []int64, year int) ([]Fund, error) {
	if len(communities) == 0 {
		return nil, nil
	}
	a := s.db.Args()
	q := `SELECT ` + fundColumns + ` FROM funds f JOIN fund_sums s ON s.community_id = f.community_id AND s.fund_id = f.id
		WHERE ` + a.In("f.community_id", database.AnyOf(communities)...)
	if year != 0 {
		q += ` AND f.year = ` + a.Arg(year)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY f.community_id, f.year DESC, f.kind, f.name`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Fund
	for rows.Next() {
		f, err := scanFund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*Fund, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := s.addTransfers(ctx, s.db, ptrs); err != nil {
		return nil, err
	}
	for i := range out {
		s.finish(&out[i])
	}
	return out, nil
}

// addTransfers adds to each 费随事转 fund the payments workaccess recorded
// for its community in its year (reversals there are negative entries),
// read through q: inside a transaction, q is the transaction.
func (s *Service) addTransfers(ctx context.Context, q database.Querier, fs []*Fund) error {
	byKey := map[string]*Fund{}
	var cs []any
	for _, f := range fs {
		if f.Kind == "transfer" {
			byKey[fmt.Sprint(f.CommunityID, "/", f.Year)] = f
			cs = append(cs, f.CommunityID)
		}
	}
	if len(cs) == 0 {
		return nil
	}
	a := s.db.Args()
	rows, err := q.QueryContext(ctx, `SELECT community_id, SUBSTR(received_on, 1, 4), SUM(amount_fen), MIN(received_on)
		FROM work_funds WHERE `+a.In("community_id", cs...)+` GROUP BY community_id, SUBSTR(received_on, 1, 4)`, a.Values()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c, fen int64
		var y, first string
		if err := rows.Scan(&c, &y, &fen, &first); err != nil {
			return err
		}
		if f := byKey[fmt.Sprint(c, "/", y)]; f != nil {
			f.transferFen, f.transferFirst = fen, first
		}
	}
	return rows.Err()
}

// finish sets the balance and the idle flag. A fund is idle when money is
// left and either its idle day has passed, or nothing was spent for
// IdleDays since the last expense (or, before any, the first money in).
func (s *Service) finish(f *Fund) {
	f.ReceivedFen += f.transferFen
	f.BalanceFen = f.AllocatedFen + f.ReceivedFen - f.SpentFen
	if f.firstIn == "" || (f.transferFirst != "" && f.transferFirst < f.firstIn) {
		f.firstIn = f.transferFirst
	}
	if f.BalanceFen <= 0 {
		return
	}
	today := s.today()
	if f.IdleBy != "" && today > f.IdleBy {
		f.Idle, f.IdleSince = true, f.IdleBy
		return
	}
	since := f.lastOut
	if since == "" {
		since = f.firstIn
	}
	if f.IdleDays > 0 && since != "" {
		d, err := workdays.ParseDate(since)
		if err == nil && d.AddDate(0, 0, f.IdleDays).Format(database.DateLayout) < today {
			f.Idle, f.IdleSince = true, since
		}
	}
}

// Idle lists the idle funds of the communities.
func (s *Service) Idle(ctx context.Context, communities []int64) ([]Fund, error) {
	fs, err := s.ListIn(ctx, communities, 0)
	var out []Fund
	for _, f := range fs {
		if f.Idle {
			out = append(out, f)
		}
	}
	return out, err
}

// yearOf reads the year of a day.
func yearOf(day string) int {
	y, _ := strconv.Atoi(day[:4])
	return y
}
