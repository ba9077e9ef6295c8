package access

import (
	"fmt"

	"shequ/internal/ident"
)

// View is how much of a field a role may see.
type View int

const (
	Hidden View = iota // not shown at all
	Masked             // shown masked (ID and phone numbers); the full value only by an audited reveal
	Full               // shown in full
)

var viewNames = map[string]View{"hidden": Hidden, "masked": Masked, "full": Full}

// ParseView reads a view stored as text.
func ParseView(s string) (View, error) {
	v, ok := viewNames[s]
	if !ok {
		return Hidden, fmt.Errorf("未知的字段可见性 %q(应为 hidden、masked 或 full)", s)
	}
	return v, nil
}

func (v View) String() string {
	switch v {
	case Masked:
		return "masked"
	case Full:
		return "full"
	}
	return "hidden"
}

// TagEntity is the entity under which a role lists the tag kinds
// (特殊人群/服务对象标签) it may see: field = the tag's code.
const TagEntity = "tag"

// Wildcard as a field stands for every field of the entity that the role
// does not list by name; for tags, every tag kind that is not sensitive
// (sensitive kinds must always be named).
const Wildcard = "*"

// FieldRule is one row of a role's field set.
type FieldRule struct {
	Entity string `json:"entity"`
	Field  string `json:"field"`
	View   View   `json:"view"`
	Edit   bool   `json:"edit"`
}

type fieldAccess struct {
	view View
	edit bool
}

// Fields is what one viewer may do with the fields of one record: the union
// of the field sets of the viewer's grants that cover the record.
type Fields struct {
	all       bool                              // every field, every tag, editable (administrators, the system)
	rules     map[string]map[string]fieldAccess // entity → field (or *) → access
	sensitive map[string]bool                   // sensitive tag kinds, which * does not cover
	reveal    bool                              // masked values shown in full: an audited reveal
}

// AllFields sees and edits everything; for the system and administrators.
var AllFields = Fields{all: true}

func newFields(rules []FieldRule, sensitive map[string]bool) Fields {
	f := Fields{rules: map[string]map[string]fieldAccess{}, sensitive: sensitive}
	for _, r := range rules {
		if f.rules[r.Entity] == nil {
			f.rules[r.Entity] = map[string]fieldAccess{}
		}
		f.rules[r.Entity][r.Field] = fieldAccess{view: r.View, edit: r.Edit}
	}
	return f
}

func (f Fields) access(entity, field string) fieldAccess {
	if f.all {
		return fieldAccess{view: Full, edit: true}
	}
	m := f.rules[entity]
	if a, ok := m[field]; ok {
		return a
	}
	if entity == TagEntity && f.sensitive[field] {
		return fieldAccess{}
	}
	return m[Wildcard]
}

// View returns how the field is shown.
func (f Fields) View(entity, field string) View {
	v := f.access(entity, field).view
	if v == Masked && f.reveal {
		return Full
	}
	return v
}

// CanSee reports whether the field is shown at all.
func (f Fields) CanSee(entity, field string) bool { return f.View(entity, field) > Hidden }

// CanEdit reports whether the field may be changed.
func (f Fields) CanEdit(entity, field string) bool { return f.access(entity, field).edit }

// CanSeeTag reports whether tags of a kind (by code) are visible.
func (f Fields) CanSeeTag(code string) bool { return f.View(TagEntity, code) > Hidden }

// CanEditTag reports whether tags of a kind may be added and ended.
func (f Fields) CanEditTag(code string) bool { return f.CanEdit(TagEntity, code) }

// IsMasked reports whether any of the fields is shown masked, so that a
// page can offer the reveal action.
func (f Fields) IsMasked(entity string, fields ...string) bool {
	for _, fl := range fields {
		if f.View(entity, fl) == Masked {
			return true
		}
	}
	return false
}

// Text returns value if the field is visible, else "".
func (f Fields) Text(entity, field, value string) string {
	if f.View(entity, field) == Hidden {
		return ""
	}
	return value
}

// ID returns an identity-document number as the viewer may see it: in full,
// masked (6101********1234) or not at all.
func (f Fields) ID(entity, field, value string) string {
	switch f.View(entity, field) {
	case Hidden:
		return ""
	case Masked:
		if value == "" {
			return ""
		}
		return ident.MaskID(value)
	}
	return value
}

// Phone returns a phone number as the viewer may see it (138****5678 when
// masked).
func (f Fields) Phone(entity, field, value string) string {
	switch f.View(entity, field) {
	case Hidden:
		return ""
	case Masked:
		if value == "" {
			return ""
		}
		return ident.MaskPhone(value)
	}
	return value
}

// union merges two field sets, keeping the wider access to each field. The
// reveal flag is set by the Scope afterwards, from the grants that allow it.
func (f Fields) union(o Fields) Fields {
	switch {
	case f.all || o.all:
		return Fields{all: true}
	case f.rules == nil:
		return o
	case o.rules == nil:
		return f
	}
	out := Fields{rules: map[string]map[string]fieldAccess{}, sensitive: f.sensitive}
	entities := map[string]bool{}
	for e := range f.rules {
		entities[e] = true
	}
	for e := range o.rules {
		entities[e] = true
	}
	for e := range entities {
		m := map[string]fieldAccess{}
		names := map[string]bool{Wildcard: true}
		for k := range f.rules[e] {
			names[k] = true
		}
		for k := range o.rules[e] {
			names[k] = true
		}
		for k := range names {
			a, b := f.access(e, k), o.access(e, k)
			if k == Wildcard {
				a, b = f.rules[e][Wildcard], o.rules[e][Wildcard]
			}
			if b.view > a.view {
				a.view = b.view
			}
			a.edit = a.edit || b.edit
			m[k] = a
		}
		out.rules[e] = m
	}
	return out
}
