package imports

import (
	"context"
	"hash/maphash"
	"strconv"

	"shequ/internal/register"
)

// roster is the register of the import's target held in memory in a
// compact form: for every person the keys, and a hash of each field the
// list carries. A row whose every given field hashes the same as the
// person's is unchanged and costs no database work; only rows that differ
// have their person read in full. It also finds persons by name for the
// rows whose ID number the register does not know. A million persons take
// about 150 MB.
type roster struct {
	fields []string // the person fields compared, in order
	seed   maphash.Seed
	people []rosterPerson
	hashes []uint64 // len(fields) per person
	byKey  docIndex
	names  map[uint64]int32 // hash of a name → the last person added with it
	next   []int32          // the person added before with the same name hash, or -1

	// A batch's rows are found in byKey when the batch is looked up
	// (found); the batch before may then add or remove keys before this
	// one is decided. gen counts the batches committed, moved holds the
	// keys the last one added or removed: a row looked up one generation
	// ago keeps what it found unless its key moved.
	gen   int
	moved docIndex
}

type rosterPerson struct {
	id, community int64
	version       int32
	birth         uint32 // YYYYMMDD, with residentBit when the person has a resident ID and monthBit
}

// residentBit marks, in rosterPerson.birth, a person known by a resident
// ID number: a row with another valid resident ID is never that person.
// monthBit marks a person whose birth is known to the month only (the
// date is the month's last day).
const (
	residentBit = 1 << 31
	monthBit    = 1 << 30
)

func (p rosterPerson) birthDate() uint32 { return p.birth &^ (residentBit | monthBit) }
func (p rosterPerson) resident() bool    { return p.birth&residentBit != 0 }
func (p rosterPerson) monthOnly() bool   { return p.birth&monthBit != 0 }

func rosterBirth(key, birth string, monthOnly bool) uint32 {
	n := dateNumber(birth)
	if _, ok := residentKey(key); ok {
		n |= residentBit
	}
	if monthOnly {
		n |= monthBit
	}
	return n
}

func newRoster(fields []string) *roster {
	return &roster{fields: fields, seed: maphash.MakeSeed(), byKey: newDocIndex(0), names: map[uint64]int32{},
		moved: newDocIndex(0)}
}

