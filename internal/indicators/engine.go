package indicators

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
)

// Engine computes indicators for a unit of the org tree and every unit
// below it down to the grids, in one pass over each community's records:
//
//  1. Communities are read in parallel (one worker per core); each source
//     streams a community's records with their states at the start and end
//     of the period, built from the live tables and, for records changed
//     since the period began, from the change events' snapshots.
//  2. Each state is reduced to a key (see plan); the engine counts records
//     per (grid, combination of keys) — a few thousand cells per grid —
//     and sums the measured fields.
//  3. The cells are added into each indicator whose filter and period rule
//     they meet, then rolled up the tree. Distinct counts are kept as sets
//     of values so that a value seen in two grids counts once above them.
type Engine struct {
	db      *database.DB
	reg     *Registry
	Workers int // communities read at once; 0 means one per core
}

// NewEngine returns an engine on db computing the registry's entities.
func NewEngine(db *database.DB, reg *Registry) *Engine { return &Engine{db: db, reg: reg} }

// Registry returns the registry the engine computes from.
func (en *Engine) Registry() *Registry { return en.reg }

// Request asks for the values of some indicators in a period, for Root and
// the units below it down to the grids.
type Request struct {
	Root       int64
	Period     Period
	Indicators []*Compiled
	// Collect, when set, also lists the records behind one value: the
	// ledger (台账) of indicator Collect.Indicator (an index into
	// Indicators) in unit Collect.Unit.
	Collect *Collect
}

// Collect names the value whose records a computation lists.
type Collect struct {
	Indicator int
	Unit      int64
}

// Result holds the values computed.
type Result struct {
	Period Period
	Units  []Unit
	// Values[u][i] is indicator i in unit u; NaN when it has no value (a
	// manual item, an average of nothing, a share of zero).
	Values [][]float64
	// Records lists the records behind the collected value, by community
	// and id: for a distinct count, the records its field refers to.
	Records []RecordRef
	// RecordEntity is the entity of Records.
	RecordEntity *Entity
	Stats        Stats
}

// RecordRef is one record of a ledger.
type RecordRef struct {
	Community int64
	ID        int64
}

// Stats describe a computation, for profiling and the benchmark.
type Stats struct {
	Communities int
	Records     map[string]int
	Keys        int
	Combos      int
	Cells       int
	Elapsed     time.Duration
}

// Unit returns the index of a unit in Units, -1 if absent.
func (r *Result) Unit(id int64) int {
	for i, u := range r.Units {
		if u.ID == id {
			return i
		}
	}
	return -1
}

