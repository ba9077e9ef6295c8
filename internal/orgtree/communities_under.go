package orgtree

import (
	"context"
	"strings"
)

// CommunitiesUnder lists the communities in force at or below a unit (the
// unit itself when it is one), in the tree's order.
func (s *Store) CommunitiesUnder(ctx context.Context, unit int64) ([]Unit, error) {
	return s.queryUnits(ctx, s.db, `JOIN org_closure c ON c.unit_id = u.id
		WHERE c.ancestor_id = $1 AND u.level = 'community' AND u.retired_on IS NULL ORDER BY u.sort, u.name, u.id`, unit)
}

// PaidRoles are the staff assignments whose working hours are the
// communities' to give: the paid community workers, not the volunteer
// 楼栋长, 中心户长 and 居民小组长.
var PaidRoles = []string{"community_staff", "secretary", "grid_worker"}

// PaidStaff counts the current paid staff at or below a unit by the
// community they work in; staff of no community (a street's own) are not
// counted. It counts people, not assignments: a community worker who also
// runs a grid holds two rows (19 of 城北's 21 do), and counting rows
// halved the burden per worker. The roster knows a person by name and
// phone, as the workforce pages do.
func (s *Store) PaidStaff(ctx context.Context, unit int64) (map[int64]int, error) {
	return s.db.CountByID(ctx, `SELECT st.community_id, COUNT(DISTINCT st.name || '|' || st.phone) FROM org_staff st
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL AND st.community_id IS NOT NULL
		AND st.role IN ('`+strings.Join(PaidRoles, "', '")+`') GROUP BY st.community_id`, unit)
}
