package indicators

import (
	"context"
	"math"
	"sync"

	"shequ/internal/access"
	"shequ/internal/database"
)

// RegisterSource supplies the base register's persons, households, houses,
// buildings, organisations and rentals.
type RegisterSource struct {
	db                                                       *database.DB
	person, household, house, building, organisation, rental *Entity
	tags                                                     []tagKind

	personPack, householdPack *packer
	pf                        struct{ gender, residence, status, ethnicity, relation codeIndex }
	hf                        struct{ kind, status codeIndex }
	usef, bkind, okind        codeIndex
	ostatus, tagIndex         codeIndex
	pool                      sync.Pool // *scratch
	activePerson              int16
	activeHousehold           int16
	floating                  int16
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
	s.personPack = new(packer).code("gender", p.Field("gender")).code("residence", p.Field("residence")).
		code("status", p.Field("status")).add("(CASE WHEN employer_id IS NULL THEN 0 ELSE 1 END)", 2)
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
	tenants                                                              bool // rentals' tenants' ids
	person                                                               personLoad
	states                                                               [nStates]bool
}

func (s *RegisterSource) needs(req ScanRequest) needs {
	var n needs
	w := req.WantsField
	if req.Wants("person") {
		n.persons = true
		n.tags = w("person", "tags")
		n.rentals = w("person", "tenant")
		n.tenants = n.rentals
		n.households = w("person", "household_kind") || w("person", "household_size")
		n.person.codes = w("person", "ethnicity") || w("person", "relation")
		n.person.employer = w("person", "employer_id")
	}
	if req.Wants("household") {
		n.households = true
		if w("household", "size") || w("household", "min_age") || w("household", "max_age") || w("household", "member_tags") {
			n.persons = true
		}
		n.tags = n.tags || w("household", "member_tags")
		n.rentals = n.rentals || w("household", "rented")
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

// derived holds what one record's fields need from others, per state.
type derived struct {
	personTags   [nStates]map[int64]uint64
	tenant       [nStates]map[int64]bool
	hh           [nStates]map[int64]*householdRow
	hhSize       [nStates]map[int64]int32
	hhFloating   [nStates]map[int64]int32
	hhMinAge     [nStates]map[int64]float64
	hhMaxAge     [nStates]map[int64]float64
	hhTags       [nStates]map[int64]uint64
	houseRented  [nStates]map[int64]bool
	houseHH      [nStates]map[int64]int32
	houseRes     [nStates]map[int64]int32
	houseFloat   [nStates]map[int64]int32
	building     [nStates]map[int64]*buildingRow
	buildingHous [nStates]map[int64]int32
	housePlace   map[int64]access.Place
}

// newMaps returns the maps of m emptied for the needed states (made,
// sized n, where missing) and nil for the others. Maps are kept from one
// community to the next: clearing keeps their room.
func newMaps[V any](m [nStates]map[int64]V, states [nStates]bool, n int) [nStates]map[int64]V {
	for i := range m {
		switch {
		case !states[i]:
			m[i] = nil
		case m[i] == nil:
			m[i] = make(map[int64]V, n)
		default:
			clear(m[i])
		}
	}
	return m
}

// scratch is one scan's working memory, reused by the next scan.
type scratch struct {
	d          derived
	tags       []tagRow
	tagT       []triple[tagRow]
	rentals    []rentalRow
	rentalT    []triple[rentalRow]
	persons    []personRow
	personT    []triple[personRow]
	households []householdRow
	householdT []triple[householdRow]
	houses     []houseRow
	houseT     []triple[houseRow]
}

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
	dates := datesOf(req.Period)
	st := n.states
	sc, _ := s.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer s.pool.Put(sc)
	// Maps of the last scan are reused; those this scan does not compute
	// stay nil, so that no stale value is read.
	d := &sc.d
	old := *d
	*d = derived{}
	if n.tags {
		sc.tags, err = s.loadTags(ctx, comm, req.Period, sc.tags)
		if err != nil {
			return err
		}
		d.personTags = newMaps(old.personTags, st, len(sc.tags))
		sc.tagT = resolve(sc.tagT, sc.tags, func(r *tagRow) int64 { return r.id }, hist["tag"], req.Period,
			func(snap string) (tagRow, bool) { return s.decodeTag(snap, dates) })
		for _, t := range sc.tagT {
			for k, r := range rowsOf(t, st) {
				if r != nil && r.tag >= 0 && r.flags&(1<<uint(k)) != 0 {
					d.personTags[k][r.person] |= 1 << uint(r.tag)
				}
			}
		}
	}
	var rentals []triple[rentalRow]
	if n.rentals {
		rows, err := s.loadRentals(ctx, comm, req.Period, n.tenants)
		if err != nil {
			return err
		}
		d.tenant, d.houseRented = newMaps(old.tenant, st, 2*len(rows)), newMaps(old.houseRented, st, len(rows))
		rentals = resolve(sc.rentalT, rows, func(r *rentalRow) int64 { return r.id }, hist["rental"], req.Period,
			func(snap string) (rentalRow, bool) { return s.decodeRental(snap, dates) })
		for i := range rentals {
			t := &rentals[i]
			// A rental exists in a state only while in force.
			t.s, t.e, t.d = inForceOr(t.s, stateStart), inForceOr(t.e, stateEnd), inForceOr(t.d, stateDuring)
			for k, r := range rowsOf(*t, st) {
				if r == nil {
					continue
				}
				d.houseRented[k][r.house] = true
				for _, p := range r.tenants {
					d.tenant[k][p] = true
				}
			}
		}
	}
	var persons []triple[personRow]
	if n.persons {
		sc.persons, err = s.loadPersons(ctx, comm, n.person, sc.persons)
		if err != nil {
			return err
		}
		sc.personT = resolve(sc.personT, sc.persons, func(r *personRow) int64 { return r.id }, hist["person"], req.Period,
			func(snap string) (personRow, bool) { return s.decodePerson(snap, n.person.fine) })
		persons = sc.personT
	}
	var households []triple[householdRow]
	if n.households {
		sc.households, err = s.loadHouseholds(ctx, comm, req.Fine, sc.households)
		if err != nil {
			return err
		}
		sc.householdT = resolve(sc.householdT, sc.households, func(r *householdRow) int64 { return r.id }, hist["household"], req.Period,
			func(snap string) (householdRow, bool) { return s.decodeHousehold(snap, req.Fine) })
		households = sc.householdT
		d.hh = newMaps(old.hh, st, len(households))
		for _, t := range households {
			for k, r := range rowsOf(t, st) {
				if r != nil && r.status == s.activeHousehold {
					d.hh[k][r.id] = r
				}
			}
		}
	}
	if n.persons && n.households {
		nh := len(households)
		d.hhSize, d.hhFloating = newMaps(old.hhSize, st, nh), newMaps(old.hhFloating, st, nh)
		d.hhMinAge, d.hhMaxAge, d.hhTags = newMaps(old.hhMinAge, st, nh), newMaps(old.hhMaxAge, st, nh), newMaps(old.hhTags, st, nh/8)
		for _, t := range persons {
			for k, r := range rowsOf(t, st) {
				if r == nil || r.status != s.activePerson || r.household == 0 {
					continue
				}
				h := r.household
				d.hhSize[k][h]++
				if r.residence == s.floating {
					d.hhFloating[k][h]++
				}
				if age := ageOn(r.birth, dates.at[k]); !math.IsNaN(age) {
					if cur, ok := d.hhMinAge[k][h]; !ok || age < cur {
						d.hhMinAge[k][h] = age
					}
					if cur, ok := d.hhMaxAge[k][h]; !ok || age > cur {
						d.hhMaxAge[k][h] = age
					}
				}
				if d.personTags[k] != nil {
					if tags := d.personTags[k][r.id]; tags != 0 {
						d.hhTags[k][h] |= tags
					}
				}
			}
		}
	}
	var houses []triple[houseRow]
	if n.houses {
		sc.houses, err = s.loadHouses(ctx, comm, req.Fine, sc.houses)
		if err != nil {
			return err
		}
		sc.houseT = resolve(sc.houseT, sc.houses, func(r *houseRow) int64 { return r.id }, hist["house"], req.Period,
			func(snap string) (houseRow, bool) { return s.decodeHouse(snap, req.Fine) })
		houses = sc.houseT
		d.housePlace = old.housePlace
		if d.housePlace == nil {
			d.housePlace = make(map[int64]access.Place, len(houses))
		}
		clear(d.housePlace)
		for _, t := range houses {
			for _, r := range []*houseRow{t.e, t.d, t.s} {
				if r != nil {
					d.housePlace[r.id] = access.Place{Community: comm, Grid: r.grid, Org: r.org}
					break
				}
			}
		}
		if n.households {
			d.houseHH, d.houseRes, d.houseFloat = newMaps(old.houseHH, st, len(houses)), newMaps(old.houseRes, st, len(houses)), newMaps(old.houseFloat, st, len(houses))
			for k := 0; k < nStates; k++ {
				for id, h := range d.hh[k] {
					if h.house == 0 {
						continue
					}
					d.houseHH[k][h.house]++
					if d.hhSize[k] != nil {
						d.houseRes[k][h.house] += d.hhSize[k][id]
						d.houseFloat[k][h.house] += d.hhFloating[k][id]
					}
				}
			}
		}
		if req.WantsField("building", "houses") {
			d.buildingHous = newMaps(old.buildingHous, st, 64)
			for _, t := range houses {
				for k, r := range rowsOf(t, st) {
					if r != nil {
						d.buildingHous[k][r.building]++
					}
				}
			}
		}
	}
	var buildings []triple[buildingRow]
	if n.buildings {
		rows, err := s.loadBuildings(ctx, comm)
		if err != nil {
			return err
		}
		buildings = resolve(nil, rows, func(r *buildingRow) int64 { return r.id }, hist["building"], req.Period, s.decodeBuilding)
		d.building = newMaps(old.building, st, len(buildings))
		for _, t := range buildings {
			for k, r := range rowsOf(t, st) {
				if r != nil {
					d.building[k][r.id] = r
				}
			}
		}
	}

	// Emit what was asked for.
	if req.Wants("person") {
		s.emitPersons(req, comm, persons, d, dates, emit)
	}
	if req.Wants("household") {
		s.emitHouseholds(req, comm, households, d, dates, emit)
	}
	if req.Wants("house") {
		s.emitHouses(req, comm, houses, d, emit)
	}
	if req.Wants("building") {
		s.emitBuildings(req, comm, buildings, d, emit)
	}
	if req.Wants("organisation") {
		rows, err := s.loadOrganisations(ctx, comm)
		if err != nil {
			return err
		}
		orgs := resolve(nil, rows, func(r *orgRow) int64 { return r.id }, hist["organisation"], req.Period, s.decodeOrganisation)
		s.emitOrganisations(req, comm, orgs, emit)
	}
	if req.Wants("rental") {
		s.emitRentals(req, comm, rentals, d, emit)
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
// states the entity's indicators look at.
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
	rec.Start, rec.End, rec.During = out[stateStart], out[stateEnd], out[stateDuring]
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

func nanIfMissing[V int | int32 | float64](m map[int64]V, id int64) float64 {
	if m == nil {
		return nan
	}
	v, ok := m[id]
	if !ok {
		return nan
	}
	return float64(v)
}

func (s *RegisterSource) emitPersons(req ScanRequest, comm int64, persons []triple[personRow], d *derived, dates stateDates, emit func(*Entity, *Record)) {
	e := s.person
	st := newStates(e)
	need := needStates(req, e)
	f := func(name string) *Field { return e.Field(name) }
	gender, age, residence, status := f("gender").slot, f("age").slot, f("residence").slot, f("status").slot
	eth, rel, tags, hk := f("ethnicity").slot, f("relation").slot, f("tags").slot, f("household_kind").slot
	hsize, employed, tenant := f("household_size").slot, f("employed").slot, f("tenant").slot
	hid, emp := f("household_id").slot, f("employer_id").slot
	wantHK := req.WantsField("person", "household_kind") && d.hh[0] != nil
	wantSize := req.WantsField("person", "household_size") && d.hhSize[0] != nil
	var rec Record
	for _, t := range persons {
		var place *personRow
		for _, r := range []*personRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		rec.Place = access.Place{Community: comm, Grid: place.grid, Org: place.org}
		fillRecord(&rec, st, t, need, func(k int, r *personRow, v *Values) {
			v.Enum[gender], v.Enum[residence], v.Enum[status] = int32(r.gender), int32(r.residence), int32(r.status)
			v.Enum[eth], v.Enum[rel] = int32(r.ethnicity), int32(r.relation)
			v.Num[age] = ageOn(r.birth, dates.at[k])
			v.Set[tags] = 0
			if d.personTags[k] != nil {
				v.Set[tags] = d.personTags[k][r.id]
			}
			v.Enum[hk] = -1
			if wantHK {
				if h := d.hh[k][r.household]; h != nil {
					v.Enum[hk] = int32(h.kind)
				}
			}
			v.Num[hsize] = nan
			if wantSize && r.household != 0 {
				v.Num[hsize] = nanIfMissing(d.hhSize[k], r.household)
			}
			v.Enum[employed] = boolIndex(r.employer != 0)
			v.Enum[tenant] = 0
			if d.tenant[k] != nil {
				v.Enum[tenant] = boolIndex(d.tenant[k][r.id])
			}
			v.Ref[hid], v.Ref[emp] = r.household, r.employer
		})
		emit(e, &rec)
	}
}

func (s *RegisterSource) emitHouseholds(req ScanRequest, comm int64, hhs []triple[householdRow], d *derived, dates stateDates, emit func(*Entity, *Record)) {
	e := s.household
	st := newStates(e)
	need := needStates(req, e)
	f := func(name string) *Field { return e.Field(name) }
	kind, status, size, minAge, maxAge := f("kind").slot, f("status").slot, f("size").slot, f("min_age").slot, f("max_age").slot
	mtags, rented, house := f("member_tags").slot, f("rented").slot, f("house_id").slot
	var rec Record
	for _, t := range hhs {
		var place *householdRow
		for _, r := range []*householdRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		rec.Place = access.Place{Community: comm, Grid: place.grid, Org: place.org}
		fillRecord(&rec, st, t, need, func(k int, r *householdRow, v *Values) {
			v.Enum[kind], v.Enum[status] = int32(r.kind), int32(r.status)
			v.Num[size], v.Num[minAge], v.Num[maxAge] = 0, nan, nan
			if d.hhSize[k] != nil {
				v.Num[size] = float64(d.hhSize[k][r.id])
				v.Num[minAge] = nanIfMissing(d.hhMinAge[k], r.id)
				v.Num[maxAge] = nanIfMissing(d.hhMaxAge[k], r.id)
			}
			v.Set[mtags] = 0
			if d.hhTags[k] != nil {
				v.Set[mtags] = d.hhTags[k][r.id]
			}
			v.Enum[rented] = 0
			if d.houseRented[k] != nil && r.house != 0 {
				v.Enum[rented] = boolIndex(d.houseRented[k][r.house])
			}
			v.Ref[house] = r.house
		})
		emit(e, &rec)
	}
}

func (s *RegisterSource) emitHouses(req ScanRequest, comm int64, houses []triple[houseRow], d *derived, emit func(*Entity, *Record)) {
	e := s.house
	st := newStates(e)
	need := needStates(req, e)
	f := func(name string) *Field { return e.Field(name) }
	use, area, bkind, occupied := f("use").slot, f("area").slot, f("building_kind").slot, f("occupied").slot
	hhs, res, fres, inRental, bid := f("households").slot, f("residents").slot, f("floating_residents").slot, f("in_rental").slot, f("building_id").slot
	var rec Record
	for _, t := range houses {
		var place *houseRow
		for _, r := range []*houseRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		rec.Place = access.Place{Community: comm, Grid: place.grid, Org: place.org}
		fillRecord(&rec, st, t, need, func(k int, r *houseRow, v *Values) {
			v.Enum[use] = int32(r.use)
			v.Num[area] = r.area
			if r.area <= 0 {
				v.Num[area] = nan
			}
			v.Enum[bkind] = -1
			if d.building[k] != nil {
				if b := d.building[k][r.building]; b != nil {
					v.Enum[bkind] = int32(b.kind)
				}
			}
			v.Enum[occupied], v.Num[hhs], v.Num[res], v.Num[fres] = 0, 0, 0, 0
			if d.houseHH[k] != nil {
				n := d.houseHH[k][r.id]
				v.Enum[occupied], v.Num[hhs] = boolIndex(n > 0), float64(n)
				v.Num[res], v.Num[fres] = float64(d.houseRes[k][r.id]), float64(d.houseFloat[k][r.id])
			}
			v.Enum[inRental] = 0
			if d.houseRented[k] != nil {
				v.Enum[inRental] = boolIndex(d.houseRented[k][r.id])
			}
			v.Ref[bid] = r.building
		})
		emit(e, &rec)
	}
}

func (s *RegisterSource) emitBuildings(req ScanRequest, comm int64, bs []triple[buildingRow], d *derived, emit func(*Entity, *Record)) {
	e := s.building
	st := newStates(e)
	need := needStates(req, e)
	kind, floors, built, houses := e.Field("kind").slot, e.Field("floors").slot, e.Field("built_year").slot, e.Field("houses").slot
	var rec Record
	for _, t := range bs {
		var place *buildingRow
		for _, r := range []*buildingRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		// A building is itself an org unit.
		rec.Place = access.Place{Community: comm, Grid: place.grid, Org: place.id}
		fillRecord(&rec, st, t, need, func(k int, r *buildingRow, v *Values) {
			v.Enum[kind] = int32(r.kind)
			v.Num[floors], v.Num[built] = r.floors, r.built
			v.Num[houses] = 0
			if d.buildingHous[k] != nil {
				v.Num[houses] = float64(d.buildingHous[k][r.id])
			}
		})
		emit(e, &rec)
	}
}

func (s *RegisterSource) emitOrganisations(req ScanRequest, comm int64, orgs []triple[orgRow], emit func(*Entity, *Record)) {
	e := s.organisation
	st := newStates(e)
	need := needStates(req, e)
	kind, status, staff, uscc := e.Field("kind").slot, e.Field("status").slot, e.Field("staff").slot, e.Field("has_uscc").slot
	var rec Record
	for _, t := range orgs {
		var place *orgRow
		for _, r := range []*orgRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		rec.Place = access.Place{Community: comm, Grid: place.grid, Org: place.org}
		fillRecord(&rec, st, t, need, func(k int, r *orgRow, v *Values) {
			v.Enum[kind], v.Enum[status] = int32(r.kind), int32(r.status)
			v.Num[staff] = r.staff
			v.Enum[uscc] = boolIndex(r.uscc)
		})
		emit(e, &rec)
	}
}

func (s *RegisterSource) emitRentals(req ScanRequest, comm int64, rentals []triple[rentalRow], d *derived, emit func(*Entity, *Record)) {
	e := s.rental
	st := newStates(e)
	need := needStates(req, e)
	rent, tenants, house := e.Field("rent").slot, e.Field("tenants").slot, e.Field("house_id").slot
	var rec Record
	for _, t := range rentals {
		var place *rentalRow
		for _, r := range []*rentalRow{t.e, t.d, t.s} {
			if r != nil {
				place = r
				break
			}
		}
		if place == nil {
			continue
		}
		rec.ID = place.id
		rec.Place = d.housePlace[place.house]
		rec.Place.Community = comm
		fillRecord(&rec, st, t, need, func(k int, r *rentalRow, v *Values) {
			v.Num[rent] = r.rent
			if r.rent <= 0 {
				v.Num[rent] = nan
			}
			v.Num[tenants] = float64(r.count)
			v.Ref[house] = r.house
		})
		emit(e, &rec)
	}
}
