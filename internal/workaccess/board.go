package workaccess

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// Board is the burden dashboard (减负看板) of a unit for one month: the
// month of its communities in all and of each side by side, what each
// department owes, and a year's trend. It is computed from a handful of
// grouped queries, however many communities the unit has.
type Board struct {
	Period          string
	Total           *Burden
	Communities     []Column // in the org tree's order
	Departments     []Line   // the month's, per department
	YearFrom        string   // January of the month's year
	YearDepartments []Line   // from YearFrom to the month, per department, the largest arrears first
	Trend           []Month  // the twelve months ending with the board's, oldest first
}

// Column is one community's month on the board.
type Column struct {
	ID   int64  `json:"community_id"`
	Name string `json:"name"`
	*Burden
}

// Month is one month of a board's trend, for its communities in all.
type Month struct {
	Period           string
	ItemsDemanded    int
	MinutesDemanded  int64
	MinutesAvailable int64
	DueFen           int64
	ReceivedFen      int64
}

// Board computes the dashboard of unit for period (YYYY-MM).
func (s *Service) Board(ctx context.Context, unit int64, period string) (*Board, error) {
	m, ok := ParsePeriod(period)
	if !ok {
		return nil, errPeriod
	}
	area, cs, err := s.areaOf(ctx, unit)
	if err != nil {
		return nil, err
	}
	cols := make([]Column, 0, len(cs))
	for _, c := range cs {
		cols = append(cols, Column{ID: c.ID, Name: c.Name})
	}
	return s.board(ctx, areaScope{unit: unit}, area, cols, m, true)
}

// boardInputs is what a board reads once for all its communities.
type boardInputs struct {
	items                       []ledgerItem
	systems                     map[int64]string
	requests                    []openRequest
	reportItems, reportComputed int
	isWorkday                   func(time.Time) bool
}

type openRequest struct{ received, validTo string }