// load reads the persons of the communities (all when nil).
func (r *roster) load(ctx context.Context, reg *register.Store, communities []int64) error {
	// Sized up front: growing maps and slices of a million entries
	// step by step cost a third of the load.
	n, err := reg.CountRoster(ctx, communities)
	if err != nil {
		return err
	}
	n += n / 50 // room for the persons the import creates
	r.people = make([]rosterPerson, 0, n)
	r.hashes = make([]uint64, 0, n*len(r.fields))
	r.next = make([]int32, 0, n)
	r.names = make(map[uint64]int32, n)
	r.byKey = newDocIndex(n)

	// The scan and the hashing are most of the work: two readers share
	// the communities, each on a connection of its own, and send what
	// they read in blocks; the blocks are added taking one from each
	// reader in turn, so the roster is the same on every run.
	parts := [][]int64{communities}
	if len(communities) > 1 {
		parts = [][]int64{nil, nil}
		for i, c := range communities {
			parts[i%2] = append(parts[i%2], c)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feeds := make([]chan *rosterBlock, len(parts))
	errs := make(chan error, len(parts))
	for k, part := range parts {
		feeds[k] = make(chan *rosterBlock, 4)
		go func() {
			defer close(feeds[k])
			errs <- r.scan(ctx, reg, part, feeds[k])
		}()
	}
	open := len(feeds)
	for open > 0 {
		for k, f := range feeds {
			if f == nil {
				continue
			}
			b, ok := <-f
			if !ok {
				feeds[k] = nil
				open--
				continue
			}
			r.addBlock(b)
		}
	}
	for range parts {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// rosterBlock is a run of persons as a reader prepared them: everything
// but their places in the roster's maps.
type rosterBlock struct {
	people []rosterPerson
	keys   []string
	names  []uint64 // name hashes
	hashes []uint64 // len(fields) per person
}

const rosterBlockSize = 4096

// scan reads the persons of communities and sends them in blocks.
func (r *roster) scan(ctx context.Context, reg *register.Store, communities []int64, out chan<- *rosterBlock) error {
	// Each block's slices are made at their full size at once: grown
	// step by step, a million persons cost half a second of copying.
	newBlock := func() *rosterBlock {
		return &rosterBlock{people: make([]rosterPerson, 0, rosterBlockSize), keys: make([]string, 0, rosterBlockSize),
			names: make([]uint64, 0, rosterBlockSize), hashes: make([]uint64, 0, rosterBlockSize*len(r.fields))}
	}
	b := newBlock()
	send := func() error {
		select {
		case out <- b:
			b = newBlock()
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := reg.ScanRoster(ctx, communities, r.fields, func(row *register.RosterRow) error {
		key := rosterKey(row.DocType, row.IDNumber, row.ID)
		b.people = append(b.people, rosterPerson{id: row.ID, community: row.CommunityID, version: int32(row.Version),
			birth: rosterBirth(key, row.BirthDate, row.MonthOnly)})
		b.keys = append(b.keys, key)
		b.names = append(b.names, maphash.String(r.seed, row.Name))
		for _, v := range row.Values {
			b.hashes = append(b.hashes, r.hash(v))
		}
		if len(b.people) == rosterBlockSize {
			return send()
		}
		return nil
	})
	if err == nil && len(b.people) > 0 {
		err = send()
	}
	return err
}

func (r *roster) addBlock(b *rosterBlock) {
	for j, p := range b.people {
		i := int32(len(r.people))
		r.people = append(r.people, p)
		r.byKey.put(b.keys[j], i)
		r.link(b.names[j], i)
	}
	r.hashes = append(r.hashes, b.hashes...)
}

func (r *roster) hash(v string) uint64 { return maphash.String(r.seed, foldWidth(v)) }

func (r *roster) add(id, community int64, version int, key, name, birth string, monthOnly bool, values []string) {
	i := int32(len(r.people))
	r.people = append(r.people, rosterPerson{id: id, community: community, version: int32(version),
		birth: rosterBirth(key, birth, monthOnly)})
	for _, v := range values {
		r.hashes = append(r.hashes, r.hash(v))
	}
	r.byKey.put(key, i)
	r.moved.put(key, 0)
	r.link(maphash.String(r.seed, name), i)
}

// commit starts a generation: what batches looked up before it found may
// be out of date for the keys it moves.
func (r *roster) commit() {
	r.gen++
	r.moved = newDocIndex(0)
}

// remove takes a key out of the index.
func (r *roster) remove(k string) {
	r.byKey.remove(k)
	r.moved.put(k, 0)
}

// found finds a row's person in byKey and notes what it found, for of.
func (r *roster) found(in *incoming) (int32, bool) {
	i, ok := r.byKey.of(in)
	in.rgen, in.ridx, in.rfound = r.gen+1, i, ok
	return i, ok
}

// of finds a row's person, taking what found noted when that still holds.
func (r *roster) of(in *incoming) (int32, bool) {
	switch {
	case in.rgen == 0:
	case in.rgen-1 == r.gen:
		return in.ridx, in.rfound
	case in.rgen == r.gen:
		if _, moved := r.moved.of(in); !moved {
			return in.ridx, in.rfound
		}
	}
	return r.byKey.of(in)
}

// link makes person i the last one added with the name hash h.
func (r *roster) link(h uint64, i int32) {
	prev, ok := r.names[h]
	if !ok {
		prev = -1
	}
	r.next = append(r.next, prev)
	r.names[h] = i
}

// named returns the persons whose name hashes as name's does (the caller
// compares the names of those it reads in full).
func (r *roster) named(name string) []int32 {
	var out []int32
	i, ok := r.names[maphash.String(r.seed, name)]
	for ok && i >= 0 {
		out = append(out, i)
		i = r.next[i]
	}
	return out
}

// dateNumber turns YYYY-MM-DD into the number YYYYMMDD; 0 if it is not one.
func dateNumber(d string) uint32 {
	if len(d) != 10 {
		return 0
	}
	var n uint32
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			continue
		}
		c := d[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint32(c-'0')
	}
	return n
}

// docIndex finds persons by document key. Resident ID numbers, nearly all
// keys, are held as numbers: 17 digits and the check character fit in 64
// bits exactly, and a map of numbers takes a third of a map of strings.
type docIndex struct {
	ids    map[uint64]int32
	others map[string]int32
}

// newDocIndex makes an index for about n keys.
func newDocIndex(n int) docIndex {
	return docIndex{ids: make(map[uint64]int32, n), others: map[string]int32{}}
}

// residentKey encodes an 18-character resident ID number; ok is false for
// anything else.
func residentKey(k string) (uint64, bool) {
	if len(k) != 18 {
		return 0, false
	}
	var v uint64
	for i := 0; i < 17; i++ {
		c := k[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	switch c := k[17]; {
	case c >= '0' && c <= '9':
		return v*11 + uint64(c-'0'), true
	case c == 'X':
		return v*11 + 10, true
	}
	return 0, false
}

func (d docIndex) get(k string) (int32, bool) {
	if n, ok := residentKey(k); ok {
		i, found := d.ids[n]
		return i, found
	}
	i, found := d.others[k]
	return i, found
}

// of finds a row's person, by the key parsed when the row was read.
func (d docIndex) of(in *incoming) (int32, bool) {
	if in.rok {
		i, found := d.ids[in.rkey]
		return i, found
	}
	i, found := d.others[in.key]
	return i, found
}

func (d docIndex) put(k string, i int32) {
	if n, ok := residentKey(k); ok {
		d.ids[n] = i
		return
	}
	d.others[k] = i
}

func (d docIndex) remove(k string) {
	if n, ok := residentKey(k); ok {
		delete(d.ids, n)
		return
	}
	delete(d.others, k)
}

// rosterKey is what the roster holds a person by: the document key, or for
// a person without a number one of their own that no row carries (rows
// without a number are found by name).
func rosterKey(docType, number string, id int64) string {
	if number == "" {
		return "#" + strconv.FormatInt(id, 10)
	}
	return docKey(docType, number)
}

func personKey(p *register.Person) string { return rosterKey(p.DocType, p.IDNumber, p.ID) }

// set records a person as now stored, after the import changed or created
// it.
func (r *roster) set(p *register.Person) {
	values := personValues(p, r.fields)
	key := personKey(p)
	i, ok := r.byKey.get(key)
	if !ok {
		r.add(p.ID, p.CommunityID, p.Version, key, p.Name, p.BirthDate, p.MonthOnly(), values)
		return
	}
	r.people[i].version = int32(p.Version)
	// A birth month the import made a day of.
	r.people[i].birth = rosterBirth(key, p.BirthDate, p.MonthOnly())
	for k, v := range values {
		r.hashes[int(i)*len(r.fields)+k] = r.hash(v)
	}
}

// same reports whether every field the row gives equals the person's.
func (r *roster) same(i int32, in *incoming) bool {
	base := int(i) * len(r.fields)
	for k, f := range r.fields {
		if !in.has.has(f) {
			continue
		}
		if r.hashes[base+k] != r.hash(personValue(&in.person, f)) {
			return false
		}
	}
	return true
}

// personValues lists a person's values of fields, in order.
func personValues(p *register.Person, fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = personValue(p, f)
	}
	return out
}

func personValue(p *register.Person, f string) string {
	switch f {
	case "name":
		return p.Name
	case "doc_type":
		return p.DocType
	case "id_number":
		return p.IDNumber
	case "gender":
		return p.Gender
	case "birth_date":
		// YYYY-MM for a birth known to the month: a list's date in that
		// month is news, not the same value.
		return p.Birth()
	case "ethnicity":
		return p.Ethnicity
	case "relation":
		return p.Relation
	case "residence":
		return p.Residence
	case "phone":
		return p.Phone
	case "hukou_address":
		return p.HukouAddress
	case "address":
		return p.Address
	case "occupation":
		return p.Occupation
	case "moved_in_on":
		return p.MovedInOn
	case "status":
		return p.Status
	}
	return ""
}

func setPersonValue(p *register.Person, f, v string) {
	switch f {
	case "name":
		p.Name = v
	case "doc_type":
		p.DocType = v
	case "id_number":
		p.IDNumber = v
	case "gender":
		p.Gender = v
	case "birth_date":
		p.BirthDate, p.BirthPrecision = v, register.BirthByDay
		if len(v) == 7 {
			p.BirthDate, p.BirthPrecision = register.MonthEnd(v), register.BirthByMonth
		}
	case "ethnicity":
		p.Ethnicity = v
	case "relation":
		p.Relation = v
	case "residence":
		p.Residence = v
	case "phone":
		p.Phone = v
	case "hukou_address":
		p.HukouAddress = v
	case "address":
		p.Address = v
	case "occupation":
		p.Occupation = v
	case "moved_in_on":
		p.MovedInOn = v
	}
}
