package indicators

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// A plan compiles the indicators of one entity for the engine. Records are
// not tested against each filter one by one: a filter can only tell apart
// the values it mentions (性别 = 女 cannot tell 男 from unknown; 年龄 >= 60
// cannot tell 61 from 75), so each record state is reduced to a small key —
// per field, the class of its value among the values and thresholds some
// filter mentions — and every filter is evaluated once per distinct key.
// A city of a million persons has a few thousand keys.
type plan struct {
	e      *Entity
	inds   []*Compiled // the entity's computed indicators
	global []int       // each one's index in the request

	enums []enumPart
	nums  []numPart
	sets  []setPart

	// sum slots: one per (measured field, state) pair of sum and avg
	// indicators; sumSlot[i] is indicator i's slot, -1 if none.
	slots   []sumSlotDef
	sumSlot []int

	distinct []bool // indicator i is a distinct count

	codes map[string][]int // Enum field name → the value indices filters mention
}

type enumPart struct {
	slot    int
	classOf []uint64 // value index + 1 → class (1…); values no filter mentions 0
	reps    []int32  // class → a value index of that class (-1 for class 0)
	word    int
	shift   uint
}

type numPart struct {
	slot   int
	breaks []float64 // the constants filters compare with, sorted
	word   int
	shift  uint
}

type setPart struct {
	slot  int
	bits  []uint // the Set values some filter mentions
	word  int
	shift uint
}

type sumSlotDef struct {
	field int // Number slot
	state int // stateStart, stateEnd, stateDuring
}

const (
	stateStart = iota
	stateEnd
	stateDuring
)

type key [2]uint64

func newPlan(e *Entity, inds []*Compiled, global []int) (*plan, error) {
	p := &plan{e: e, inds: inds, global: global}
	enumVals := map[*Field]map[int32]bool{}
	numVals := map[*Field]map[float64]bool{}
	setVals := map[*Field]map[uint]bool{}
	for _, c := range inds {
		for _, cd := range c.conds() {
			f := cd.Field
			switch f.Kind {
			case Enum, Bool:
				if enumVals[f] == nil {
					enumVals[f] = map[int32]bool{}
				}
				for _, v := range cd.Vals {
					enumVals[f][int32(v)] = true
				}
				if cd.Op == OpTrue {
					enumVals[f][1] = true
				}
			case Number:
				if numVals[f] == nil {
					numVals[f] = map[float64]bool{}
				}
				for _, x := range cd.Nums {
					numVals[f][x] = true
				}
			case Set:
				if setVals[f] == nil {
					setVals[f] = map[uint]bool{}
				}
				for _, v := range cd.Vals {
					setVals[f][uint(v)] = true
				}
			}
		}
	}
	p.codes = map[string][]int{}
	for f, vals := range enumVals {
		if f.Kind != Enum {
			continue
		}
		for _, v := range sortedInt32(vals) {
			p.codes[f.Name] = append(p.codes[f.Name], int(v))
		}
	}
	word, shift := 0, uint(0)
	place := func(width uint) (int, uint, error) {
		if width > 64 {
			return 0, 0, fmt.Errorf("%s的指标条件涉及的取值过多", e.Label)
		}
		if shift+width > 64 {
			word, shift = word+1, 0
		}
		if word > 1 {
			return 0, 0, fmt.Errorf("%s的指标条件涉及的字段和取值过多,请拆分报表", e.Label)
		}
		w, s := word, shift
		shift += width
		return w, s, nil
	}
	for _, f := range e.Fields { // field order keeps plans deterministic
		switch {
		case enumVals[f] != nil:
			vals := sortedInt32(enumVals[f])
			n := len(f.Values)
			part := enumPart{slot: f.slot, reps: []int32{-1}}
			if f.Kind == Bool {
				vals, n = []int32{1}, 2
				part.reps = []int32{0}
			}
			part.classOf = make([]uint64, n+1)
			for i, v := range vals {
				if v >= 0 && int(v) < n {
					part.classOf[v+1] = uint64(i + 1)
				}
				part.reps = append(part.reps, v)
			}
			var err error
			part.word, part.shift, err = place(widthFor(len(part.reps)))
			if err != nil {
				return nil, err
			}
			p.enums = append(p.enums, part)
		case numVals[f] != nil:
			part := numPart{slot: f.slot}
			for x := range numVals[f] {
				part.breaks = append(part.breaks, x)
			}
			sort.Float64s(part.breaks)
			var err error
			part.word, part.shift, err = place(widthFor(2*len(part.breaks) + 2))
			if err != nil {
				return nil, err
			}
			p.nums = append(p.nums, part)
		case setVals[f] != nil:
			part := setPart{slot: f.slot}
			for b := range setVals[f] {
				part.bits = append(part.bits, b)
			}
			sort.Slice(part.bits, func(i, j int) bool { return part.bits[i] < part.bits[j] })
			var err error
			part.word, part.shift, err = place(uint(len(part.bits)))
			if err != nil {
				return nil, err
			}
			p.sets = append(p.sets, part)
		}
	}
	p.sumSlot = make([]int, len(inds))
	p.distinct = make([]bool, len(inds))
	slotOf := map[sumSlotDef]int{}
	for i, c := range inds {
		p.sumSlot[i] = -1
		p.distinct[i] = c.Measure == Distinct
		if c.Measure != Sum && c.Measure != Avg {
			continue
		}
		d := sumSlotDef{field: c.Field.slot, state: ruleState(c.Rule)}
		s, ok := slotOf[d]
		if !ok {
			s = len(p.slots)
			slotOf[d] = s
			p.slots = append(p.slots, d)
		}
		p.sumSlot[i] = s
	}
	return p, nil
}

