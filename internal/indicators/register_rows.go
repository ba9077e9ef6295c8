package indicators

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	"shequ/internal/database"
	"shequ/internal/register"
)

// Register rows as the engine keeps them: ids, places, value indices and
// numbers, read from the live tables in a form that costs the engines
// little (codes turned into small integers in SQL, dates into YYYYMMDD)
// and decoded from change-event snapshots into the same form.

type personRow struct {
	id, household, grid, org, employer int64
	birth                              int64
	gender, residence, status          int16
	ethnicity, relation                int16
}

type householdRow struct {
	id, house, grid, org int64
	kind, status         int16
}

type houseRow struct {
	id, building, grid, org int64
	use                     int16
	area                    float64
}

type buildingRow struct {
	id, grid      int64
	kind          int16
	floors, built float64
}

type orgRow struct {
	id, grid, org int64
	kind, status  int16
	staff         float64
	uscc          bool
}

type tagRow struct {
	id, person int64
	tag        int16
	flags      uint8 // bit k: in force in state k
}

type rentalRow struct {
	id, house int64
	flags     uint8 // bit k: in force in state k
	rent      float64
	count     int32   // tenants
	tenants   []int64 // their ids, when asked for
}

// codeCase builds a SQL expression giving the index of column's value
// among f's codes (in order), and len(f.Values) for anything else.
func codeCase(column string, f *Field) string {
	var b strings.Builder
	b.WriteString("(CASE ")
	b.WriteString(column)
	for i, v := range f.Values {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(v.Code, "'", "''"), i)
	}
	fmt.Fprintf(&b, " ELSE %d END)", len(f.Values))
	return b.String()
}

// packer puts several small indices in one integer column: SQLite hands
// each column to Go separately, and columns cost more than arithmetic.
// Each part takes a power of two above its number of values; an index out
// of range (a code the field does not know) comes back as -1.
type packer struct {
	exprs  []string
	counts []int64
	widths []int64
}

// code adds a column holding one of f's codes.
func (p *packer) code(column string, f *Field) *packer {
	return p.add(codeCase(column, f), int64(len(f.Values)))
}

// add adds an SQL expression giving an index below n.
func (p *packer) add(expr string, n int64) *packer {
	w := int64(1)
	for w <= n {
		w *= 2
	}
	p.exprs, p.counts, p.widths = append(p.exprs, expr), append(p.counts, n), append(p.widths, w)
	return p
}

// sql is the packed expression.
func (p *packer) sql() string {
	var parts []string
	mult := int64(1)
	for i, e := range p.exprs {
		parts = append(parts, fmt.Sprintf("%d*%s", mult, e))
		mult *= p.widths[i]
	}
	return strings.Join(parts, " + ")
}

func (p *packer) unpack(v int64, out ...*int16) {
	for i := range p.exprs {
		x := v % p.widths[i]
		v /= p.widths[i]
		if x >= p.counts[i] {
			*out[i] = -1
		} else {
			*out[i] = int16(x)
		}
	}
}

