package access

import "slices"

// Where a role's grants may be bound (roles.place).
const (
	PlaceAnywhere  = "anywhere"  // any unit, or the whole tree when the grant names none (administrators, auditors)
	PlaceSubtree   = "subtree"   // one unit above the communities: a street, a district, a city
	PlaceCommunity = "community" // one community
	PlaceStation   = "station"   // several communities served by one service station (一站多居)
	PlaceGrid      = "grid"      // one grid
	PlaceBuildings = "buildings" // buildings or compounds (楼栋、院落), one or several
)

// PlaceNames gives the Chinese name of each kind of place.
var PlaceNames = map[string]string{
	PlaceAnywhere:  "全域或任一单元",
	PlaceSubtree:   "街道/区县等上级单元",
	PlaceCommunity: "一个社区",
	PlaceStation:   "服务站所覆盖的社区",
	PlaceGrid:      "一个网格",
	PlaceBuildings: "若干楼栋/院落",
}

// Role is a named set of permissions and a field set (角色). Roles are rows
// of the roles table, so a deployment can adjust them.
type Role struct {
	Code        string      `json:"code"`
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Place       string      `json:"place"`
	Department  string      `json:"department,omitempty"` // 职能部门 roles: the department's code
	AllFields   bool        `json:"all_fields"`           // sees and edits every field (administrators)
	Permissions []string    `json:"permissions"`
	Fields      []FieldRule `json:"fields"`
	Version     int         `json:"version"`
}

// Has reports whether the role carries a permission.
func (r *Role) Has(perm string) bool { return slices.Contains(r.Permissions, perm) }

// Grant binds a role to a user at a place (授权). A grant with no units
// covers the whole tree; only roles placed anywhere may have one.
type Grant struct {
	ID        int64   `json:"id"`
	UserID    int64   `json:"user_id"`
	Role      string  `json:"role"`
	RoleName  string  `json:"role_name,omitempty"`
	Units     []int64 `json:"units"`
	UnitNames string  `json:"unit_names,omitempty"`
	Note      string  `json:"note,omitempty"`
	CreatedAt string  `json:"created_at"`
	CreatedBy string  `json:"created_by,omitempty"`
}

// Department is a functional department (职能部门) of the government that
// requires data, receives dispatched events and owns report items.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}
