package indicators

import (
	"context"
	"fmt"

	"shequ/internal/access"
	"shequ/internal/database"
)

// Kind is the type of a field that filters and measures use.
type Kind int

const (
	Enum   Kind = iota // one code out of a list (性别, 人口类别 …)
	Number             // a number (年龄, 面积, 户人数); unknown is NaN
	Set                // several codes at once (a person's 标签), at most 64
	Bool               // yes or no (有工作单位)
	Ref                // the id of another record (所属户); only for 去重计数
)

var kindNames = map[Kind]string{Enum: "代码", Number: "数值", Set: "多选代码", Bool: "是/否", Ref: "关联记录"}

// Label is the Chinese name of the kind, for the editor's field list.
func (k Kind) Label() string { return kindNames[k] }

// Value is one code of an Enum or Set field.
type Value struct {
	Code string
	Name string
}

// Field is one property of an entity's records that an indicator may filter
// on or measure.
type Field struct {
	Name   string  // stable key used in stored definitions' English form: gender
	Label  string  // what administrators type and read: 性别
	Kind   Kind    // Enum, Number, Set, Bool or Ref
	Values []Value // Enum and Set: the codes, in display order
	Unit   string  // Number: 岁, 平方米, 人
	Note   string  // one line of help for the editor
	// RefEntity is, for a Ref field, the entity whose ids it holds, so that
	// the ledger of a distinct count lists those records.
	RefEntity string

	slot int // index into the Values slice of its kind
}

// Entity is a kind of record indicators count: persons, households, houses,
// organisations, and whatever other capabilities plug in (events,
// applications, visits).
type Entity struct {
	Name   string // person
	Label  string // 人口
	Unit   string // default unit of a count: 人
	Fields []*Field
	// Active, when set, limits every indicator whose filter does not
	// mention that field to records holding the value: persons count only
	// while 在册 unless a filter asks about 状态.
	Active *ActiveRule
	Note   string

	byName  map[string]*Field
	slots   [5]int // fields per kind
	ordered []*Field
}

// ActiveRule is an entity's implicit condition (see Entity.Active).
type ActiveRule struct {
	Field string
	Code  string
}

// Field finds a field by label or name.
func (e *Entity) Field(name string) *Field { return e.byName[name] }

// Slots returns how many fields of kind k the entity has: the length of
// the matching slice in Values.
func (e *Entity) Slots(k Kind) int { return e.slots[k] }

// Slot returns the index of a field in its kind's slice of Values, for
// sources filling records.
func (f *Field) Slot() int { return f.slot }

// ValueIndex finds an Enum or Set value by code or Chinese name; -1 if none.
func (f *Field) ValueIndex(s string) int {
	for i, v := range f.Values {
		if v.Code == s || v.Name == s {
			return i
		}
	}
	return -1
}

// CodeIndex finds an Enum or Set value by code only; -1 if none. Sources use
// it to translate stored codes.
func (f *Field) CodeIndex(code string) int {
	for i, v := range f.Values {
		if v.Code == code {
			return i
		}
	}
	return -1
}

// build indexes the fields and assigns slots; called when an entity is
// registered.
func (e *Entity) build() error {
	e.byName = map[string]*Field{}
	e.slots = [5]int{}
	for _, f := range e.Fields {
		if f.Name == "" || f.Label == "" {
			return fmt.Errorf("实体 %s 的字段缺少名称", e.Name)
		}
		for _, k := range []string{f.Name, f.Label} {
			if _, dup := e.byName[k]; dup {
				return fmt.Errorf("实体 %s 的字段 %s 重复", e.Name, k)
			}
			e.byName[k] = f
		}
		if f.Kind == Set && len(f.Values) > 64 {
			return fmt.Errorf("实体 %s 的字段 %s 取值超过 64 个", e.Name, f.Label)
		}
		slotKind := f.Kind
		if slotKind == Bool {
			slotKind = Enum
		}
		f.slot = e.slots[slotKind]
		e.slots[slotKind]++
	}
	if e.Active != nil {
		f := e.byName[e.Active.Field]
		if f == nil || f.Kind != Enum || f.CodeIndex(e.Active.Code) < 0 {
			return fmt.Errorf("实体 %s 的在册条件无效", e.Name)
		}
	}
	return nil
}

// Values holds one state of a record: the value of each field, by slot.
// Bool fields take Enum slots (0 no, 1 yes); an unknown Enum value is -1,
// an unknown Number NaN.
type Values struct {
	Enum []int32
	Num  []float64
	Set  []uint64
	Ref  []int64
}

// NewValues makes a Values sized for e.
func NewValues(e *Entity) *Values {
	return &Values{
		Enum: make([]int32, e.slots[Enum]),
		Num:  make([]float64, e.slots[Number]),
		Set:  make([]uint64, e.slots[Set]),
		Ref:  make([]int64, e.slots[Ref]),
	}
}

// CopyFrom makes v a copy of o (same entity).
func (v *Values) CopyFrom(o *Values) {
	copy(v.Enum, o.Enum)
	copy(v.Num, o.Num)
	copy(v.Set, o.Set)
	copy(v.Ref, o.Ref)
}

// Record is one record as the engine sees it for a period: where it lies
// and its state at the start of the period (the end of the day before),
// at its end, and during it. A nil state means the record did not exist
// (or was not active) then. During is the latest state the record had
// while the period ran; sources whose records do not change within a
// period pass End (or Start) again.
type Record struct {
	ID    int64
	Place access.Place
	Start *Values
	End   *Values
	// During is the record's state if it existed at any time in the
	// period: End when it still exists at the end.
	During *Values
}

