package indicators

import (
	"context"
	"fmt"
	"math"

	"shequ/internal/access"
)

// One community's register as a scan holds it: each entity's records as
// triples (start, end, during) in slices, each id's position in a small
// map, and the values records take from others — a household's size, a
// person's tags, whether a house is let — in per-state arrays by position.
// A million persons then cost a few million slice operations, not tens of
// millions of map operations.

// scratch is one scan's working memory, kept for the next scan.
type scratch struct {
	tags       []tagRow
	tagT       []triple[tagRow]
	persons    []personRow
	personT    []triple[personRow]
	households []householdRow
	householdT []triple[householdRow]
	houses     []houseRow
	houseT     []triple[houseRow]
	pIdx       map[int64]int32
	hIdx       map[int64]int32
	uIdx       map[int64]int32
	bIdx       map[int64]int32
	d          derived
}

// derived values, per state, by position of the record in its slice.
type derived struct {
	pTags    [nStates][]uint64 // a person's tags in force
	pHH      [nStates][]int32  // the person's household (-1 none)
	hhActive [nStates][]bool
	hhSize   [nStates][]int32
	hhFloat  [nStates][]int32
	hhMin    [nStates][]float64
	hhMax    [nStates][]float64
	hhTags   [nStates][]uint64
	hhHouse  [nStates][]int32 // the household's house (-1)
	uRented  [nStates][]bool
	uHH      [nStates][]int32
	uRes     [nStates][]int32
	uFloat   [nStates][]int32
	uBuild   [nStates][]int32 // the house's building (-1)
	bHouses  [nStates][]int32

	tags, households, houses, buildings bool // what was computed
}

// reset empties every array (keeping its room), so that nothing of the
// last community is read by this one.
func (d *derived) reset() {
	for k := 0; k < nStates; k++ {
		d.pTags[k], d.pHH[k], d.hhActive[k] = d.pTags[k][:0], d.pHH[k][:0], d.hhActive[k][:0]
		d.hhSize[k], d.hhFloat[k], d.hhMin[k], d.hhMax[k] = d.hhSize[k][:0], d.hhFloat[k][:0], d.hhMin[k][:0], d.hhMax[k][:0]
		d.hhTags[k], d.hhHouse[k], d.uRented[k] = d.hhTags[k][:0], d.hhHouse[k][:0], d.uRented[k][:0]
		d.uHH[k], d.uRes[k], d.uFloat[k] = d.uHH[k][:0], d.uRes[k][:0], d.uFloat[k][:0]
		d.uBuild[k], d.bHouses[k] = d.uBuild[k][:0], d.bHouses[k][:0]
	}
	d.tags, d.households, d.houses, d.buildings = false, false, false, false
}

// community is one scan in progress.
type community struct {
	src   *RegisterSource
	req   ScanRequest
	n     needs
	id    int64
	dates stateDates
	sc    *scratch

	persons               []triple[personRow]
	livePersons, liveTags int // the first triples, from the live tables in id (person) order
	livePersonRows        []personRow
	liveTagRows           []tagRow
	orgs                  []triple[orgRow]
	households            []triple[householdRow]
	houses                []triple[houseRow]
	buildings             []triple[buildingRow]
	tags                  []triple[tagRow]
	rentals               []triple[rentalRow]
}