// dateBytes is dateInt for a column's bytes.
func dateBytes(b []byte) int64 {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0
	}
	var n int64
	for i, c := range b {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// birthSQL turns a YYYY-MM-DD column into YYYYMMDD (0 when malformed).
func birthSQL(col string) string {
	return "(CASE WHEN length(" + col + ") = 10 THEN CAST(REPLACE(" + col + ", '-', '') AS INTEGER) ELSE 0 END)"
}

// codeIndex maps codes of a field to value indices, for snapshots and text
// columns.
type codeIndex map[string]int16

func indexOf(f *Field) codeIndex {
	m := codeIndex{}
	for i, v := range f.Values {
		m[v.Code] = int16(i)
	}
	return m
}

func (m codeIndex) get(code string) int16 {
	if i, ok := m[code]; ok {
		return i
	}
	return -1
}

// personLoad says which person columns a scan needs beyond the usual.
type personLoad struct {
	fine     bool // the record's own unit, not its grid
	employer bool // the employer's id, not only whether there is one
	// ethnicity and relation: the value indices filters mention (nil when
	// the field is not wanted); other values read as unknown.
	ethnicity, relation []int
}

func placeSQL(fine bool) string {
	if fine {
		return "org_id"
	}
	return "COALESCE(grid_id, org_id)"
}

// codeSubset is codeCase for only some of f's values.
func codeSubset(column string, f *Field, idx []int) string {
	var b strings.Builder
	b.WriteString("(CASE ")
	b.WriteString(column)
	for _, i := range idx {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", strings.ReplaceAll(f.Values[i].Code, "'", "''"), i)
	}
	fmt.Fprintf(&b, " ELSE %d END)", len(f.Values))
	return b.String()
}

// personQuery builds (and keeps) the query a personLoad needs.
func (s *RegisterSource) personQuery(l personLoad) (string, *packer) {
	key := fmt.Sprint(l.fine, l.employer, l.ethnicity == nil, l.ethnicity, l.relation == nil, l.relation)
	if v, ok := s.personQueries.Load(key); ok {
		q := v.(personQuery)
		return q.sql, q.pack
	}
	p := s.person
	pack := new(packer).code("gender", p.Field("gender")).code("residence", p.Field("residence")).
		code("status", p.Field("status")).add("(CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END)", 2)
	if l.ethnicity != nil {
		pack.add(codeSubset("ethnicity", p.Field("ethnicity"), l.ethnicity), int64(len(p.Field("ethnicity").Values)))
	}
	if l.relation != nil {
		pack.add(codeSubset("relation", p.Field("relation"), l.relation), int64(len(p.Field("relation").Values)))
	}
	// The birth date comes as text: turning it into a number in SQL costs
	// the engines more than parsing ten bytes here.
	cols := `id, COALESCE(household_id, 0), ` + placeSQL(l.fine) + `, ` + pack.sql() + `, birth_date`
	if l.employer {
		cols += `, COALESCE(employer_id, 0)`
	}
	// In id order, the order of the covering index: tags are matched to
	// persons by walking both.
	q := `SELECT ` + cols + ` FROM persons WHERE community_id = $1 ORDER BY id`
	s.personQueries.Store(key, personQuery{q, pack})
	return q, pack
}

type personQuery struct {
	sql  string
	pack *packer
}

func (s *RegisterSource) loadPersons(ctx context.Context, community int64, l personLoad, out []personRow) ([]personRow, error) {
	q, pack := s.personQuery(l)
	out = out[:0]
	var employed int16
	parts := []*int16{nil, nil, nil, &employed, nil, nil}
	err := scanRaw(ctx, s.db, q, []any{community}, func(v []driver.Value) error {
		place := rawInt(v[2])
		r := personRow{id: rawInt(v[0]), household: rawInt(v[1]), grid: place, org: place, birth: rawDate(v[4]),
			ethnicity: -1, relation: -1}
		if l.employer {
			r.employer = rawInt(v[5])
		}
		packed := rawInt(v[3])
		parts[0], parts[1], parts[2] = &r.gender, &r.residence, &r.status
		n := 4
		if l.ethnicity != nil {
			parts[n] = &r.ethnicity
			n++
		}
		if l.relation != nil {
			parts[n] = &r.relation
			n++
		}
		pack.unpack(packed, parts[:n]...)
		if !l.employer && employed == 1 {
			r.employer = -1 // employed, the employer's id not read
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// coarse is the place a scan that needs no finer place gives a record: its
// grid, or its own unit when it has none.
func coarse(grid, org int64, fine bool) (int64, int64) {
	if fine {
		return grid, org
	}
	if grid != 0 {
		return grid, grid
	}
	return org, org
}

func (s *RegisterSource) decodePerson(snap string, fine bool) (personRow, bool) {
	var p register.Person
	if err := json.Unmarshal([]byte(snap), &p); err != nil {
		return personRow{}, false
	}
	f := s.pf
	grid, org := coarse(p.GridID, p.OrgID, fine)
	return personRow{id: p.ID, household: p.HouseholdID, grid: grid, org: org, employer: p.EmployerID,
		birth: dateInt(p.BirthDate), gender: f.gender.get(p.Gender), residence: f.residence.get(p.Residence),
		status: f.status.get(p.Status), ethnicity: f.ethnicity.get(p.Ethnicity), relation: f.relation.get(p.Relation)}, true
}

func (s *RegisterSource) loadHouseholds(ctx context.Context, community int64, fine bool, out []householdRow) ([]householdRow, error) {
	out = out[:0]
	err := scanRaw(ctx, s.db, `SELECT id, COALESCE(house_id, 0), `+placeSQL(fine)+`, `+
		s.householdPack.sql()+` FROM households WHERE community_id = $1`, []any{community}, func(v []driver.Value) error {
		place := rawInt(v[2])
		r := householdRow{id: rawInt(v[0]), house: rawInt(v[1]), grid: place, org: place}
		s.householdPack.unpack(rawInt(v[3]), &r.kind, &r.status)
		out = append(out, r)
		return nil
	})
	return out, err
}

func (s *RegisterSource) decodeHousehold(snap string, fine bool) (householdRow, bool) {
	var h register.Household
	if err := json.Unmarshal([]byte(snap), &h); err != nil {
		return householdRow{}, false
	}
	grid, org := coarse(h.GridID, h.OrgID, fine)
	return householdRow{id: h.ID, house: h.HouseID, grid: grid, org: org,
		kind: s.hf.kind.get(h.Kind), status: s.hf.status.get(h.Status)}, true
}

func (s *RegisterSource) loadHouses(ctx context.Context, community int64, fine bool, out []houseRow) ([]houseRow, error) {
	out = out[:0]
	n := int16(len(s.house.Field("use").Values))
	err := scanRaw(ctx, s.db, `SELECT id, building_id, `+placeSQL(fine)+`, `+
		codeCase("use", s.house.Field("use"))+`, area_m2 FROM houses WHERE community_id = $1`, []any{community},
		func(v []driver.Value) error {
			place := rawInt(v[2])
			r := houseRow{id: rawInt(v[0]), building: rawInt(v[1]), grid: place, org: place, use: int16(rawInt(v[3])),
				area: rawFloat(v[4])}
			if r.use >= n {
				r.use = -1
			}
			out = append(out, r)
			return nil
		})
	return out, err
}

func (s *RegisterSource) decodeHouse(snap string, fine bool) (houseRow, bool) {
	var h register.House
	if err := json.Unmarshal([]byte(snap), &h); err != nil {
		return houseRow{}, false
	}
	grid, org := coarse(h.GridID, h.OrgID, fine)
	return houseRow{id: h.ID, building: h.BuildingID, grid: grid, org: org,
		use: s.usef.get(h.Use), area: h.AreaM2}, true
}

func (s *RegisterSource) loadBuildings(ctx context.Context, community int64) ([]buildingRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), kind, floors, built_year
		FROM buildings WHERE community_id = $1`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []buildingRow
	for rows.Next() {
		var r buildingRow
		var kind string
		var floors, built int64
		if err := rows.Scan(&r.id, &r.grid, &kind, &floors, &built); err != nil {
			return nil, err
		}
		r.kind = s.bkind.get(kind)
		r.floors, r.built = float64(floors), float64(built)
		if built == 0 {
			r.built = nan
		}
		if floors == 0 {
			r.floors = nan
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *RegisterSource) decodeBuilding(snap string) (buildingRow, bool) {
	var b register.Building
	if err := json.Unmarshal([]byte(snap), &b); err != nil {
		return buildingRow{}, false
	}
	r := buildingRow{id: b.ID, grid: b.GridID, kind: s.bkind.get(b.Kind), floors: float64(b.Floors), built: float64(b.BuiltYear)}
	if b.BuiltYear == 0 {
		r.built = nan
	}
	if b.Floors == 0 {
		r.floors = nan
	}
	return r, true
}

func (s *RegisterSource) loadOrganisations(ctx context.Context, community int64) ([]orgRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(grid_id, 0), org_id, kind, status, staff_count, uscc
		FROM organisations WHERE community_id = $1`, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []orgRow
	for rows.Next() {
		var r orgRow
		var kind, status, uscc string
		var staff int64
		if err := rows.Scan(&r.id, &r.grid, &r.org, &kind, &status, &staff, &uscc); err != nil {
			return nil, err
		}
		r.kind, r.status, r.staff, r.uscc = s.okind.get(kind), s.ostatus.get(status), float64(staff), uscc != ""
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *RegisterSource) decodeOrganisation(snap string) (orgRow, bool) {
	var o register.Organisation
	if err := json.Unmarshal([]byte(snap), &o); err != nil {
		return orgRow{}, false
	}
	return orgRow{id: o.ID, grid: o.GridID, org: o.OrgID, kind: s.okind.get(o.Kind), status: s.ostatus.get(o.Status),
		staff: float64(o.StaffCount), uscc: o.USCC != ""}, true
}

// inForceSQL gives bit k set when the dated row (start, end columns) is
// in force in state k: on the day before the period, on its last day, on
// any day of it. Dates compare as text, which costs the engines less than
// turning them into numbers.
func inForceSQL(start, end string) string {
	on := func(day string) string {
		return "(CASE WHEN " + start + " <= " + day + " AND (" + end + " IS NULL OR " + end + " >= " + day + ") THEN 1 ELSE 0 END)"
	}
	return on("$2") + " + 2*" + on("$3") + " + 4*(CASE WHEN " + start + " <= $3 AND (" + end + " IS NULL OR " + end + " >= $4) THEN 1 ELSE 0 END)"
}

// flagsOf computes the same bits in Go, for rows from snapshots.
func (d stateDates) flagsOf(start, end int64) uint8 {
	var f uint8
	for k := 0; k < nStates; k++ {
		if d.inForce(k, start, end) {
			f |= 1 << uint(k)
		}
	}
	return f
}

func (s *RegisterSource) loadTags(ctx context.Context, community int64, p Period, out []tagRow) ([]tagRow, error) {
	// Tags not in force on any of the days that matter are left out.
	out = out[:0]
	n := int64(len(s.person.Field("tags").Values))
	err := scanRaw(ctx, s.db, `SELECT id, person_id, `+codeCase("tag", s.person.Field("tags"))+`*8 + `+
		inForceSQL("started_on", "ended_on")+`
		FROM person_tags WHERE community_id = $1 AND started_on <= $3 AND (ended_on IS NULL OR ended_on >= $2)
		ORDER BY person_id, id`, []any{community, p.Before(), p.End(), p.Start()}, func(v []driver.Value) error {
		packed := rawInt(v[2])
		r := tagRow{id: rawInt(v[0]), person: rawInt(v[1]), flags: uint8(packed % 8), tag: int16(packed / 8)}
		if int64(r.tag) >= n {
			r.tag = -1
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

func (s *RegisterSource) decodeTag(snap string, dates stateDates) (tagRow, bool) {
	var t register.Tag
	if err := json.Unmarshal([]byte(snap), &t); err != nil {
		return tagRow{}, false
	}
	return tagRow{id: t.ID, person: t.PersonID, tag: s.tagIndex.get(t.Tag), flags: dates.flagsOf(dateInt(t.StartedOn), dateInt(t.EndedOn))}, true
}

// loadRentals reads the rentals in force on some day that matters, with
// their tenants when tenants says so (else only how many).
func (s *RegisterSource) loadRentals(ctx context.Context, community int64, p Period, tenants bool) ([]rentalRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, house_id, `+inForceSQL("started_on", "ended_on")+`, monthly_rent_fen
		FROM rentals WHERE community_id = $1 AND started_on <= $3 AND (ended_on IS NULL OR ended_on >= $2)`,
		community, p.Before(), p.End(), p.Start())
	if err != nil {
		return nil, err
	}
	var out []rentalRow
	index := map[int64]int{}
	for rows.Next() {
		var r rentalRow
		var rent, flags int64
		if err := rows.Scan(&r.id, &r.house, &flags, &rent); err != nil {
			rows.Close()
			return nil, err
		}
		r.rent, r.flags = float64(rent)/100, uint8(flags) // 元, as the field is declared
		index[r.id] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	q := `SELECT rental_id, COUNT(*), 0 FROM rental_tenants WHERE community_id = $1 GROUP BY rental_id`
	if tenants {
		q = `SELECT rental_id, 1, person_id FROM rental_tenants WHERE community_id = $1`
	}
	rows, err = s.db.QueryContext(ctx, q, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid, n, pid int64
		if err := rows.Scan(&rid, &n, &pid); err != nil {
			return nil, err
		}
		if i, ok := index[rid]; ok {
			out[i].count += int32(n)
			if tenants {
				out[i].tenants = append(out[i].tenants, pid)
			}
		}
	}
	return out, rows.Err()
}

func (s *RegisterSource) decodeRental(snap string, dates stateDates) (rentalRow, bool) {
	var r register.Rental
	if err := json.Unmarshal([]byte(snap), &r); err != nil {
		return rentalRow{}, false
	}
	return rentalRow{id: r.ID, house: r.HouseID, flags: dates.flagsOf(dateInt(r.StartedOn), dateInt(r.EndedOn)),
		rent: float64(r.MonthlyRentFen) / 100, count: int32(len(r.TenantIDs)), tenants: r.TenantIDs}, true
}

// triple is a record's states at the start, at the end and during the
// period; nil where it did not exist.
type triple[R any] struct {
	s, e, d *R
}

// resolve turns live rows and the histories of changed ones into triples.
// Rows without history stood the same all along. Rows that no longer
// exist (deleted since) come from their snapshots alone.
func resolve[R any](out []triple[R], live []R, idOf func(*R) int64, hist map[int64]*history, p Period, decode func(string) (R, bool)) []triple[R] {
	out = out[:0]
	endAt := database.EndOfDay(p.End())
	dec := func(snap string) *R {
		r, ok := decode(snap)
		if !ok {
			return nil
		}
		return &r
	}
	var seen map[int64]bool
	if len(hist) > 0 {
		seen = make(map[int64]bool, len(hist))
	}
	for i := range live {
		r := &live[i]
		h := hist[idOf(r)]
		if h == nil {
			out = append(out, triple[R]{r, r, r})
			continue
		}
		seen[idOf(r)] = true
		out = append(out, historyTriple(h, r, endAt, dec))
	}
	for id, h := range hist {
		if seen[id] {
			continue
		}
		t := historyTriple[R](h, nil, endAt, dec)
		if t.s != nil || t.e != nil || t.d != nil {
			out = append(out, t)
		}
	}
	return out
}

func historyTriple[R any](h *history, live *R, endAt string, dec func(string) *R) triple[R] {
	var t triple[R]
	if h.gone {
		return t // counted where it lay at the period's end
	}
	if snap, ok := h.existedBefore(); ok {
		t.s = dec(snap)
	}
	if snap, isLive, ok := h.stateAt(endAt); ok {
		if isLive {
			t.e = live
		} else {
			t.e = dec(snap)
		}
	}
	if t.e != nil {
		t.d = t.e
	} else if snap, ok := h.duringSnap(endAt); ok {
		t.d = dec(snap)
	}
	return t
}
