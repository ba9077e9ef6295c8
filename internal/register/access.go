package register

import (
	"encoding/json"
	"reflect"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Every row comes out of the store as the viewer may see it: fields outside
// the viewer's field set emptied, ID and phone numbers masked unless the
// role needs them or the caller asked for an audited reveal, tags of kinds
// the role may not see left out. Writes keep the stored value of fields the
// viewer cannot see and refuse changes to fields it may not edit. This file
// is the register's half of the one authorisation step; internal/access
// decides, this applies.

// structural fields place and identify a row; every viewer who may see the
// row sees them.
var structural = map[string]bool{
	"community_id": true, "id": true, "org_id": true, "grid_id": true, "household_id": true, "house_id": true,
	"building_id": true, "person_id": true, "status": true, "version": true, "created_at": true, "updated_at": true,
}

// governedBy names the field whose rule of a role's field set a field
// follows: how precisely a birth is known is part of the birth.
var governedBy = map[string]string{"birth_precision": "birth_date"}

func governing(field string) string {
	if g, ok := governedBy[field]; ok {
		return g
	}
	return field
}

// masking says how a masked field is shown.
var masking = map[string]func(string) string{
	"id_number":      ident.MaskID,
	"phone":          ident.MaskPhone,
	"owner_phone":    ident.MaskPhone,
	"landlord_phone": ident.MaskPhone,
}

// Fields lists the fields of each entity that role field sets govern, for
// the role editor. Buildings carry no personal data and have none.
var Fields = map[string][]string{
	"person": {"name", "doc_type", "id_number", "gender", "birth_date", "ethnicity", "relation", "residence", "phone",
		"hukou_address", "address", "employer_id", "occupation", "moved_in_on", "left_on", "left_to"},
	"household":    {"number", "kind", "head_id", "address", "phone"},
	"house":        {"number", "address", "area_m2", "use", "owner_name", "owner_phone"},
	"organisation": {"name", "kind", "uscc", "legal_rep", "phone", "address", "staff_count"},
	"rental":       {"landlord", "landlord_phone", "started_on", "ended_on", "monthly_rent", "tenant_ids"},
}

// Place is where a person lies in the org tree.
func (p Person) Place() access.Place {
	return access.Place{Community: p.CommunityID, Grid: p.GridID, Org: p.OrgID}
}

// Place is where a household lies.
func (h Household) Place() access.Place {
	return access.Place{Community: h.CommunityID, Grid: h.GridID, Org: h.OrgID}
}

// Place is where a house lies.
func (h House) Place() access.Place {
	return access.Place{Community: h.CommunityID, Grid: h.GridID, Org: h.OrgID}
}

// Place is where a building lies: it is an org unit itself.
func (b Building) Place() access.Place {
	return access.Place{Community: b.CommunityID, Grid: b.GridID, Org: b.ID}
}

// Place is where an organisation lies.
func (o Organisation) Place() access.Place {
	return access.Place{Community: o.CommunityID, Grid: o.GridID, Org: o.OrgID}
}

func showText(f access.Fields, entity, field string, v *string) {
	switch f.View(entity, field) {
	case access.Hidden:
		*v = ""
	case access.Masked:
		if m := masking[field]; m != nil && *v != "" {
			*v = m(*v)
		}
	}
}

func (p *Person) redact(f access.Fields) {
	for field, v := range map[string]*string{"name": &p.Name, "doc_type": &p.DocType, "id_number": &p.IDNumber,
		"gender": &p.Gender, "birth_date": &p.BirthDate, "ethnicity": &p.Ethnicity, "relation": &p.Relation,
		"residence": &p.Residence, "phone": &p.Phone, "hukou_address": &p.HukouAddress, "address": &p.Address,
		"occupation": &p.Occupation, "moved_in_on": &p.MovedInOn, "left_on": &p.LeftOn, "left_to": &p.LeftTo} {
		showText(f, "person", field, v)
	}
	if !f.CanSee("person", "birth_date") {
		p.BirthPrecision = ""
	}
	if !f.CanSee("person", "employer_id") {
		p.EmployerID = 0
	}
}

func (h *Household) redact(f access.Fields) {
	for field, v := range map[string]*string{"number": &h.Number, "kind": &h.Kind, "address": &h.Address, "phone": &h.Phone} {
		showText(f, "household", field, v)
	}
	if !f.CanSee("household", "head_id") {
		h.HeadID = 0
	}
}

func (h *House) redact(f access.Fields) {
	for field, v := range map[string]*string{"number": &h.Number, "address": &h.Address, "use": &h.Use,
		"owner_name": &h.OwnerName, "owner_phone": &h.OwnerPhone} {
		showText(f, "house", field, v)
	}
	if !f.CanSee("house", "area_m2") {
		h.AreaM2 = 0
	}
}

func (o *Organisation) redact(f access.Fields) {
	for field, v := range map[string]*string{"name": &o.Name, "kind": &o.Kind, "uscc": &o.USCC, "legal_rep": &o.LegalRep,
		"phone": &o.Phone, "address": &o.Address} {
		showText(f, "organisation", field, v)
	}
	if !f.CanSee("organisation", "staff_count") {
		o.StaffCount = 0
	}
}

func (r *Rental) redact(f access.Fields) {
	for field, v := range map[string]*string{"landlord": &r.Landlord, "landlord_phone": &r.LandlordPhone,
		"started_on": &r.StartedOn, "ended_on": &r.EndedOn} {
		showText(f, "rental", field, v)
	}
	if !f.CanSee("rental", "monthly_rent") {
		r.MonthlyRentFen = 0
	}
	if !f.CanSee("rental", "tenant_ids") {
		r.TenantIDs = nil
	}
}

// redactValue shows one field's value (from a change event or a snapshot) as
// the viewer may see it; ok is false when the field is hidden.
func redactValue(f access.Fields, entity, field string, v any) (any, bool) {
	if structural[field] || entity == "building" {
		return v, true
	}
	if entity == "tag" {
		// A tag row's fields are visible with its kind; the kind decides.
		return v, true
	}
	switch f.View(entity, governing(field)) {
	case access.Hidden:
		return nil, false
	case access.Masked:
		if s, ok := v.(string); ok && s != "" {
			if m := masking[field]; m != nil {
				return m(s), true
			}
		}
	}
	return v, true
}

// redactChange masks or drops the fields of a change event; it reports
// false when the viewer may not see the event at all (a tag of a kind its
// role may not see).
func redactChange(c *Change, f access.Fields, tagKind string) bool {
	if c.Entity == "tag" && tagKind != "" && !f.CanSeeTag(tagKind) {
		return false
	}
	kept := c.Fields[:0]
	for _, fc := range c.Fields {
		before, ok1 := redactValue(f, c.Entity, fc.Field, fc.Before)
		after, ok2 := redactValue(f, c.Entity, fc.Field, fc.After)
		if !ok1 || !ok2 {
			continue
		}
		fc.Before, fc.After = before, after
		kept = append(kept, fc)
	}
	c.Fields = kept
	if len(c.Snapshot) > 0 {
		c.Snapshot = redactSnapshot(c.Snapshot, f, c.Entity)
	}
	return true
}

func redactSnapshot(snap json.RawMessage, f access.Fields, entity string) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(snap, &m) != nil {
		return nil
	}
	for k, v := range m {
		if shown, ok := redactValue(f, entity, k, v); ok {
			m[k] = shown
		} else {
			delete(m, k)
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// snapshotPlace reads where a row stood from its snapshot.
func snapshotPlace(entity string, snap []byte) (access.Place, string) {
	var s struct {
		CommunityID int64  `json:"community_id"`
		ID          int64  `json:"id"`
		OrgID       int64  `json:"org_id"`
		GridID      int64  `json:"grid_id"`
		Tag         string `json:"tag"`
	}
	json.Unmarshal(snap, &s)
	p := access.Place{Community: s.CommunityID, Grid: s.GridID, Org: s.OrgID}
	if entity == "building" {
		p.Org = s.ID
	}
	return p, s.Tag
}

// applyEdit decides what an update stores: the incoming value of each field
// the viewer may edit, the stored value of each field it cannot see (or sees
// masked and sent back as it was shown); a change to a field it may not edit
// is refused at that field. in is overwritten with the result.
func applyEdit[T any](entity string, f access.Fields, old T, in *T) error {
	om, im := toMap(old), toMap(*in)
	keys := map[string]bool{}
	for k := range om {
		keys[k] = true
	}
	for k := range im {
		keys[k] = true
	}
	fe := fault.Fields{}
	for k := range keys {
		if structural[k] || untracked[k] {
			continue
		}
		ov, iv := om[k], im[k]
		switch f.View(entity, governing(k)) {
		case access.Hidden:
			setOrDelete(im, k, ov)
			continue
		case access.Masked:
			// The masked value sent back means "unchanged"; anything else,
			// an empty value too, is a new value.
			s, _ := iv.(string)
			os, _ := ov.(string)
			if m := masking[k]; m != nil && os != "" && s == m(os) {
				setOrDelete(im, k, ov)
				continue
			}
		}
		if !reflect.DeepEqual(normalJSON(iv), normalJSON(ov)) && !f.CanEdit(entity, governing(k)) {
			fe.Add(governing(k), FieldLabel(entity, governing(k))+":您无权修改此项")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(im)
	if err != nil {
		return err
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*in = out
	return nil
}

func setOrDelete(m map[string]any, k string, v any) {
	if v == nil {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// checkCreate refuses values in fields the viewer may not fill in.
func checkCreate(entity string, f access.Fields, row any) error {
	fe := fault.Fields{}
	for k, v := range toMap(row) {
		if structural[k] || untracked[k] || isZero(v) {
			continue
		}
		if !f.CanEdit(entity, governing(k)) {
			fe.Add(governing(k), FieldLabel(entity, governing(k))+":您无权填写此项")
		}
	}
	return fe.Err()
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	}
	return false
}

// normalJSON treats absent and zero values alike, since omitempty drops
// zero values from the JSON form.
func normalJSON(v any) any {
	if isZero(v) {
		return nil
	}
	return v
}