// Source supplies the records of one or more entities, one community at a
// time. The register's source reads its tables and change events; other
// capabilities (events, applications, visits) supply their own records by
// implementing Source, without touching the engine; whoever builds the
// reports (server.New, the report command) lists their SourceFuncs.
type Source interface {
	// Entities lists the entities the source supplies. They are built
	// (slots assigned) when the registry is made.
	Entities() []*Entity
	// Scan calls emit for every record of the wanted entities that lies
	// in community and existed at some time from the start of the period
	// to its end, with its states filled in. Only the wanted fields need
	// values. emit copies what it keeps: the source may reuse a Record
	// and its Values after emit returns.
	Scan(ctx context.Context, req ScanRequest, emit func(e *Entity, r *Record)) error
	// Describe returns the ledger rows (台账) of the given records of an
	// entity as they stood at the end of the period.
	Describe(ctx context.Context, e *Entity, period Period, community int64, ids []int64) ([]LedgerRow, error)
	// Columns lists the ledger columns of an entity.
	Columns(e *Entity) []Column
}

// ScanRequest asks a source for one community's records in a period.
type ScanRequest struct {
	Community int64
	Period    Period
	// Want names the entities needed and, for each, the fields some
	// indicator uses (by Field.Name).
	Want map[string]map[string]bool
	// States says, per entity, which states some indicator looks at
	// (start, end, during); a source may leave the others nil.
	States map[string]States
	// Codes lists, per entity and Enum field, the value indices some filter
	// mentions: a source may report any other value as unknown (-1),
	// which no filter tells apart from it (see plan).
	Codes map[string]map[string][]int
	// Fine asks for places down to the record's own unit (Place.Org): the
	// computation's root lies below the grids. Otherwise the grid (or the
	// unit above it where a record has no grid) is enough.
	Fine bool
}

// States are the states of a record some indicator looks at.
type States struct{ Start, End, During bool }

// Wants reports whether entity e is asked for.
func (r ScanRequest) Wants(e string) bool { _, ok := r.Want[e]; return ok }

// WantsField reports whether field f of entity e is asked for.
func (r ScanRequest) WantsField(e, f string) bool { return r.Want[e][f] }

// NeedsState reports whether entity e's state k (0 start, 1 end, 2
// during) is looked at.
func (r ScanRequest) NeedsState(e string, k int) bool {
	s, ok := r.States[e]
	if !ok {
		return true
	}
	return [3]bool{s.Start, s.End, s.During}[k]
}

// Column is one column of a ledger. Kind says how access.Fields shows it:
// "text" (hidden or shown), "id" (ID numbers, masked) or "phone" (masked).
type Column struct {
	Field string // the register field it shows, for access.Fields
	Label string
	Kind  string
}

// LedgerRow is one record of a ledger, its cells in Columns order.
type LedgerRow struct {
	ID    int64
	Place access.Place
	Cells []string
}

// Registry is the set of entities indicators may count, with their sources.
type Registry struct {
	entities map[string]*Entity
	order    []*Entity
	source   map[string]Source
}

// SourceFunc makes another capability's Source on db, reading the
// catalogues its entities' values come from (categories, service items):
// internal/events.NewIndicatorSource for 事件, internal/services' for 办件.
type SourceFunc func(ctx context.Context, db *database.DB) (Source, error)

// NewRegistry builds a registry from sources: the register's and the org
// tree's, then those made by the given functions. It reads the catalogues
// the entities' values come from (tag kinds, org levels), so make a new one
// when those change.
func NewRegistry(ctx context.Context, db *database.DB, sources ...SourceFunc) (*Registry, error) {
	return NewRegistryCached(ctx, db, nil, sources...)
}

// NewRegistryCached is NewRegistry with the register's rows kept in cache
// (nil: none) from one computation to the next.
func NewRegistryCached(ctx context.Context, db *database.DB, cache *RowCache, sources ...SourceFunc) (*Registry, error) {
	r := &Registry{entities: map[string]*Entity{}, source: map[string]Source{}}
	reg, err := NewRegisterSource(ctx, db)
	if err != nil {
		return nil, err
	}
	reg.cache = cache
	org, err := NewOrgSource(ctx, db)
	if err != nil {
		return nil, err
	}
	all := []Source{reg, org}
	for _, newSource := range sources {
		s, err := newSource(ctx, db)
		if err != nil {
			return nil, err
		}
		all = append(all, s)
	}
	for _, s := range all {
		if err := r.Add(s); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add registers a source and its entities.
func (r *Registry) Add(s Source) error {
	for _, e := range s.Entities() {
		if _, dup := r.entities[e.Name]; dup {
			return fmt.Errorf("实体 %s 重复注册", e.Name)
		}
		if e.byName == nil {
			if err := e.build(); err != nil {
				return err
			}
		}
		r.entities[e.Name] = e
		r.order = append(r.order, e)
		r.source[e.Name] = s
	}
	return nil
}

// Entity finds an entity by name or Chinese label.
func (r *Registry) Entity(name string) *Entity {
	if e := r.entities[name]; e != nil {
		return e
	}
	for _, e := range r.order {
		if e.Label == name {
			return e
		}
	}
	return nil
}

// Entities lists the entities in registration order.
func (r *Registry) Entities() []*Entity { return append([]*Entity(nil), r.order...) }

// Source returns the source of an entity.
func (r *Registry) Source(e *Entity) Source { return r.source[e.Name] }

// sources lists each distinct source once, in registration order.
func (r *Registry) sources() []Source {
	var out []Source
	seen := map[Source]bool{}
	for _, e := range r.order {
		s := r.source[e.Name]
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// fieldNames lists an entity's field labels, for error messages.
func (e *Entity) fieldNames(kinds ...Kind) []string {
	var out []string
	for _, f := range e.Fields {
		if len(kinds) == 0 || containsKind(kinds, f.Kind) {
			out = append(out, f.Label)
		}
	}
	return out
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
