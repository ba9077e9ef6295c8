package orgtree

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
)

// Staff roles assigned to units.
const (
	RoleGridWorker     = "grid_worker"     // 网格员
	RoleCenterHead     = "center_head"     // 中心户长
	RoleBuildingHead   = "building_head"   // 楼栋长
	RoleCommunityStaff = "community_staff" // 社区工作者
	RoleSecretary      = "secretary"       // 社区书记/主任
	RoleGroupLeader    = "group_leader"    // 居民小组长
	RoleCoordinator    = "coordinator"     // 协管员 (the post and 五老 in internal/workforce)
)

// StaffRoleNames gives the Chinese name of each staff role.
var StaffRoleNames = map[string]string{
	RoleGridWorker:     "网格员",
	RoleCenterHead:     "中心户长",
	RoleBuildingHead:   "楼栋长",
	RoleCommunityStaff: "社区工作者",
	RoleSecretary:      "社区书记/主任",
	RoleGroupLeader:    "居民小组长",
	RoleCoordinator:    "协管员",
}

// Staff is a person assigned to work for a unit.
type Staff struct {
	ID          int64  `json:"id"`
	UnitID      int64  `json:"unit_id"`
	UnitName    string `json:"unit_name,omitempty"`
	CommunityID int64  `json:"community_id,omitempty"`
	Role        string `json:"role"`
	Name        string `json:"name"`
	Phone       string `json:"phone,omitempty"`
	UserID      int64  `json:"user_id,omitempty"`
	StartedOn   string `json:"started_on"`
	// Workload: the households and persons in the units this person serves.
	Households int `json:"households"`
	Persons    int `json:"persons"`
}

// AddStaff assigns a person to a unit. q may be a transaction.
func (s *Store) AddStaff(ctx context.Context, q database.Querier, st *Staff) error {
	if strings.TrimSpace(st.Name) == "" {
		return fmt.Errorf("姓名不能为空")
	}
	if _, ok := StaffRoleNames[st.Role]; !ok {
		return fmt.Errorf("未知的岗位 %q", st.Role)
	}
	if st.ID == 0 {
		st.ID = database.NewID()
	}
	if st.StartedOn == "" {
		st.StartedOn = time.Now().Format(database.DateLayout)
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0) FROM org_units WHERE id = $1`, st.UnitID).
		Scan(&st.CommunityID); err != nil {
		return fmt.Errorf("所属单元不存在")
	}
	var user any
	if st.UserID != 0 {
		user = st.UserID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO org_staff (id, unit_id, community_id, role, name, phone, user_id, started_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		st.ID, st.UnitID, nullID(st.CommunityID), st.Role, st.Name, st.Phone, user, st.StartedOn)
	return err
}

// StaffWithin lists the current staff of the subtree of unit, with each
// person's workload: households and persons living in the units they serve.
func (s *Store) StaffWithin(ctx context.Context, unit int64) ([]Staff, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT st.id, st.unit_id, u.name, COALESCE(st.community_id, 0), st.role, st.name, st.phone,
			COALESCE(st.user_id, 0), st.started_on,
			(SELECT COUNT(*) FROM households h WHERE h.status = 'active' AND h.org_id IN
				(SELECT wc.unit_id FROM org_closure wc WHERE wc.ancestor_id = st.unit_id)),
			(SELECT COUNT(*) FROM persons p WHERE p.status = 'active' AND p.org_id IN
				(SELECT wc.unit_id FROM org_closure wc WHERE wc.ancestor_id = st.unit_id))
		FROM org_staff st
		JOIN org_units u ON u.id = st.unit_id
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL
		ORDER BY st.role, u.sort, u.name, st.name`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.ID, &st.UnitID, &st.UnitName, &st.CommunityID, &st.Role, &st.Name, &st.Phone,
			&st.UserID, &st.StartedOn, &st.Households, &st.Persons); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
