package imports

import (
	"context"
	"hash/maphash"

	"shequ/internal/register"
)

// roster is the register of the import's target held in memory in a
// compact form: for every person the keys, and a hash of each field the
// list carries. A row whose every given field hashes the same as the
// person's is unchanged and costs no database work; only rows that differ
// have their person read in full. It also finds persons by name for the
// rows whose ID number the register does not know.
type roster struct {
	fields []string // the person fields compared, in order
	seed   maphash.Seed
	people []rosterPerson
	hashes []uint64 // len(fields) per person
	byKey  map[string]int32
	byName map[string][]int32
}

type rosterPerson struct {
	id, community int64
	version       int32
	birth         string
}

func newRoster(fields []string) *roster {
	return &roster{fields: fields, seed: maphash.MakeSeed(), byKey: map[string]int32{}, byName: map[string][]int32{}}
}

// load reads the persons of the communities (all when nil).
func (r *roster) load(ctx context.Context, reg *register.Store, communities []int64) error {
	return reg.ScanRoster(ctx, communities, r.fields, func(row *register.RosterRow) error {
		r.add(row.ID, row.CommunityID, row.Version, docKey(row.DocType, row.IDNumber), row.Name, row.BirthDate, row.Values)
		return nil
	})
}

func (r *roster) hash(v string) uint64 { return maphash.String(r.seed, foldWidth(v)) }

func (r *roster) add(id, community int64, version int, key, name, birth string, values []string) {
	i := int32(len(r.people))
	r.people = append(r.people, rosterPerson{id: id, community: community, version: int32(version), birth: birth})
	for _, v := range values {
		r.hashes = append(r.hashes, r.hash(v))
	}
	r.byKey[key] = i
	r.byName[name] = append(r.byName[name], i)
}

// set records a person as now stored, after the import changed or created
// it.
func (r *roster) set(p *register.Person) {
	values := personValues(p, r.fields)
	i, ok := r.byKey[docKey(p.DocType, p.IDNumber)]
	if !ok {
		r.add(p.ID, p.CommunityID, p.Version, docKey(p.DocType, p.IDNumber), p.Name, p.BirthDate, values)
		return
	}
	r.people[i].version = int32(p.Version)
	for k, v := range values {
		r.hashes[int(i)*len(r.fields)+k] = r.hash(v)
	}
}

// same reports whether every field the row gives equals the person's.
func (r *roster) same(i int32, in *incoming) bool {
	values := personValues(&in.person, r.fields)
	for k, f := range r.fields {
		if !in.has.has(f) {
			continue
		}
		if r.hashes[int(i)*len(r.fields)+k] != r.hash(values[k]) {
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
		return p.BirthDate
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
		p.BirthDate = v
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
