package indicators

import (
	"context"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// OrgSource supplies the org tree's units (网格数, 居民小组数) and the staff
// assigned to them (网格员, 楼栋长 …). It is also the smallest example of a
// Source: records with dates of their own instead of change events.
type OrgSource struct {
	db    *database.DB
	unit  *Entity
	staff *Entity
	roles codeIndex
}

var staffRoles = []string{orgtree.RoleGridWorker, orgtree.RoleCenterHead, orgtree.RoleBuildingHead,
	orgtree.RoleGroupLeader, orgtree.RoleCommunityStaff, orgtree.RoleSecretary,
	orgtree.RoleCoordinator}

// NewOrgSource reads the configured levels.
func NewOrgSource(ctx context.Context, db *database.DB) (*OrgSource, error) {
	rows, err := db.QueryContext(ctx, `SELECT kind, name FROM org_levels ORDER BY rank`)
	if err != nil {
		return nil, err
	}
	// The kinds the code knows, so that a template may count 居民小组 where
	// a deployment has not (yet) added that level; configured names win.
	levels := []Value{{"city", "市"}, {"district", "区"}, {"street", "街道"}, {"community", "社区"},
		{"group", "居民小组"}, {"grid", "网格"}, {"building", "楼栋"}, {"unit", "单元"}}
	index := map[string]int{}
	for i, v := range levels {
		index[v.Code] = i
	}
	for rows.Next() {
		var v Value
		if err := rows.Scan(&v.Code, &v.Name); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[v.Code]; ok {
			levels[i].Name = v.Name
		} else {
			levels = append(levels, v)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s := &OrgSource{db: db}
	s.unit = &Entity{Name: "orgunit", Label: "组织单元", Unit: "个", Note: "社区、居民小组、网格、楼栋等组织单元,按设立和撤销日期计",
		Fields: []*Field{{Name: "level", Label: "层级", Kind: Enum, Values: levels}}}
	s.staff = &Entity{Name: "staff", Label: "工作人员", Unit: "人", Note: "网格员、楼栋长、中心户长、社区工作者等,按任职起止日期计",
		Fields: []*Field{{Name: "role", Label: "岗位", Kind: Enum, Values: enumValues(orgtree.StaffRoleNames, staffRoles...)}}}
	for _, e := range s.Entities() {
		if err := e.build(); err != nil {
			return nil, err
		}
	}
	s.roles = indexOf(s.staff.Field("role"))
	return s, nil
}

// Entities lists the org tree's entities.
func (s *OrgSource) Entities() []*Entity { return []*Entity{s.unit, s.staff} }

// Scan supplies one community's units and staff.
func (s *OrgSource) Scan(ctx context.Context, req ScanRequest, emit func(*Entity, *Record)) error {
	comm := req.Community
	if req.Wants("orgunit") {
		// A unit counts from the day the tree's management created it (an
		// import's creation does not count, as in orgtree.Then) to the day
		// it was retired.
		level := s.unit.Field("level")
		idx := indexOf(level)
		dates := datesOf(req.Period)
		v := NewValues(s.unit)
		rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.level, COALESCE(u.grid_id, 0), COALESCE(u.retired_on, ''),
				COALESCE((SELECT MIN(c.at) FROM org_changes c
					WHERE c.unit_id = u.id AND c.op = 'create' AND c.source NOT LIKE 'import:%'), '')
			FROM org_units u WHERE u.community_id = $1`, comm)
		if err != nil {
			return err
		}
		var rec Record
		for rows.Next() {
			var lv, retired, created string
			if err := rows.Scan(&rec.ID, &lv, &rec.Place.Grid, &retired, &created); err != nil {
				rows.Close()
				return err
			}
			from, until := int64(0), dateInt(retired)
			if len(created) >= 10 {
				from = dateInt(created[:10])
			}
			rec.Place.Community, rec.Place.Org = comm, rec.ID
			v.Enum[level.slot] = int32(idx.get(lv))
			var out [nStates]*Values
			for k := range out {
				if dates.inForce(k, from, until) {
					out[k] = v
				}
			}
			if out[0] == nil && out[1] == nil && out[2] == nil {
				continue
			}
			rec.Start, rec.End, rec.During = out[0], out[1], out[2]
			emit(s.unit, &rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if req.Wants("staff") {
		role := s.staff.Field("role").slot
		dates := datesOf(req.Period)
		rows, err := s.db.QueryContext(ctx, `SELECT st.id, st.unit_id, COALESCE(u.grid_id, 0), st.role,
				`+birthSQL("st.started_on")+`, COALESCE(`+birthSQL("st.ended_on")+`, 0)
			FROM org_staff st JOIN org_units u ON u.id = st.unit_id WHERE st.community_id = $1`, comm)
		if err != nil {
			return err
		}
		st := newStates(s.staff)
		var rec Record
		for rows.Next() {
			var r string
			var start, end int64
			if err := rows.Scan(&rec.ID, &rec.Place.Org, &rec.Place.Grid, &r, &start, &end); err != nil {
				rows.Close()
				return err
			}
			rec.Place.Community = comm
			var out [nStates]*Values
			for k := range out {
				if dates.inForce(k, start, end) {
					st.v[k].Enum[role] = int32(s.roles.get(r))
					out[k] = st.v[k]
				}
			}
			if out[0] == nil && out[1] == nil && out[2] == nil {
				continue
			}
			rec.Start, rec.End, rec.During = out[0], out[1], out[2]
			emit(s.staff, &rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Columns lists the ledger columns.
func (s *OrgSource) Columns(e *Entity) []Column {
	if e == s.staff {
		return []Column{{"", "姓名", "text"}, {"", "岗位", "text"}, {"", "所在单元", "text"}, {"phone", "联系电话", "phone"},
			{"", "任职日期", "text"}}
	}
	return []Column{{"", "名称", "text"}, {"", "层级", "text"}, {"", "编码", "text"}}
}

// Describe lists units or staff by id.
func (s *OrgSource) Describe(ctx context.Context, e *Entity, p Period, community int64, ids []int64) ([]LedgerRow, error) {
	var out []LedgerRow
	for _, chunk := range chunks(ids, 400) {
		a := s.db.Args(community)
		in := a.List(database.AnyOf(chunk)...)
		var q string
		if e == s.staff {
			q = `SELECT st.id, st.unit_id, COALESCE(u.grid_id, 0), st.name, st.role, u.name, st.phone, st.started_on
				FROM org_staff st JOIN org_units u ON u.id = st.unit_id WHERE st.community_id = $1 AND st.id IN (` + in + `)`
		} else {
			q = `SELECT u.id, u.id, COALESCE(u.grid_id, 0), u.name, l.name, u.code, '', ''
				FROM org_units u JOIN org_levels l ON l.kind = u.level WHERE u.community_id = $1 AND u.id IN (` + in + `)`
		}
		rows, err := s.db.QueryContext(ctx, q, a.Values()...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r LedgerRow
			var a, b, c, d, f string
			if err := rows.Scan(&r.ID, &r.Place.Org, &r.Place.Grid, &a, &b, &c, &d, &f); err != nil {
				rows.Close()
				return nil, err
			}
			r.Place.Community = community
			if e == s.staff {
				r.Cells = []string{a, orgtree.StaffRoleNames[b], c, d, f}
			} else {
				r.Cells = []string{a, b, c}
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