// ruleState is the state a rule measures: the start for 期内减少, the
// period's course for 期内, else the end.
func ruleState(rule string) int {
	switch rule {
	case Left:
		return stateStart
	case During:
		return stateDuring
	}
	return stateEnd
}

func widthFor(classes int) uint {
	if classes <= 1 {
		return 0
	}
	return uint(bits.Len(uint(classes - 1)))
}

func sortedInt32(m map[int32]bool) []int32 {
	out := make([]int32, 0, len(m))
	for v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// key reduces a record state to its key.
func (p *plan) key(v *Values) key {
	var k key
	for i := range p.enums {
		part := &p.enums[i]
		x := int(v.Enum[part.slot]) + 1
		if x > 0 && x < len(part.classOf) {
			k[part.word] |= part.classOf[x] << part.shift
		}
	}
	for i := range p.nums {
		part := &p.nums[i]
		k[part.word] |= numClass(part.breaks, v.Num[part.slot]) << part.shift
	}
	for i := range p.sets {
		part := &p.sets[i]
		s := v.Set[part.slot]
		var c uint64
		for j, b := range part.bits {
			c |= ((s >> b) & 1) << uint(j)
		}
		k[part.word] |= c << part.shift
	}
	return k
}

// numClass: 0 unknown; 2i+1 below breaks[i] (and above breaks[i-1]); 2i+2
// equal to breaks[i].
func numClass(breaks []float64, x float64) uint64 {
	if math.IsNaN(x) {
		return 0
	}
	i := sort.SearchFloat64s(breaks, x)
	if i < len(breaks) && breaks[i] == x {
		return uint64(2*i + 2)
	}
	return uint64(2*i + 1)
}

// represent builds a state that has the key k: a value of each class.
func (p *plan) represent(k key) *Values {
	v := NewValues(p.e)
	for i := range v.Enum {
		v.Enum[i] = -1
	}
	for i := range v.Num {
		v.Num[i] = nan
	}
	for i := range p.enums {
		part := &p.enums[i]
		c := (k[part.word] >> part.shift) & mask(widthFor(len(part.reps)))
		if int(c) < len(part.reps) {
			v.Enum[part.slot] = part.reps[c]
		}
	}
	for i := range p.nums {
		part := &p.nums[i]
		c := int((k[part.word] >> part.shift) & mask(widthFor(2*len(part.breaks)+2)))
		b := part.breaks
		switch {
		case c == 0:
			v.Num[part.slot] = nan
		case c%2 == 0:
			v.Num[part.slot] = b[c/2-1]
		default:
			j := c / 2 // below b[j]
			switch {
			case j == 0:
				v.Num[part.slot] = b[0] - 1
			case j == len(b):
				v.Num[part.slot] = b[len(b)-1] + 1
			default:
				v.Num[part.slot] = (b[j-1] + b[j]) / 2
			}
		}
	}
	for i := range p.sets {
		part := &p.sets[i]
		c := (k[part.word] >> part.shift) & mask(uint(len(part.bits)))
		for j, b := range part.bits {
			if c&(1<<uint(j)) != 0 {
				v.Set[part.slot] |= 1 << b
			}
		}
	}
	return v
}

func mask(width uint) uint64 {
	if width >= 64 {
		return ^uint64(0)
	}
	return (1 << width) - 1
}

// matches evaluates every indicator on a key: bit i set when indicator i
// selects states with that key.
func (p *plan) matches(k key) []uint64 {
	v := p.represent(k)
	out := make([]uint64, (len(p.inds)+63)/64)
	for i, c := range p.inds {
		if c.Matches(v) {
			out[i/64] |= 1 << uint(i%64)
		}
	}
	return out
}
