package workaccess

import (
	"context"
	"database/sql"
	"sort"
	"time"

	"shequ/internal/workdays"
)

// Line is what one department owes one community (or, summed, a
// department or a community in all) over a ledger's months, in 分.
type Line struct {
	Department     string `json:"department,omitempty"`
	DepartmentName string `json:"department_name,omitempty"`
	Community      int64  `json:"community_id,omitempty"`
	DueFen         int64  `json:"due_fen"`
	ReceivedFen    int64  `json:"received_fen"`
	// The demand score: staff minutes of recorded work the department's
	// items imposed, and of those the minutes of items that carry money.
	ImposedMinutes int64 `json:"-"`
	FundedMinutes  int64 `json:"-"`
}

// ArrearsFen is what is still owed; negative when paid ahead.
func (l Line) ArrearsFen() int64 { return l.DueFen - l.ReceivedFen }

// Ledger is 费随事转 over whole months: due from the funding rules,
// received from the payments recorded.
type Ledger struct {
	From, To    string
	Lines       []Line // per department and community
	Departments []Line // per department
	Communities []Line // per community
	DueFen      int64
	ReceivedFen int64
}

// ledgerItem is what the ledger needs of a catalogue item.
type ledgerItem struct {
	id             int64
	dept, deptName string
	rule, freq     string
	minutes        int64
	fen            int64
	kind           string
	from, to       time.Time // in force, inclusive; to zero when open
	admitted       bool
}

func (s *Service) ledgerItems(ctx context.Context) ([]ledgerItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, i.department, COALESCE(d.name, i.department), i.funding_rule,
		i.frequency, i.staff_minutes, i.funding_fen, i.kind, i.valid_from, i.valid_to, i.status, i.revoked_on
		FROM work_items i LEFT JOIN departments d ON d.code = i.department WHERE i.kind <> 'negative' ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledgerItem
	for rows.Next() {
		var it ledgerItem
		var from, to, status, revoked string
		if err := rows.Scan(&it.id, &it.dept, &it.deptName, &it.rule, &it.freq, &it.minutes, &it.fen, &it.kind,
			&from, &to, &status, &revoked); err != nil {
			return nil, err
		}
		it.from, _ = workdays.ParseDate(from)
		if to != "" {
			it.to, _ = workdays.ParseDate(to)
		}
		if status == Revoked && revoked != "" {
			// In force up to the day before it was revoked.
			r, _ := workdays.ParseDate(revoked)
			if end := r.AddDate(0, 0, -1); it.to.IsZero() || end.Before(it.to) {
				it.to = end
			}
		}
		it.admitted = status == Admitted
		out = append(out, it)
	}
	return out, rows.Err()
}

// daysInForce counts the days of [a, b] (dates, inclusive) the item was in
// force.
func (it ledgerItem) daysInForce(a, b time.Time) int64 {
	if a.Before(it.from) {
		a = it.from
	}
	if !it.to.IsZero() && b.After(it.to) {
		b = it.to
	}
	if b.Before(a) {
		return 0
	}
	return int64(b.Sub(a).Hours()+12)/24 + 1
}

// yearShare is the part of a yearly amount owed for month m: the item's
// days in force are counted from the first of January and the amount owed
// by the end of the month, rounded to 分, less what was owed by its start,
// so the twelve months of a year add up to the yearly amount exactly.
func (it ledgerItem) yearShare(amount int64, m time.Time) int64 {
	jan := time.Date(m.Year(), 1, 1, 0, 0, 0, 0, m.Location())
	days := int64(jan.AddDate(1, 0, 0).Sub(jan).Hours()+12) / 24
	owed := func(through time.Time) int64 {
		n := it.daysInForce(jan, through)
		return (amount*n + days/2) / days
	}
	end := m.AddDate(0, 1, -1)
	return owed(end) - owed(m.AddDate(0, 0, -1))
}

// due is what the item owes one community for month m.
func (it ledgerItem) due(m time.Time, households int, occurrences int64) int64 {
	switch it.rule {
	case PerOccurrence:
		if it.daysInForce(m, m.AddDate(0, 1, -1)) == 0 {
			return 0
		}
		return it.fen * occurrences
	case PerHousehold:
		return it.yearShare(it.fen*int64(households), m)
	case PerYear:
		return it.yearShare(it.fen, m)
	}
	return 0
}

type doneKey struct {
	community, item int64
	period          string
}

// workDone is the work the area's communities did over the periods, by
// community, item and month, as the ledger counts it. The rule: a month
// the staff recorded for an item at /work-done (even as 0) stands as they
// recorded it — they know best, and a count typed by hand includes the
// work the inbox brought; a month they did not record counts one
// occurrence for each demand resting on the item that the community marked
// done in that month (Shanghai date of the marking) and, for the items
// counted from visits and volunteers, one for each visit recorded and
// each volunteer activity held in the month.
func (s *Service) workDone(ctx context.Context, area Area, from, to string) (map[doneKey]int64, error) {
	out, err := s.handDone(ctx, area, from, to)
	if err != nil {
		return nil, err
	}
	inbox, err := s.inboxDone(ctx, area, from, to)
	if err != nil {
		return nil, err
	}
	// The visits recorded (the activities held) are the visit item's
	// (the volunteer item's) work done beside its done demands, where no
	// one recorded the month by hand.
	ids := make([]int64, 0, len(area.Communities))
	for c := range area.Communities {
		ids = append(ids, c)
	}
	counted, err := s.countedDone(ctx, ids, from, to)
	if err != nil {
		return nil, err
	}
	for k, n := range counted {
		inbox[k] += n
	}
	for k, n := range inbox {
		if _, ok := out[k]; !ok {
			out[k] = n
		}
	}
	return out, nil
}