func (s *Service) boardInputs(ctx context.Context) (*boardInputs, error) {
	in := &boardInputs{systems: map[int64]string{}}
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	in.isWorkday = cal.IsWorkday
	if in.items, err = s.ledgerItems(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, system FROM work_items WHERE system <> ''`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		in.systems[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT received_on, valid_to FROM work_requests WHERE status IN ('pending', 'refused')`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r openRequest
		if err := rows.Scan(&r.received, &r.validTo); err != nil {
			rows.Close()
			return nil, err
		}
		in.requests = append(in.requests, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if s.reports != nil {
		if in.reportItems, in.reportComputed, err = s.reports.ReportLoad(ctx); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// monthOf is what the catalogue asks of every community in month m: the
// items in force, the requests pending or refused over it and the systems
// its items need.
func (in *boardInputs) monthOf(m time.Time) (inForce []ledgerItem, requests int, systems []string) {
	end := m.AddDate(0, 1, -1)
	for _, it := range in.items {
		if it.daysInForce(m, end) == 0 {
			continue
		}
		inForce = append(inForce, it)
		if name := in.systems[it.id]; name != "" && !slices.Contains(systems, name) {
			systems = append(systems, name)
		}
	}
	from, to := dateOf(m), dateOf(end)
	for _, r := range in.requests {
		if r.received <= to && (r.validTo == "" || r.validTo >= from) {
			requests++
		}
	}
	slices.Sort(systems)
	return inForce, requests, systems
}

func (s *Service) board(ctx context.Context, scope areaScope, area Area, cols []Column, m time.Time, withYear bool) (*Board, error) {
	period := m.Format("2006-01")
	ids := make([]int64, 0, len(cols))
	for _, c := range cols {
		ids = append(ids, c.ID)
	}
	if scope.unit == 0 {
		scope.ids = ids
	}
	var (
		in       *boardInputs
		done     map[[2]int64]int64
		received map[int64]int64
		demands  map[demandKey][]demandCount
		y        *yearData
	)
	reads := []func() error{
		func() (err error) { in, err = s.boardInputs(ctx); return err },
		func() (err error) { done, err = s.monthDone(ctx, scope, ids, period); return err },
		func() (err error) { received, err = s.receivedBy(ctx, scope, m); return err },
		func() (err error) { demands, err = s.demandCounts(ctx, scope, m, m, true); return err },
	}
	var counted map[monthItem]monthSums
	if withYear {
		reads = append(reads, func() (err error) { y, err = s.cachedYear(ctx, scope, ids, m); return err },
			func() (err error) { counted, err = s.yearCounted(ctx, scope, ids, m); return err })
	}
	if err := together(reads...); err != nil {
		return nil, err
	}
	if withYear {
		y = y.withCounted(counted)
	}
	inForce, requests, systems := in.monthOf(m)
	wd := workdaysIn(in.isWorkday, m)
	b := &Board{Period: period, Total: newBurden(period), YearFrom: m.Format("2006") + "-01"}
	b.Total.ItemsAdmitted, b.Total.RequestsOpen, b.Total.Workdays = len(inForce), requests, wd
	b.Total.SeparateSystems, b.Total.SeparateSystemNames = len(systems), append(b.Total.SeparateSystemNames, systems...)
	for _, c := range cols {
		cb := newBurden(period)
		cb.Communities, cb.Workdays, cb.ItemsAdmitted, cb.RequestsOpen = 1, wd, len(inForce), requests
		cb.SeparateSystems, cb.SeparateSystemNames = len(systems), append(cb.SeparateSystemNames, systems...)
		hh := area.Communities[c.ID]
		cb.Staff, cb.Households = area.StaffOf[c.ID], hh
		cb.MinutesAvailable = int64(cb.Staff) * int64(wd) * 8 * 60
		for _, it := range inForce {
			n, recorded := done[[2]int64{c.ID, it.id}]
			if recorded {
				cb.MinutesDemanded += n * it.minutes
			} else {
				cb.MinutesDemanded += it.expectedMinutes(wd)
			}
			cb.FundsDueFen += it.due(m, hh, n)
		}
		cb.FundsReceivedFen = received[c.ID]
		for _, d := range demands[demandKey{period, c.ID}] {
			cb.Demands += d.n
			cb.DemandsByKind[d.kind] += d.n
			if !d.obligation {
				cb.DemandsNotAdmitted += d.n
				cb.NotAdmittedByKind[d.kind] += d.n
			}
			if d.refused {
				cb.DemandsRefused += d.n
				cb.RefusedByKind[d.kind] += d.n
			}
		}
		cb.IndicatorsDemanded, cb.IndicatorsComputed = in.reportItems, in.reportComputed
		cb.ItemsDemanded = cb.ItemsAdmitted + cb.RequestsOpen + cb.Demands
		b.Total.add(cb)
		c.Burden = cb
		b.Communities = append(b.Communities, c)
	}
	b.Total.ItemsDemanded = b.Total.ItemsAdmitted + b.Total.RequestsOpen + b.Total.Demands
	if withYear {
		s.year(b, in, area, ids, m, y)
	}
	return b, nil
}

// areaScope is the communities a board covers in its queries: those under
// a unit, through the closure table, or a list of them.
type areaScope struct {
	unit int64
	ids  []int64
}

// where restricts column to the area's communities. The unary plus keeps
// SQLite from reading the table community by community through its primary
// key: scanning the month's (or year's) covering index once and checking
// each row against the area is many times faster for a city of hundreds of
// communities, and hardly slower for one.
func (sc areaScope) where(a *database.Args, column string) string {
	if sc.unit != 0 {
		return "+" + column + " IN (SELECT c.unit_id FROM org_closure c WHERE c.ancestor_id = " + a.Arg(sc.unit) + ")"
	}
	return a.In("+"+column, database.AnyOf(sc.ids)...)
}

// monthDone reads the work the communities (ids) recorded for period, by
// community and item, as the ledger counts it (workDone).
func (s *Service) monthDone(ctx context.Context, scope areaScope, ids []int64, period string) (map[[2]int64]int64, error) {
	a := s.db.Args(period)
	rows, err := s.db.QueryContext(ctx, `SELECT d.community_id, d.item_id, d.occurrences FROM work_done d
		WHERE d.period = $1 AND `+scope.where(a, "d.community_id"), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]int64]int64{}
	for rows.Next() {
		var c, item, n int64
		if err := rows.Scan(&c, &item, &n); err != nil {
			return nil, err
		}
		out[[2]int64{c, item}] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	m, _ := ParsePeriod(period)
	inbox, err := s.inboxSums(ctx, scope, m, m, true)
	if err != nil {
		return nil, err
	}
	counted, err := s.countedDone(ctx, ids, period, period)
	if err != nil {
		return nil, err
	}
	// Visits (and other counted records) count where no one recorded the
	// item by hand, beside its done demands (which inboxSums already leaves
	// out where someone did).
	for k, n := range counted {
		if _, hand := out[[2]int64{k.community, k.item}]; !hand {
			inbox[inboxKey{period, k.community, k.item}] = monthSums{occurrences: inbox[inboxKey{period, k.community, k.item}].occurrences + n}
		}
	}
	for k, v := range inbox {
		out[[2]int64{k.community, k.item}] = v.occurrences
	}
	return out, nil
}

type inboxKey struct {
	period          string
	community, item int64 // community 0 when summed for the area
}

// inboxSums is the ledger's second source of work done (workDone): the
// demands on catalogue items marked done in the months from..to, for the
// community, item and month the staff recorded nothing by hand. Summed per
// community when perCommunity, else per item across the area with the
// number of communities they came from.
func (s *Service) inboxSums(ctx context.Context, scope areaScope, from, to time.Time, perCommunity bool) (map[inboxKey]monthSums, error) {
	a := s.db.Args(dateOf(from), dateOf(to.AddDate(0, 1, -1)))
	community, group := "0", ""
	if perCommunity {
		community, group = "m.community_id", ", m.community_id"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT SUBSTR(m.done_on, 1, 7), m.work_item_id, `+community+`, COUNT(*),
		COUNT(DISTINCT m.community_id) FROM demands m
		WHERE m.status = 'done' AND m.work_item_id IS NOT NULL AND m.done_on >= $1 AND m.done_on <= $2
		AND `+scope.where(a, "m.community_id")+`
		AND NOT EXISTS (SELECT 1 FROM work_done d WHERE d.community_id = m.community_id
			AND d.item_id = m.work_item_id AND d.period = SUBSTR(m.done_on, 1, 7))
		GROUP BY SUBSTR(m.done_on, 1, 7), m.work_item_id`+group, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[inboxKey]monthSums{}
	for rows.Next() {
		var k inboxKey
		var v monthSums
		if err := rows.Scan(&k.period, &k.item, &k.community, &v.occurrences, &v.communities); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// receivedBy sums the payments received in month m by community.
func (s *Service) receivedBy(ctx context.Context, scope areaScope, m time.Time) (map[int64]int64, error) {
	a := s.db.Args(dateOf(m), dateOf(m.AddDate(0, 1, -1)))
	rows, err := s.db.QueryContext(ctx, `SELECT f.community_id, SUM(f.amount_fen) FROM work_funds f
		WHERE f.received_on >= $1 AND f.received_on <= $2 AND `+scope.where(a, "f.community_id")+`
		GROUP BY f.community_id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var c, fen int64
		if err := rows.Scan(&c, &fen); err != nil {
			return nil, err
		}
		out[c] = fen
	}
	return out, rows.Err()
}

type demandKey struct {
	period    string
	community int64 // 0 when counted for the area in all
}

type demandCount struct {
	kind       string
	obligation bool
	refused    bool
	n          int
}

// demandCounts counts the inbox's demands falling due in the months from..to
// by month, kind and whether they are an obligation (Demand.Grounds), per
// community when perCommunity, else for the area in all.
func (s *Service) demandCounts(ctx context.Context, scope areaScope, from, to time.Time, perCommunity bool) (map[demandKey][]demandCount, error) {
	a := s.db.Args(dateOf(from), dateOf(to.AddDate(0, 1, -1)))
	community, groupCommunity := "0", ""
	if perCommunity {
		community, groupCommunity = "m.community_id", "m.community_id, "
	}
	rows, err := s.db.QueryContext(ctx, `SELECT substr(m.due_on, 1, 7), `+community+`, m.kind,
		CASE WHEN m.work_item_id IS NULL THEN 0 ELSE 1 END, COALESCE(i.status, ''), COALESCE(i.kind, ''),
		COALESCE(i.funding_rule, ''), CASE WHEN m.status = 'refused' THEN 1 ELSE 0 END, COUNT(*)
		FROM demands m LEFT JOIN work_items i ON i.id = m.work_item_id
		WHERE m.due_on >= $1 AND m.due_on <= $2 AND `+scope.where(a, "m.community_id")+`
		GROUP BY substr(m.due_on, 1, 7), `+groupCommunity+`m.kind, CASE WHEN m.work_item_id IS NULL THEN 0 ELSE 1 END,
		i.status, i.kind, i.funding_rule, CASE WHEN m.status = 'refused' THEN 1 ELSE 0 END`, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[demandKey][]demandCount{}
	for rows.Next() {
		var k demandKey
		var d Demand
		var refused, n int
		if err := rows.Scan(&k.period, &k.community, &d.Kind, &d.WorkItemID, &d.ItemStatus, &d.ItemKind, &d.ItemFunding,
			&refused, &n); err != nil {
			return nil, err
		}
		out[k] = append(out[k], demandCount{kind: d.Kind, obligation: d.Obligation(), refused: refused == 1, n: n})
	}
	return out, rows.Err()
}

// yearData is what a board's trend and departments read: the recorded
// work grouped by month and item across the area, the payments by month
// and department, the demands by month.
type yearData struct {
	done     map[monthItem]monthSums
	received map[monthDept]int64
	names    map[string]string
	demands  map[demandKey][]demandCount
}

type monthItem struct {
	period string
	item   int64
}

type monthSums struct{ occurrences, communities int64 }

type monthDept struct{ period, dept string }

// readYear reads the twelve months ending with m, its three queries at once.
func (s *Service) readYear(ctx context.Context, scope areaScope, m time.Time) (*yearData, error) {
	first := m.AddDate(0, -11, 0)
	y := &yearData{done: map[monthItem]monthSums{}, received: map[monthDept]int64{}, names: map[string]string{}}
	var inbox map[inboxKey]monthSums
	err := together(func() error {
		a := s.db.Args(first.Format("2006-01"), m.Format("2006-01"))
		rows, err := s.db.QueryContext(ctx, `SELECT d.period, d.item_id, SUM(d.occurrences), COUNT(*) FROM work_done d
			WHERE d.period >= $1 AND d.period <= $2 AND `+scope.where(a, "d.community_id")+`
			GROUP BY d.period, d.item_id`, a.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k monthItem
			var v monthSums
			if err := rows.Scan(&k.period, &k.item, &v.occurrences, &v.communities); err != nil {
				return err
			}
			y.done[k] = v
		}
		return rows.Err()
	}, func() (err error) {
		inbox, err = s.inboxSums(ctx, scope, first, m, false)
		return err
	}, func() error {
		a := s.db.Args(dateOf(first), dateOf(m.AddDate(0, 1, -1)))
		rows, err := s.db.QueryContext(ctx, `SELECT substr(f.received_on, 1, 7), f.department, COALESCE(d.name, f.department),
			SUM(f.amount_fen) FROM work_funds f LEFT JOIN departments d ON d.code = f.department
			WHERE f.received_on >= $1 AND f.received_on <= $2 AND `+scope.where(a, "f.community_id")+`
			GROUP BY substr(f.received_on, 1, 7), f.department, d.name`, a.Values()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k monthDept
			var name string
			var fen int64
			if err := rows.Scan(&k.period, &k.dept, &name, &fen); err != nil {
				return err
			}
			y.received[k] += fen
			y.names[k.dept] = name
		}
		return rows.Err()
	}, func() error {
		var err error
		y.demands, err = s.demandCounts(ctx, scope, first, m, false)
		return err
	})
	for key, v := range inbox {
		sums := y.done[monthItem{key.period, key.item}]
		sums.occurrences += v.occurrences
		sums.communities += v.communities
		y.done[monthItem{key.period, key.item}] = sums
	}
	return y, err
}

// together runs the reads at once, each on a connection of its own, and
// returns their errors.
func together(reads ...func() error) error {
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = read()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// year fills the board's trend and its departments, month and year so far.
func (s *Service) year(b *Board, in *boardInputs, area Area, ids []int64, m time.Time, y *yearData) {
	first := m.AddDate(0, -11, 0)
	done, received, names, demands := y.done, y.received, y.names, y.demands
	staff := int64(area.Staff)
	communities := int64(len(ids))
	monthLines, yearLines := map[string]*Line{}, map[string]*Line{}
	line := func(lines map[string]*Line, dept, name string) *Line {
		if lines[dept] == nil {
			lines[dept] = &Line{Department: dept, DepartmentName: name}
		}
		return lines[dept]
	}
	for mm := first; !mm.After(m); mm = mm.AddDate(0, 1, 0) {
		p := mm.Format("2006-01")
		inForce, requests, _ := in.monthOf(mm)
		wd := workdaysIn(in.isWorkday, mm)
		t := Month{Period: p, ItemsDemanded: len(inForce) + requests, MinutesAvailable: staff * int64(wd) * 8 * 60}
		for _, d := range demands[demandKey{p, 0}] {
			t.ItemsDemanded += d.n
		}
		for _, it := range inForce {
			v := done[monthItem{p, it.id}]
			t.MinutesDemanded += v.occurrences*it.minutes + (communities-v.communities)*it.expectedMinutes(wd)
		}
		// What each department's items owe in the month, as the ledger
		// owes it community by community.
		for _, it := range in.items {
			v := done[monthItem{p, it.id}]
			var due int64
			switch it.rule {
			case PerHousehold:
				for _, id := range ids {
					due += it.due(mm, area.Communities[id], 0)
				}
			case PerYear:
				due = it.due(mm, 0, 0) * communities
			default:
				due = it.due(mm, 0, v.occurrences)
			}
			t.DueFen += due
			if due == 0 && v.occurrences == 0 {
				continue
			}
			imposed, funded := v.occurrences*it.minutes, int64(0)
			if it.rule != Unfunded && it.fen > 0 {
				funded = imposed
			}
			lines := []*Line{}
			if p == b.Period {
				lines = append(lines, line(monthLines, it.dept, it.deptName))
			}
			if p >= b.YearFrom {
				lines = append(lines, line(yearLines, it.dept, it.deptName))
			}
			for _, l := range lines {
				l.DueFen += due
				l.ImposedMinutes += imposed
				l.FundedMinutes += funded
			}
		}
		b.Trend = append(b.Trend, t)
	}
	for k, fen := range received {
		for i := range b.Trend {
			if b.Trend[i].Period == k.period {
				b.Trend[i].ReceivedFen += fen
			}
		}
		if k.period == b.Period {
			line(monthLines, k.dept, names[k.dept]).ReceivedFen += fen
		}
		if k.period >= b.YearFrom {
			line(yearLines, k.dept, names[k.dept]).ReceivedFen += fen
		}
	}
	b.Departments, b.YearDepartments = sortedLines(monthLines), sortedLines(yearLines)
}

// sortedLines orders departments' lines by their arrears, the largest
// first.
func sortedLines(lines map[string]*Line) []Line {
	out := make([]Line, 0, len(lines))
	for _, l := range lines {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].ArrearsFen() > out[j].ArrearsFen() ||
			out[i].ArrearsFen() == out[j].ArrearsFen() && out[i].Department < out[j].Department
	})
	return out
}