// sized returns s with n elements set to zero (its room reused).
func sized[T any](s []T, n int, zero T) []T {
	if cap(s) < n {
		s = make([]T, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = zero
	}
	return s
}

// perState sizes a per-state array for the needed states, nil for others.
func perState[T any](a *[nStates][]T, need [nStates]bool, n int, zero T) {
	for k := range a {
		if need[k] {
			a[k] = sized(a[k], n, zero)
		} else {
			a[k] = a[k][:0]
		}
	}
}

func indexMap(m map[int64]int32, n int) map[int64]int32 {
	if m == nil {
		return make(map[int64]int32, n)
	}
	clear(m)
	return m
}

func idOf[R any](t triple[R], id func(*R) int64) int64 {
	for _, r := range []*R{t.e, t.d, t.s} {
		if r != nil {
			return id(r)
		}
	}
	return 0
}

// load reads the tables the request needs (or takes them from the cache)
// and resolves their states.
func (c *community) load(ctx context.Context, hist histories) error {
	s, sc, n, p := c.src, c.sc, c.n, c.req.Period
	var mark watermark
	if s.cache != nil {
		var err error
		if mark, err = s.cache.mark(ctx, s.db, c.id); err != nil {
			return err
		}
	}
	key := func(what string) cacheKey { return cacheKey{community: c.id, what: what} }
	if n.persons {
		q, _ := s.personQuery(n.person)
		rows, err := cachedRows(s.cache, key("persons|"+q), mark, func() ([]personRow, error) {
			var err error
			sc.persons, err = s.loadPersons(ctx, c.id, n.person, sc.persons)
			return sc.persons, err
		})
		if err != nil {
			return err
		}
		sc.personT = resolve(sc.personT, rows, func(r *personRow) int64 { return r.id }, hist["person"], p,
			func(snap string) (personRow, bool) { return s.decodePerson(snap, n.person.fine) })
		c.persons, c.livePersons, c.livePersonRows = sc.personT, len(rows), rows
		sc.pIdx = nil
	}
	if n.households {
		rows, err := cachedRows(s.cache, key(fmt.Sprint("households|", c.req.Fine)), mark, func() ([]householdRow, error) {
			var err error
			sc.households, err = s.loadHouseholds(ctx, c.id, c.req.Fine, sc.households)
			return sc.households, err
		})
		if err != nil {
			return err
		}
		sc.householdT = resolve(sc.householdT, rows, func(r *householdRow) int64 { return r.id }, hist["household"], p,
			func(snap string) (householdRow, bool) { return s.decodeHousehold(snap, c.req.Fine) })
		c.households = sc.householdT
		sc.hIdx = indexMap(sc.hIdx, len(c.households))
		for i, t := range c.households {
			sc.hIdx[idOf(t, func(r *householdRow) int64 { return r.id })] = int32(i)
		}
	}
	if n.houses {
		rows, err := cachedRows(s.cache, key(fmt.Sprint("houses|", c.req.Fine)), mark, func() ([]houseRow, error) {
			var err error
			sc.houses, err = s.loadHouses(ctx, c.id, c.req.Fine, sc.houses)
			return sc.houses, err
		})
		if err != nil {
			return err
		}
		sc.houseT = resolve(sc.houseT, rows, func(r *houseRow) int64 { return r.id }, hist["house"], p,
			func(snap string) (houseRow, bool) { return s.decodeHouse(snap, c.req.Fine) })
		c.houses = sc.houseT
		sc.uIdx = indexMap(sc.uIdx, len(c.houses))
		for i, t := range c.houses {
			sc.uIdx[idOf(t, func(r *houseRow) int64 { return r.id })] = int32(i)
		}
	}
	if n.buildings {
		rows, err := cachedRows(s.cache, key("buildings"), mark, func() ([]buildingRow, error) {
			return s.loadBuildings(ctx, c.id)
		})
		if err != nil {
			return err
		}
		c.buildings = resolve(nil, rows, func(r *buildingRow) int64 { return r.id }, hist["building"], p, s.decodeBuilding)
		sc.bIdx = indexMap(sc.bIdx, len(c.buildings))
		for i, t := range c.buildings {
			sc.bIdx[idOf(t, func(r *buildingRow) int64 { return r.id })] = int32(i)
		}
	}
	if n.tags {
		rows, err := cachedRows(s.cache, key("tags|"+p.String()), mark, func() ([]tagRow, error) {
			var err error
			sc.tags, err = s.loadTags(ctx, c.id, p, sc.tags)
			return sc.tags, err
		})
		if err != nil {
			return err
		}
		sc.tagT = resolve(sc.tagT, rows, func(r *tagRow) int64 { return r.id }, hist["tag"], p,
			func(snap string) (tagRow, bool) { return s.decodeTag(snap, c.dates) })
		c.tags, c.liveTags, c.liveTagRows = sc.tagT, len(rows), rows
	}
	if n.rentals {
		rows, err := cachedRows(s.cache, key("rentals|"+p.String()), mark, func() ([]rentalRow, error) {
			return s.loadRentals(ctx, c.id, p, false)
		})
		if err != nil {
			return err
		}
		c.rentals = resolve(nil, rows, func(r *rentalRow) int64 { return r.id }, hist["rental"], p,
			func(snap string) (rentalRow, bool) { return s.decodeRental(snap, c.dates) })
		for i := range c.rentals {
			t := &c.rentals[i]
			// A rental exists in a state only while in force.
			t.s, t.e, t.d = inForceOr(t.s, stateStart), inForceOr(t.e, stateEnd), inForceOr(t.d, stateDuring)
		}
	}
	if n.organisations {
		rows, err := cachedRows(s.cache, key("organisations"), mark, func() ([]orgRow, error) {
			return s.loadOrganisations(ctx, c.id)
		})
		if err != nil {
			return err
		}
		c.orgs = resolve(nil, rows, func(r *orgRow) int64 { return r.id }, hist["organisation"], p, s.decodeOrganisation)
	}
	return nil
}

// derive computes the values records take from others.
func (c *community) derive() {
	sc, st, d := c.sc, c.n.states, &c.sc.d
	d.reset()
	np, nh, nu, nb := len(c.persons), len(c.households), len(c.houses), len(c.buildings)
	if c.n.tags && c.persons != nil {
		d.tags = true
		perState(&d.pTags, st, np, 0)
		apply := func(t triple[tagRow], i int32) {
			for k, r := range rowsOf(t, st) {
				if r != nil && r.tag >= 0 && r.flags&(1<<uint(k)) != 0 {
					d.pTags[k][i] |= 1 << uint(r.tag)
				}
			}
		}
		// Live tags come in person order, live persons in id order: walk
		// both. What does not pair (rows known only from snapshots) is
		// looked up by id.
		j := 0
		tagPerson := func(j int) int64 {
			if j < c.liveTags {
				return c.liveTagRows[j].person
			}
			return idOf(c.tags[j], func(r *tagRow) int64 { return r.person })
		}
		var rest []int
		for i := 0; i < c.livePersons; i++ {
			pid := c.livePersonRows[i].id // triple i holds live row i
			for j < c.liveTags && tagPerson(j) < pid {
				rest = append(rest, j)
				j++
			}
			for j < c.liveTags && tagPerson(j) == pid {
				apply(c.tags[j], int32(i))
				j++
			}
		}
		for ; j < len(c.tags); j++ {
			rest = append(rest, j)
		}
		if len(rest) > 0 {
			idx := c.personIndex()
			for _, j := range rest {
				if i, ok := idx[tagPerson(j)]; ok {
					apply(c.tags[j], i)
				}
			}
		}
	}
	if c.n.rentals && c.houses != nil {
		perState(&d.uRented, st, nu, false)
		for _, t := range c.rentals {
			for k, r := range rowsOf(t, st) {
				if r == nil {
					continue
				}
				if u, ok := sc.uIdx[r.house]; ok {
					d.uRented[k][u] = true
				}
			}
		}
	}
	if c.households != nil {
		d.households = true
		perState(&d.hhActive, st, nh, false)
		perState(&d.hhHouse, st, nh, -1)
		for i, t := range c.households {
			for k, r := range rowsOf(t, st) {
				if r == nil {
					continue
				}
				d.hhActive[k][i] = r.status == c.src.activeHousehold
				if c.houses != nil && r.house != 0 {
					if u, ok := sc.uIdx[r.house]; ok {
						d.hhHouse[k][i] = u
					}
				}
			}
		}
		if c.persons != nil {
			perState(&d.pHH, st, np, -1)
			perState(&d.hhSize, st, nh, 0)
			perState(&d.hhFloat, st, nh, 0)
			perState(&d.hhMin, st, nh, math.NaN())
			perState(&d.hhMax, st, nh, math.NaN())
			perState(&d.hhTags, st, nh, 0)
			for i, t := range c.persons {
				rows := rowsOf(t, st)
				hh, last := int32(-1), int64(-1)
				for k, r := range rows {
					if r == nil {
						continue
					}
					if r.household != last { // states of one row share the lookup
						last, hh = r.household, -1
						if x, ok := sc.hIdx[r.household]; ok && r.household != 0 {
							hh = x
						}
					}
					d.pHH[k][i] = hh
					if hh < 0 || r.status != c.src.activePerson {
						continue
					}
					d.hhSize[k][hh]++
					if r.residence == c.src.floating {
						d.hhFloat[k][hh]++
					}
					if age := ageOn(r.birth, c.dates.at[k]); !math.IsNaN(age) {
						if cur := d.hhMin[k][hh]; math.IsNaN(cur) || age < cur {
							d.hhMin[k][hh] = age
						}
						if cur := d.hhMax[k][hh]; math.IsNaN(cur) || age > cur {
							d.hhMax[k][hh] = age
						}
					}
					if d.tags {
						d.hhTags[k][hh] |= d.pTags[k][i]
					}
				}
			}
		}
	}
	if c.houses != nil {
		d.houses = true
		if c.households != nil {
			perState(&d.uHH, st, nu, 0)
			perState(&d.uRes, st, nu, 0)
			perState(&d.uFloat, st, nu, 0)
			for i := range c.households {
				for k := 0; k < nStates; k++ {
					if !st[k] || !d.hhActive[k][i] {
						continue
					}
					u := d.hhHouse[k][i]
					if u < 0 {
						continue
					}
					d.uHH[k][u]++
					if c.persons != nil {
						d.uRes[k][u] += d.hhSize[k][i]
						d.uFloat[k][u] += d.hhFloat[k][i]
					}
				}
			}
		}
		if c.buildings != nil {
			d.buildings = true
			perState(&d.uBuild, st, nu, -1)
			perState(&d.bHouses, st, nb, 0)
			for i, t := range c.houses {
				for k, r := range rowsOf(t, st) {
					if r == nil {
						continue
					}
					if b, ok := sc.bIdx[r.building]; ok {
						d.uBuild[k][i] = b
						d.bHouses[k][b]++
					}
				}
			}
		}
	}
}

// personIndex maps person ids to their position, made on first use (only
// rows known from snapshots alone need it).
func (c *community) personIndex() map[int64]int32 {
	sc := c.sc
	if sc.pIdx != nil {
		return sc.pIdx
	}
	sc.pIdx = make(map[int64]int32, len(c.persons))
	for i, t := range c.persons {
		sc.pIdx[idOf(t, func(r *personRow) int64 { return r.id })] = int32(i)
	}
	return sc.pIdx
}

func (c *community) place(grid, org int64) access.Place {
	return access.Place{Community: c.id, Grid: grid, Org: org}
}

func (c *community) emitPersons(emit func(*Entity, *Record)) {
	s, d := c.src, &c.sc.d
	e := s.person
	st := newStates(e)
	need := needStates(c.req, e)
	f := func(name string) *Field { return e.Field(name) }
	gender, age, residence, status := f("gender").slot, f("age").slot, f("residence").slot, f("status").slot
	eth, rel, tags, hk := f("ethnicity").slot, f("relation").slot, f("tags").slot, f("household_kind").slot
	hsize, employed, tenant := f("household_size").slot, f("employed").slot, f("tenant").slot
	hid, emp := f("household_id").slot, f("employer_id").slot
	born := f("born_in_period").slot
	var rec Record
	for i, t := range c.persons {
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
		rec.Place = c.place(place.grid, place.org)
		fill := func(k int, r *personRow, v *Values) {
			v.Enum[gender], v.Enum[residence], v.Enum[status] = int32(r.gender), int32(r.residence), int32(r.status)
			v.Enum[eth], v.Enum[rel] = int32(r.ethnicity), int32(r.relation)
			v.Num[age] = ageOn(r.birth, c.dates.at[k])
			v.Enum[born] = boolIndex(r.birth >= c.dates.start && r.birth <= c.dates.at[stateEnd])
			v.Set[tags] = 0
			if d.tags {
				v.Set[tags] = d.pTags[k][i]
			}
			v.Enum[hk], v.Num[hsize] = -1, nan
			if d.households && len(d.pHH[k]) > 0 {
				// The household's size counts its members in any case;
				// its kind only while the household is itself in the register.
				if hh := d.pHH[k][i]; hh >= 0 {
					if row := rowAt(c.households[hh], k); row != nil && d.hhActive[k][hh] {
						v.Enum[hk] = int32(row.kind)
					}
					v.Num[hsize] = float64(d.hhSize[k][hh])
				}
			}
			v.Enum[employed] = boolIndex(r.employer != 0)
			v.Enum[tenant] = 0
			if d.households && len(d.pHH[k]) > 0 && len(d.uRented[k]) > 0 {
				if hh := d.pHH[k][i]; hh >= 0 {
					if u := d.hhHouse[k][hh]; u >= 0 {
						v.Enum[tenant] = boolIndex(d.uRented[k][u])
					}
				}
			}
			v.Ref[hid], v.Ref[emp] = r.household, max(r.employer, 0)
		}
		if t.s == t.e && t.d == t.e && need[stateEnd] {
			// The same row all along (most persons): the other states
			// differ from the end only in what depends on the day.
			fill(stateEnd, t.e, st.v[stateEnd])
			end := st.v[stateEnd]
			rec.Start, rec.End, rec.During = nil, end, nil
			for _, k := range []int{stateStart, stateDuring} {
				if !need[k] {
					continue
				}
				if c.sameAsEnd(k, i, t.e) {
					if k == stateStart {
						rec.Start = end
					} else {
						rec.During = end
					}
					continue
				}
				fill(k, t.e, st.v[k])
				if k == stateStart {
					rec.Start = st.v[k]
				} else {
					rec.During = st.v[k]
				}
			}
		} else {
			fillRecord(&rec, st, t, need, fill)
		}
		emit(e, &rec)
	}
}

// sameAsEnd reports whether person i, whose row is r in every state, has
// in state k the values it has at the end: the same age, tags, tenancy and
// household figures.
func (c *community) sameAsEnd(k, i int, r *personRow) bool {
	d := &c.sc.d
	e := stateEnd
	if ageOn(r.birth, c.dates.at[k]) != ageOn(r.birth, c.dates.at[e]) && r.birth > 0 {
		return false
	}
	if d.tags && d.pTags[k][i] != d.pTags[e][i] {
		return false
	}
	if d.households && len(d.pHH[k]) > 0 {
		hk, he := d.pHH[k][i], d.pHH[e][i]
		if hk != he {
			return false
		}
		if hk >= 0 && (d.hhSize[k][hk] != d.hhSize[e][hk] || d.hhActive[k][hk] != d.hhActive[e][hk] ||
			rowAt(c.households[hk], k) != rowAt(c.households[hk], e)) {
			return false
		}
		if hk >= 0 && len(d.uRented[k]) > 0 {
			uk, ue := d.hhHouse[k][hk], d.hhHouse[e][hk]
			if uk != ue || uk >= 0 && d.uRented[k][uk] != d.uRented[e][uk] {
				return false
			}
		}
	}
	return true
}

// rowAt is a triple's row in state k.
func rowAt[R any](t triple[R], k int) *R {
	switch k {
	case stateStart:
		return t.s
	case stateDuring:
		return t.d
	}
	return t.e
}

func (c *community) emitHouseholds(emit func(*Entity, *Record)) {
	s, d := c.src, &c.sc.d
	e := s.household
	st := newStates(e)
	need := needStates(c.req, e)
	f := func(name string) *Field { return e.Field(name) }
	kind, status, size, minAge, maxAge := f("kind").slot, f("status").slot, f("size").slot, f("min_age").slot, f("max_age").slot
	mtags, rented, house := f("member_tags").slot, f("rented").slot, f("house_id").slot
	withPersons := c.persons != nil
	var rec Record
	for i, t := range c.households {
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
		rec.Place = c.place(place.grid, place.org)
		fillRecord(&rec, st, t, need, func(k int, r *householdRow, v *Values) {
			v.Enum[kind], v.Enum[status] = int32(r.kind), int32(r.status)
			v.Num[size], v.Num[minAge], v.Num[maxAge] = 0, nan, nan
			v.Set[mtags] = 0
			if withPersons {
				v.Num[size] = float64(d.hhSize[k][i])
				v.Num[minAge], v.Num[maxAge] = d.hhMin[k][i], d.hhMax[k][i]
				if d.tags {
					v.Set[mtags] = d.hhTags[k][i]
				}
			}
			v.Enum[rented] = 0
			if d.houses && len(d.uRented[k]) > 0 {
				if u := d.hhHouse[k][i]; u >= 0 {
					v.Enum[rented] = boolIndex(d.uRented[k][u])
				}
			}
			v.Ref[house] = r.house
		})
		emit(e, &rec)
	}
}

func (c *community) emitHouses(emit func(*Entity, *Record)) {
	s, d := c.src, &c.sc.d
	e := s.house
	st := newStates(e)
	need := needStates(c.req, e)
	f := func(name string) *Field { return e.Field(name) }
	use, area, bkind, occupied := f("use").slot, f("area").slot, f("building_kind").slot, f("occupied").slot
	hhs, res, fres, inRental, bid := f("households").slot, f("residents").slot, f("floating_residents").slot, f("in_rental").slot, f("building_id").slot
	var rec Record
	for i, t := range c.houses {
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
		rec.Place = c.place(place.grid, place.org)
		fillRecord(&rec, st, t, need, func(k int, r *houseRow, v *Values) {
			v.Enum[use] = int32(r.use)
			v.Num[area] = r.area
			if r.area <= 0 {
				v.Num[area] = nan
			}
			v.Enum[bkind] = -1
			if d.buildings {
				if b := d.uBuild[k][i]; b >= 0 {
					if row := rowAt(c.buildings[b], k); row != nil {
						v.Enum[bkind] = int32(row.kind)
					}
				}
			}
			v.Enum[occupied], v.Num[hhs], v.Num[res], v.Num[fres] = 0, 0, 0, 0
			if len(d.uHH[k]) > 0 {
				v.Enum[occupied], v.Num[hhs] = boolIndex(d.uHH[k][i] > 0), float64(d.uHH[k][i])
				v.Num[res], v.Num[fres] = float64(d.uRes[k][i]), float64(d.uFloat[k][i])
			}
			v.Enum[inRental] = 0
			if len(d.uRented[k]) > 0 {
				v.Enum[inRental] = boolIndex(d.uRented[k][i])
			}
			v.Ref[bid] = r.building
		})
		emit(e, &rec)
	}
}

func (c *community) emitBuildings(emit func(*Entity, *Record)) {
	s, d := c.src, &c.sc.d
	e := s.building
	st := newStates(e)
	need := needStates(c.req, e)
	kind, floors, built, houses := e.Field("kind").slot, e.Field("floors").slot, e.Field("built_year").slot, e.Field("houses").slot
	var rec Record
	for i, t := range c.buildings {
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
		rec.Place = c.place(place.grid, place.id)
		fillRecord(&rec, st, t, need, func(k int, r *buildingRow, v *Values) {
			v.Enum[kind] = int32(r.kind)
			v.Num[floors], v.Num[built] = r.floors, r.built
			v.Num[houses] = 0
			if d.buildings && len(d.bHouses[k]) > 0 {
				v.Num[houses] = float64(d.bHouses[k][i])
			}
		})
		emit(e, &rec)
	}
}

func (c *community) emitOrganisations(orgs []triple[orgRow], emit func(*Entity, *Record)) {
	e := c.src.organisation
	st := newStates(e)
	need := needStates(c.req, e)
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
		grid, org := coarse(place.grid, place.org, c.req.Fine)
		rec.Place = c.place(grid, org)
		fillRecord(&rec, st, t, need, func(k int, r *orgRow, v *Values) {
			v.Enum[kind], v.Enum[status] = int32(r.kind), int32(r.status)
			v.Num[staff] = r.staff
			v.Enum[uscc] = boolIndex(r.uscc)
		})
		emit(e, &rec)
	}
}

func (c *community) emitRentals(emit func(*Entity, *Record)) {
	e := c.src.rental
	st := newStates(e)
	need := needStates(c.req, e)
	rent, tenants, house := e.Field("rent").slot, e.Field("tenants").slot, e.Field("house_id").slot
	var rec Record
	for _, t := range c.rentals {
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
		rec.Place = c.place(0, 0)
		if u, ok := c.sc.uIdx[place.house]; ok && c.houses != nil {
			for _, h := range []*houseRow{c.houses[u].e, c.houses[u].d, c.houses[u].s} {
				if h != nil {
					rec.Place = c.place(h.grid, h.org)
					break
				}
			}
		}
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