// Compute runs a request.
func (en *Engine) Compute(ctx context.Context, req Request) (*Result, error) {
	started := time.Now()
	t, err := loadTree(ctx, en.db, req.Root, req.Period)
	if err != nil {
		return nil, err
	}
	nInd := len(req.Indicators)
	codeIndex := map[string]int{}
	for i, c := range req.Indicators {
		codeIndex[c.Code] = i
	}
	for _, c := range req.Indicators {
		if c.Measure == Share {
			if _, ok := codeIndex[c.Of]; !ok {
				return nil, fmt.Errorf("占比指标 %s 的分母 %s 不在本次计算中", c.Code, c.Of)
			}
		}
	}
	// One plan per entity.
	byEntity := map[*Entity][]int{}
	var entities []*Entity
	for i, c := range req.Indicators {
		if c.Measure == Manual || c.Entity == nil {
			continue
		}
		if _, ok := byEntity[c.Entity]; !ok {
			entities = append(entities, c.Entity)
		}
		byEntity[c.Entity] = append(byEntity[c.Entity], i)
	}
	plans := map[*Entity]*plan{}
	want := map[string]map[string]bool{}
	states := map[string]States{}
	codes := map[string]map[string][]int{}
	for _, e := range entities {
		idx := byEntity[e]
		inds := make([]*Compiled, len(idx))
		for j, i := range idx {
			inds[j] = req.Indicators[i]
		}
		p, err := newPlan(e, inds, idx)
		if err != nil {
			return nil, err
		}
		plans[e] = p
		fields := map[string]bool{}
		var st States
		for _, c := range inds {
			switch c.Rule {
			case AtEnd:
				st.End = true
			case During:
				st.Start, st.End, st.During = true, true, true
			case New, Left:
				st.Start, st.End = true, true
			}
			for _, cd := range c.conds() {
				fields[cd.Field.Name] = true
			}
			if c.Field != nil {
				fields[c.Field.Name] = true
			}
		}
		want[e.Name] = fields
		states[e.Name] = st
		codes[e.Name] = p.codes
	}
	// The value to collect.
	var col *collector
	res := &Result{Period: req.Period, Units: t.units, Stats: Stats{Records: map[string]int{}}}
	if req.Collect != nil {
		ci := req.Collect.Indicator
		ui, ok := t.index[req.Collect.Unit]
		if ci < 0 || ci >= nInd || !ok {
			return nil, fmt.Errorf("要列出的指标或单元不在本次计算中")
		}
		c := req.Indicators[ci]
		if c.Measure == Manual {
			return nil, fmt.Errorf("手工填报的指标没有台账")
		}
		col = &collector{indicator: ci, inside: t.within(ui)}
		res.RecordEntity = c.Entity
		if c.Measure == Distinct {
			col.distinct = true
			if re := en.reg.Entity(c.Field.RefEntity); re != nil {
				res.RecordEntity = re
			}
		}
	}

	// Which sources to ask.
	var sources []Source
	for _, s := range en.reg.sources() {
		for _, e := range s.Entities() {
			if plans[e] != nil {
				sources = append(sources, s)
				break
			}
		}
	}

	// Below the grids, records must say their own unit.
	fine := t.root.Level != "" && t.rootBelowGrid
	workers := en.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(t.communities)))
	jobs := make(chan int64)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	ws := make([]*worker, workers)
	errs := make([]error, workers)
	for w := range ws {
		ws[w] = newWorker(t, plans, nInd, col)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wk := ws[w]
			for comm := range jobs {
				if errs[w] != nil {
					continue
				}
				sreq := ScanRequest{Community: comm, Period: req.Period, Want: want, States: states, Codes: codes, Fine: fine}
				for _, s := range sources {
					if err := s.Scan(ctx, sreq, wk.emit); err != nil {
						errs[w] = err
						cancel()
						break
					}
				}
			}
		}(w)
	}
	for _, c := range t.communities {
		select {
		case jobs <- c:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Merge the workers and roll up.
	nU := len(t.units)
	numer := make([]float64, nU*nInd)
	denom := make([]float64, nU*nInd)
	distinct := map[int]map[int64]int32{}
	multi := map[int]map[int64][]int32{}
	for _, wk := range ws {
		wk.flush(numer, denom, nInd)
		for i, m := range wk.distinct {
			if distinct[i] == nil {
				distinct[i], multi[i] = map[int64]int32{}, map[int64][]int32{}
			}
			for v, leaf := range m {
				mergeDistinct(distinct[i], multi[i], v, leaf, wk.multi[i][v])
			}
		}
		res.Stats.Keys += wk.stats.Keys
		res.Stats.Combos += wk.stats.Combos
		res.Stats.Cells += wk.stats.Cells
		for k, n := range wk.stats.Records {
			res.Stats.Records[k] += n
		}
		if col != nil {
			res.Records = append(res.Records, wk.collected...)
		}
	}
	for i, m := range distinct {
		for _, leaf := range m {
			if leaf >= 0 {
				numer[int(leaf)*nInd+i]++
			}
		}
	}
	for u := nU - 1; u > 0; u-- {
		p := t.units[u].Parent
		src, dst := numer[u*nInd:(u+1)*nInd], numer[p*nInd:(p+1)*nInd]
		for i := range src {
			dst[i] += src[i]
		}
		src, dst = denom[u*nInd:(u+1)*nInd], denom[p*nInd:(p+1)*nInd]
		for i := range src {
			dst[i] += src[i]
		}
	}
	// Values seen in several grids count once in each unit above any of them.
	for i, m := range multi {
		for _, leaves := range m {
			seen := map[int]bool{}
			for _, l := range leaves {
				for u := int(l); u >= 0; u = t.units[u].Parent {
					if seen[u] {
						break
					}
					seen[u] = true
					numer[u*nInd+i]++
				}
			}
		}
	}
	res.Values = make([][]float64, nU)
	for u := range res.Values {
		row := make([]float64, nInd)
		for i, c := range req.Indicators {
			n, d := numer[u*nInd+i], denom[u*nInd+i]
			switch c.Measure {
			case Manual:
				row[i] = nan
			case Avg:
				if d > 0 {
					row[i] = n / d
				} else {
					row[i] = nan
				}
			default:
				row[i] = n
			}
		}
		res.Values[u] = row
	}
	for u := range res.Values {
		row := res.Values[u]
		for i, c := range req.Indicators {
			if c.Measure == Share {
				d := row[codeIndex[c.Of]]
				if d > 0 && !math.IsNaN(d) {
					row[i] = row[i] / d * ShareScale(c.Unit)
				} else {
					row[i] = nan
				}
			}
		}
	}
	res.Records = dedupe(res.Records)
	sort.Slice(res.Records, func(a, b int) bool {
		if res.Records[a].Community != res.Records[b].Community {
			return res.Records[a].Community < res.Records[b].Community
		}
		return res.Records[a].ID < res.Records[b].ID
	})
	res.Stats.Communities = len(t.communities)
	res.Stats.Elapsed = time.Since(started)
	return res, nil
}

// mergeDistinct adds a value seen at leaf (or, when leaf < 0, at leaves)
// to a distinct set: a value seen in more than one report unit is kept
// with all of them.
func mergeDistinct(m map[int64]int32, multi map[int64][]int32, v int64, leaf int32, leaves []int32) {
	add := func(l int32) {
		cur, ok := m[v]
		switch {
		case !ok:
			m[v] = l
		case cur == l:
		case cur >= 0:
			m[v] = -1
			multi[v] = []int32{cur, l}
		default:
			for _, x := range multi[v] {
				if x == l {
					return
				}
			}
			multi[v] = append(multi[v], l)
		}
	}
	if leaf >= 0 {
		add(leaf)
		return
	}
	for _, l := range leaves {
		add(l)
	}
}

type collector struct {
	indicator int
	inside    []bool // report units inside the collected unit
	distinct  bool
}

type contrib struct {
	ind   int32 // index within the plan
	state int8
}

// workerPlan is a plan with one worker's keys, combinations and cells.
type workerPlan struct {
	*plan
	// keys by value: keys1 when the plan's keys fit in one word (the
	// usual case: a faster map), keys2 otherwise.
	keys1 map[uint64]int32
	keys2 map[key]int32
	// small direct-mapped caches in front of keys1 and combos: a record's
	// key and combination have usually been seen a moment ago.
	keyCache   [1024]cached
	comboCache [1024]cached
	records    int
	keyMatch   [][]uint64
	// combos: (start key, end key, during key) ids plus one (0: absent),
	// 21 bits each
	combos           map[uint64]int32
	contribs         [][]contrib // count, sum, avg, share contributions
	distinctContribs [][]contrib // distinct contributions, handled per record
	collect          []int8      // state to collect for the collected indicator, -1 none
	// cellIdx[leaf][combo] is the cell of records of a combination in a
	// report unit, plus one (0: none yet): a slice lookup, not a map's.
	cellIdx  [][]int32
	cellLeaf []int32
	cellComb []int32
	cellN    []float64
	cellSums []float64 // per cell: per slot, sum and count of known values
	collectI int       // the collected indicator's index in the plan, -1
}

type worker struct {
	tree      *tree
	plans     map[*Entity]*workerPlan
	distinct  map[int]map[int64]int32 // global indicator → value → leaf (-1: several, see multi)
	multi     map[int]map[int64][]int32
	col       *collector
	collected []RecordRef
	seen      map[RecordRef]bool
	stats     Stats
	lastPlace access.Place
	lastLeaf  int32
}

func newWorker(t *tree, plans map[*Entity]*plan, nInd int, col *collector) *worker {
	w := &worker{tree: t, plans: map[*Entity]*workerPlan{}, distinct: map[int]map[int64]int32{},
		multi: map[int]map[int64][]int32{}, col: col, seen: map[RecordRef]bool{}, stats: Stats{Records: map[string]int{}}}
	for e, p := range plans {
		wp := &workerPlan{plan: p, keys1: map[uint64]int32{}, keys2: map[key]int32{}, combos: map[uint64]int32{},
			cellIdx: make([][]int32, len(t.units)), collectI: -1}
		if col != nil {
			for j, g := range p.global {
				if g == col.indicator {
					wp.collectI = j
				}
			}
		}
		w.plans[e] = wp
		for j, c := range p.inds {
			if c.Measure == Distinct {
				w.distinct[p.global[j]] = map[int64]int32{}
				w.multi[p.global[j]] = map[int64][]int32{}
			}
		}
	}
	return w
}

// cached is an entry of a direct-mapped cache: a value and its id plus one.
type cached struct {
	v  uint64
	id int32
}

func slot(v uint64) int { return int((v * 0x9e3779b97f4a7c15) >> 54) } // 10 bits

func (wp *workerPlan) keyID(k key) int32 {
	if k[1] == 0 {
		c := &wp.keyCache[slot(k[0])]
		if c.id > 0 && c.v == k[0] {
			return c.id - 1
		}
		if id, ok := wp.keys1[k[0]]; ok {
			*c = cached{k[0], id + 1}
			return id
		}
	} else if id, ok := wp.keys2[k]; ok {
		return id
	}
	id := int32(len(wp.keyMatch))
	if k[1] == 0 {
		wp.keys1[k[0]] = id
	} else {
		wp.keys2[k] = id
	}
	wp.keyMatch = append(wp.keyMatch, wp.matches(k))
	return id
}

func (wp *workerPlan) match(k int32, i int) bool {
	return k >= 0 && wp.keyMatch[k][i/64]&(1<<uint(i%64)) != 0
}

func (wp *workerPlan) comboID(ks, ke, kd int32) int32 {
	c := uint64(ks+1)<<42 | uint64(ke+1)<<21 | uint64(kd+1)
	cc := &wp.comboCache[slot(c)]
	if cc.id > 0 && cc.v == c {
		return cc.id - 1
	}
	if id, ok := wp.combos[c]; ok {
		*cc = cached{c, id + 1}
		return id
	}
	id := int32(len(wp.contribs))
	wp.combos[c] = id
	var cs, ds []contrib
	col := int8(-1)
	for i, ind := range wp.inds {
		state := int8(-1)
		switch ind.Rule {
		case AtEnd:
			if wp.match(ke, i) {
				state = stateEnd
			}
		case During:
			// At any time in the period: at its start, at its end, or in
			// between (the during state: tags in force on any day of it).
			switch {
			case wp.match(kd, i):
				state = stateDuring
			case wp.match(ke, i):
				state = stateEnd
			case wp.match(ks, i):
				state = stateStart
			}
		case New:
			if wp.match(ke, i) && !wp.match(ks, i) {
				state = stateEnd
			}
		case Left:
			if wp.match(ks, i) && !wp.match(ke, i) {
				state = stateStart
			}
		}
		if state < 0 {
			continue
		}
		if i == wp.collectI {
			col = state
		}
		if wp.distinct[i] {
			ds = append(ds, contrib{int32(i), state})
		} else {
			cs = append(cs, contrib{int32(i), state})
		}
	}
	wp.contribs = append(wp.contribs, cs)
	wp.distinctContribs = append(wp.distinctContribs, ds)
	wp.collect = append(wp.collect, col)
	return id
}

func stateOf(r *Record, s int8) *Values {
	switch s {
	case stateStart:
		return r.Start
	case stateDuring:
		return r.During
	}
	return r.End
}

// emit takes one record from a source.
func (w *worker) emit(e *Entity, r *Record) {
	wp := w.plans[e]
	if wp == nil {
		return
	}
	// Records come grid by grid: the last place's leaf is usually this one's.
	leaf := w.lastLeaf
	if r.Place != w.lastPlace {
		leaf = w.tree.leaf(r.Place.Org, r.Place.Grid, r.Place.Community)
		w.lastPlace, w.lastLeaf = r.Place, leaf
	}
	if leaf < 0 {
		return
	}
	wp.records++
	ks, ke, kd := int32(-1), int32(-1), int32(-1)
	var kEnd key
	if r.End != nil {
		kEnd = wp.key(r.End)
		ke = wp.keyID(kEnd)
	}
	if r.Start != nil {
		if r.Start == r.End {
			ks = ke
		} else if k := wp.key(r.Start); r.End != nil && k == kEnd {
			ks = ke
		} else {
			ks = wp.keyID(k)
		}
	}
	if r.During != nil {
		if r.During == r.End {
			kd = ke
		} else if k := wp.key(r.During); r.End != nil && k == kEnd {
			kd = ke
		} else {
			kd = wp.keyID(k)
		}
	}
	combo := wp.comboID(ks, ke, kd)
	idx := wp.cellIdx[leaf]
	if int(combo) >= len(idx) {
		idx = append(idx, make([]int32, max(int(combo)+1, 2*len(idx)+16)-len(idx))...)
		wp.cellIdx[leaf] = idx
	}
	cell := idx[combo] - 1
	ns := len(wp.slots)
	if cell < 0 {
		cell = int32(len(wp.cellN))
		idx[combo] = cell + 1
		wp.cellLeaf = append(wp.cellLeaf, leaf)
		wp.cellComb = append(wp.cellComb, combo)
		wp.cellN = append(wp.cellN, 0)
		for range 2 * ns {
			wp.cellSums = append(wp.cellSums, 0)
		}
	}
	wp.cellN[cell]++
	for s, d := range wp.slots {
		v := stateOf(r, int8(d.state))
		if v == nil {
			continue
		}
		if x := v.Num[d.field]; !math.IsNaN(x) {
			wp.cellSums[int(cell)*2*ns+2*s] += x
			wp.cellSums[int(cell)*2*ns+2*s+1]++
		}
	}
	for _, dc := range wp.distinctContribs[combo] {
		v := stateOf(r, dc.state)
		c := wp.inds[dc.ind]
		val := v.Ref[c.Field.slot]
		if val == 0 {
			continue
		}
		g := wp.global[dc.ind]
		mergeDistinct(w.distinct[g], w.multi[g], val, leaf, nil)
	}
	if st := wp.collect[combo]; st >= 0 && w.col.inside[leaf] {
		ref := RecordRef{Community: r.Place.Community, ID: r.ID}
		if w.col.distinct {
			c := wp.inds[wp.collectI]
			ref.ID = stateOf(r, st).Ref[c.Field.slot]
		}
		if ref.ID != 0 && !w.seen[ref] {
			w.seen[ref] = true
			w.collected = append(w.collected, ref)
		}
	}
}

// flush adds the worker's cells into the leaves' numerators and
// denominators.
func (w *worker) flush(numer, denom []float64, nInd int) {
	for _, wp := range w.plans {
		ns := len(wp.slots)
		for cell, leaf := range wp.cellLeaf {
			base := int(leaf) * nInd
			for _, c := range wp.contribs[wp.cellComb[cell]] {
				g := wp.global[c.ind]
				ind := wp.inds[c.ind]
				switch ind.Measure {
				case Sum:
					numer[base+g] += wp.cellSums[cell*2*ns+2*wp.sumSlot[c.ind]]
				case Avg:
					numer[base+g] += wp.cellSums[cell*2*ns+2*wp.sumSlot[c.ind]]
					denom[base+g] += wp.cellSums[cell*2*ns+2*wp.sumSlot[c.ind]+1]
				default:
					numer[base+g] += wp.cellN[cell]
				}
			}
		}
		w.stats.Records[wp.e.Name] += wp.records
		w.stats.Keys += len(wp.keyMatch)
		w.stats.Combos += len(wp.contribs)
		w.stats.Cells += len(wp.cellN)
	}
}

func dedupe(rs []RecordRef) []RecordRef {
	seen := make(map[RecordRef]bool, len(rs))
	out := rs[:0]
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}