// handDone reads the work the area's staff recorded by hand.
func (s *Service) handDone(ctx context.Context, area Area, from, to string) (map[doneKey]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT community_id, item_id, period, occurrences FROM work_done
		WHERE period >= $1 AND period <= $2`, from, to)
	if err != nil {
		return nil, err
	}
	return scanDone(rows, area)
}

// inboxDone counts the demands on catalogue items the area's communities
// marked done, by month.
func (s *Service) inboxDone(ctx context.Context, area Area, from, to string) (map[doneKey]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT community_id, work_item_id, SUBSTR(done_on, 1, 7), COUNT(*) FROM demands
		WHERE status = 'done' AND work_item_id IS NOT NULL AND done_on >= $1 AND done_on <= $2
		GROUP BY community_id, work_item_id, SUBSTR(done_on, 1, 7)`, from+"-01", to+"-31")
	if err != nil {
		return nil, err
	}
	return scanDone(rows, area)
}

func scanDone(rows *sql.Rows, area Area) (map[doneKey]int64, error) {
	defer rows.Close()
	out := map[doneKey]int64{}
	for rows.Next() {
		var k doneKey
		var n int64
		if err := rows.Scan(&k.community, &k.item, &k.period, &n); err != nil {
			return nil, err
		}
		if _, ok := area.Communities[k.community]; ok {
			out[k] = n
		}
	}
	return out, rows.Err()
}

// Ledger is the area's 费随事转 from month from to month to, inclusive.
func (s *Service) Ledger(ctx context.Context, area Area, from, to string) (*Ledger, error) {
	f, ok1 := ParsePeriod(from)
	t, ok2 := ParsePeriod(to)
	if !ok1 || !ok2 || t.Before(f) {
		return nil, errPeriod
	}
	items, err := s.ledgerItems(ctx)
	if err != nil {
		return nil, err
	}
	done, err := s.workDone(ctx, area, from, to)
	if err != nil {
		return nil, err
	}
	type key struct {
		dept      string
		community int64
	}
	lines := map[key]*Line{}
	line := func(dept, name string, c int64) *Line {
		k := key{dept, c}
		if lines[k] == nil {
			lines[k] = &Line{Department: dept, DepartmentName: name, Community: c}
		}
		return lines[k]
	}
	for _, m := range months(f, t) {
		p := m.Format("2006-01")
		for _, it := range items {
			for c, hh := range area.Communities {
				n := done[doneKey{c, it.id, p}]
				d := it.due(m, hh, n)
				if d == 0 && n == 0 {
					continue
				}
				l := line(it.dept, it.deptName, c)
				l.DueFen += d
				l.ImposedMinutes += n * it.minutes
				if it.rule != Unfunded && it.fen > 0 {
					l.FundedMinutes += n * it.minutes
				}
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.department, COALESCE(d.name, f.department), f.community_id, SUM(f.amount_fen)
		FROM work_funds f LEFT JOIN departments d ON d.code = f.department
		WHERE f.received_on >= $1 AND f.received_on <= $2 GROUP BY f.department, d.name, f.community_id`,
		f.Format("2006-01-02"), t.AddDate(0, 1, -1).Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var dept, name string
		var c, fen int64
		if err := rows.Scan(&dept, &name, &c, &fen); err != nil {
			return nil, err
		}
		if _, ok := area.Communities[c]; ok {
			line(dept, name, c).ReceivedFen += fen
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lg := &Ledger{From: from, To: to}
	byDept, byComm := map[string]*Line{}, map[int64]*Line{}
	for _, l := range lines {
		lg.Lines = append(lg.Lines, *l)
		lg.DueFen += l.DueFen
		lg.ReceivedFen += l.ReceivedFen
		if byDept[l.Department] == nil {
			byDept[l.Department] = &Line{Department: l.Department, DepartmentName: l.DepartmentName}
		}
		if byComm[l.Community] == nil {
			byComm[l.Community] = &Line{Community: l.Community}
		}
		for _, sum := range []*Line{byDept[l.Department], byComm[l.Community]} {
			sum.DueFen += l.DueFen
			sum.ReceivedFen += l.ReceivedFen
			sum.ImposedMinutes += l.ImposedMinutes
			sum.FundedMinutes += l.FundedMinutes
		}
	}
	for _, l := range byDept {
		lg.Departments = append(lg.Departments, *l)
	}
	for _, l := range byComm {
		lg.Communities = append(lg.Communities, *l)
	}
	sort.Slice(lg.Lines, func(i, j int) bool {
		a, b := lg.Lines[i], lg.Lines[j]
		return a.Department < b.Department || a.Department == b.Department && a.Community < b.Community
	})
	sort.Slice(lg.Departments, func(i, j int) bool {
		return lg.Departments[i].ArrearsFen() > lg.Departments[j].ArrearsFen() ||
			lg.Departments[i].ArrearsFen() == lg.Departments[j].ArrearsFen() && lg.Departments[i].Department < lg.Departments[j].Department
	})
	sort.Slice(lg.Communities, func(i, j int) bool { return lg.Communities[i].Community < lg.Communities[j].Community })
	return lg, nil
}
