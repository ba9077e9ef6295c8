package indicators

import (
	"context"
	"math"
	"sync"

	"shequ/internal/database"
)

// RegisterSource supplies the base register's persons, households, houses,
// buildings, organisations and rentals.
type RegisterSource struct {
	db                                                       *database.DB
	person, household, house, building, organisation, rental *Entity
	tags                                                     []tagKind

	householdPack      *packer
	pf                 struct{ gender, residence, status, ethnicity, relation codeIndex }
	hf                 struct{ kind, status codeIndex }
	usef, bkind, okind codeIndex
	ostatus, tagIndex  codeIndex
	pool               sync.Pool // *scratch
	cache              *RowCache
	personQueries      sync.Map // personLoad key → personQuery
	activePerson       int16
	activeHousehold    int16
	floating           int16
}

// NewRegisterSource reads the tag catalogue and describes the register's
// entities.
func NewRegisterSource(ctx context.Context, db *database.DB) (*RegisterSource, error) {
	tags, err := loadTagKinds(ctx, db)
	if err != nil {
		return nil, err
	}
	s := &RegisterSource{db: db, tags: tags}
	s.person, s.household, s.house, s.building, s.organisation, s.rental = registerEntities(tags)
	for _, e := range s.Entities() {
		if err := e.build(); err != nil {
			return nil, err
		}
	}
	p := s.person
	s.pf.gender, s.pf.residence, s.pf.status = indexOf(p.Field("gender")), indexOf(p.Field("residence")), indexOf(p.Field("status"))
	s.pf.ethnicity, s.pf.relation = indexOf(p.Field("ethnicity")), indexOf(p.Field("relation"))
	h := s.household
	s.householdPack = new(packer).code("kind", h.Field("kind")).code("status", h.Field("status"))
	s.hf.kind, s.hf.status = indexOf(h.Field("kind")), indexOf(h.Field("status"))
	s.usef = indexOf(s.house.Field("use"))
	s.bkind = indexOf(s.building.Field("kind"))
	s.okind, s.ostatus = indexOf(s.organisation.Field("kind")), indexOf(s.organisation.Field("status"))
	s.tagIndex = indexOf(p.Field("tags"))
	s.activePerson = s.pf.status.get("active")
	s.activeHousehold = s.hf.status.get("active")
	s.floating = s.pf.residence.get("floating")
	return s, nil
}

// Entities lists the register's entities.
func (s *RegisterSource) Entities() []*Entity {
	return []*Entity{s.person, s.household, s.house, s.building, s.organisation, s.rental}
}

// needs says which tables a request makes the source read, and in which
// states derived values are needed.
type needs struct {
	tags, rentals, persons, households, houses, buildings, organisations bool

	person personLoad
	states [nStates]bool
}

func (s *RegisterSource) needs(req ScanRequest) needs {
	var n needs
	w := req.WantsField
	if req.Wants("person") {
		n.persons = true
		n.tags = w("person", "tags")
		// 租住: the person's household lives in a house under a rental in
		// force (以房管人), found through households and houses.
		if w("person", "tenant") {
			n.rentals, n.households, n.houses = true, true, true
		}
		n.households = w("person", "household_kind") || w("person", "household_size")
		if w("person", "ethnicity") {
			n.person.ethnicity = append([]int{}, req.Codes["person"]["ethnicity"]...)
		}
		if w("person", "relation") {
			n.person.relation = append([]int{}, req.Codes["person"]["relation"]...)
		}
		n.person.employer = w("person", "employer_id")
	}
	if req.Wants("household") {
		n.households = true
		if w("household", "size") || w("household", "min_age") || w("household", "max_age") || w("household", "member_tags") {
			n.persons = true
		}
		n.tags = n.tags || w("household", "member_tags")
		if w("household", "rented") {
			n.rentals, n.houses = true, true // let houses, by their position
		}
	}
	if req.Wants("house") {
		n.houses = true
		if w("house", "occupied") || w("house", "households") || w("house", "residents") || w("house", "floating_residents") {
			n.households = true
		}
		if w("house", "residents") || w("house", "floating_residents") {
			n.persons = true
		}
		n.rentals = n.rentals || w("house", "in_rental")
		n.buildings = w("house", "building_kind")
	}
	if req.Wants("building") {
		n.buildings = true
		n.houses = n.houses || w("building", "houses")
	}
	if req.Wants("organisation") {
		n.organisations = true
	}
	if req.Wants("rental") {
		n.rentals, n.houses = true, true
	}
	n.person.fine = req.Fine
	for _, e := range s.Entities() {
		if req.Wants(e.Name) {
			for k := 0; k < nStates; k++ {
				n.states[k] = n.states[k] || req.NeedsState(e.Name, k)
			}
		}
	}
	return n
}

