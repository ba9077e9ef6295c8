package access

import (
	"strings"
)

// Viewer is one user's grants, resolved for the requests of a session or an
// API token. It is immutable; the Service caches it briefly.
type Viewer struct {
	UserID int64
	Name   string // the user's name, for audit entries
	grants []resolved
}

// resolved is a grant with its role and the region it covers (nil: the
// whole tree).
type resolved struct {
	grant  Grant
	role   *Role
	region *region
	fields Fields
}

// System is the viewer of command-line tools, imports and background jobs:
// everything, every field, every permission.
var System = &Viewer{Name: "系统", grants: []resolved{{role: &Role{Code: "system", AllFields: true}, fields: AllFields}}}

// Nobody sees nothing; the viewer of a request without credentials.
var Nobody = &Viewer{Name: "匿名"}

func (r *resolved) has(perm string) bool { return r.role.Code == "system" || r.role.Has(perm) }

// Can reports whether any grant carries perm, somewhere.
func (v *Viewer) Can(perm string) bool {
	for i := range v.grants {
		if v.grants[i].has(perm) {
			return true
		}
	}
	return false
}

// CanAt reports whether a grant covering p carries perm.
func (v *Viewer) CanAt(perm string, p Place) bool { return v.Scope(perm).Contains(p) }

// Scope is the part of the viewer's grants that carry perm.
func (v *Viewer) Scope(perm string) Scope {
	s := Scope{perm: perm}
	for i := range v.grants {
		g := &v.grants[i]
		if g.has(perm) {
			s.parts = append(s.parts, part{region: g.region, fields: g.fields, reveal: g.has(RegisterReveal)})
		}
	}
	return s
}

// DepartmentScopes gives, for each department of the viewer's department
// roles that carry perm, the places where the viewer acts for that
// department: a user who is 公安 in one street and 民政 in another handles
// 民政's work only in the second.
func (v *Viewer) DepartmentScopes(perm string) map[string]Scope {
	out := map[string]Scope{}
	for i := range v.grants {
		g := &v.grants[i]
		d := g.role.Department
		if d == "" || !g.has(perm) {
			continue
		}
		sc := out[d]
		sc.perm = perm
		sc.parts = append(sc.parts, part{region: g.region, fields: g.fields, reveal: g.has(RegisterReveal)})
		out[d] = sc
	}
	return out
}

// RoleNames are the names of the viewer's roles, for the page header.
func (v *Viewer) RoleNames() string {
	seen := map[string]bool{}
	var out []string
	for i := range v.grants {
		n := v.grants[i].role.Name
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return strings.Join(out, "、")
}

// HasRole reports whether the viewer holds a grant of the role.
func (v *Viewer) HasRole(code string) bool {
	for i := range v.grants {
		if v.grants[i].role.Code == code {
			return true
		}
	}
	return false
}

// Grants returns the viewer's grants.
func (v *Viewer) Grants() []Grant {
	out := make([]Grant, len(v.grants))
	for i := range v.grants {
		out[i] = v.grants[i].grant
	}
	return out
}

// Only is the viewer limited to one of its grants, for an API token issued
// for that grant; a grant the viewer does not hold leaves nothing.
func (v *Viewer) Only(grantID int64) *Viewer {
	out := &Viewer{UserID: v.UserID, Name: v.Name}
	for _, g := range v.grants {
		if g.grant.ID == grantID {
			out.grants = append(out.grants, g)
		}
	}
	return out
}