// state indices into per-state arrays
const nStates = 3

// dates of the states: the day before the period, its end, and (for
// 期内) its end again; a dated row (tag, rental) counts during the period
// if it was in force on any day of it.
type stateDates struct {
	at    [nStates]int64
	start int64 // the period's first day
}

func datesOf(p Period) stateDates {
	e := dateInt(p.End())
	return stateDates{at: [nStates]int64{dateInt(p.Before()), e, e}, start: dateInt(p.Start())}
}

// inForce reports whether a dated row (start, end; end 0 open) holds in
// state k.
func (d stateDates) inForce(k int, start, end int64) bool {
	if k == stateDuring {
		return start <= d.at[stateEnd] && (end == 0 || end >= d.start)
	}
	return start <= d.at[k] && (end == 0 || end >= d.at[k])
}

// rowsOf lists a triple's rows by state, nil for states not needed.
func rowsOf[R any](t triple[R], st [nStates]bool) [nStates]*R {
	out := [nStates]*R{t.s, t.e, t.d}
	for k := range out {
		if !st[k] {
			out[k] = nil
		}
	}
	return out
}

// Scan supplies one community's register records.
func (s *RegisterSource) Scan(ctx context.Context, req ScanRequest, emit func(*Entity, *Record)) error {
	n := s.needs(req)
	var ents []string
	for _, x := range []struct {
		on   bool
		name string
	}{{n.tags, "tag"}, {n.rentals, "rental"}, {n.persons, "person"}, {n.households, "household"},
		{n.houses, "house"}, {n.buildings, "building"}, {n.organisations, "organisation"}} {
		if x.on {
			ents = append(ents, x.name)
		}
	}
	if len(ents) == 0 {
		return nil
	}
	comm := req.Community
	hist, err := loadHistories(ctx, s.db, comm, req.Period, ents)
	if err != nil {
		return err
	}
	sc, _ := s.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer s.pool.Put(sc)
	c := &community{src: s, req: req, n: n, id: comm, dates: datesOf(req.Period), sc: sc}
	if err := c.load(ctx, hist); err != nil {
		return err
	}
	c.derive()
	if req.Wants("person") {
		c.emitPersons(emit)
	}
	if req.Wants("household") {
		c.emitHouseholds(emit)
	}
	if req.Wants("house") {
		c.emitHouses(emit)
	}
	if req.Wants("building") {
		c.emitBuildings(emit)
	}
	if req.Wants("organisation") {
		c.emitOrganisations(c.orgs, emit)
	}
	if req.Wants("rental") {
		c.emitRentals(emit)
	}
	return ctx.Err()
}

func inForceOr(r *rentalRow, k int) *rentalRow {
	if r == nil || r.flags&(1<<uint(k)) == 0 {
		return nil
	}
	return r
}

// states holds the three Values a source fills for one record, reused.
type states struct {
	v [nStates]*Values
}

func newStates(e *Entity) *states {
	return &states{v: [nStates]*Values{NewValues(e), NewValues(e), NewValues(e)}}
}

// fillRecord fills rec's states from the triple's rows with fill, for the
// states the entity's indicators look at. A state equal to the end state
// is passed as the same Values, which spares the engine its key.
func fillRecord[R any](rec *Record, st *states, t triple[R], need [nStates]bool, fill func(k int, r *R, v *Values)) {
	rows := rowsOf(t, need)
	var out [nStates]*Values
	for k, r := range rows {
		if r == nil {
			continue
		}
		fill(k, r, st.v[k])
		out[k] = st.v[k]
	}
	if e := out[stateEnd]; e != nil {
		for _, k := range []int{stateStart, stateDuring} {
			if out[k] != nil && sameValues(out[k], e) {
				out[k] = e
			}
		}
	}
	rec.Start, rec.End, rec.During = out[stateStart], out[stateEnd], out[stateDuring]
}

func sameValues(a, b *Values) bool {
	for i := range a.Enum {
		if a.Enum[i] != b.Enum[i] {
			return false
		}
	}
	for i := range a.Num {
		if math.Float64bits(a.Num[i]) != math.Float64bits(b.Num[i]) {
			return false
		}
	}
	for i := range a.Set {
		if a.Set[i] != b.Set[i] {
			return false
		}
	}
	for i := range a.Ref {
		if a.Ref[i] != b.Ref[i] {
			return false
		}
	}
	return true
}

func needStates(req ScanRequest, e *Entity) [nStates]bool {
	var out [nStates]bool
	for k := range out {
		out[k] = req.NeedsState(e.Name, k)
	}
	return out
}

func boolIndex(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
