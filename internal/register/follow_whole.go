package register

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"shequ/internal/fault"
)

// A record and what it points at (a person and their household, a
// household and its house, a house and its building, a tenant and the
// rented house) share one community: their keys begin with it. A unit
// that moves into another community must therefore carry each such pair
// whole, both under it or both outside it.
var splitChecks = []struct {
	what  string // the pair, as the refusal names it
	query string // names of the records split; $1 the unit, $2 the community
}{
	{"人员%s与其所在户", `SELECT p.name FROM persons p
		JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		WHERE p.community_id = $2 AND (p.org_id ` + under + `) <> (h.org_id ` + under + `)`},
	{"户%s与其房屋", `SELECT h.number FROM households h
		JOIN houses u ON u.community_id = h.community_id AND u.id = h.house_id
		WHERE h.community_id = $2 AND (h.org_id ` + under + `) <> (u.org_id ` + under + `)`},
	{"房屋%s与其楼栋", `SELECT u.number FROM houses u
		WHERE u.community_id = $2 AND (u.org_id ` + under + `) <> (u.building_id ` + under + `)`},
	{"承租人%s与所租房屋", `SELECT p.name FROM rental_tenants t
		JOIN rentals r ON r.community_id = t.community_id AND r.id = t.rental_id
		JOIN houses u ON u.community_id = r.community_id AND u.id = r.house_id
		JOIN persons p ON p.community_id = t.community_id AND p.id = t.person_id
		WHERE t.community_id = $2 AND (u.org_id ` + under + `) <> (p.org_id ` + under + `)`},
}

// maxNamed bounds the records a refusal names.
const maxNamed = 5

// checkWhole refuses to carry the records under root out of community
// when one of them is linked to a record outside root, naming them.
func (s *Store) checkWhole(ctx context.Context, tx *sql.Tx, root, community int64) error {
	var split []string
	total := 0
	for _, c := range splitChecks {
		rows, err := tx.QueryContext(ctx, c.query, root, community)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return err
			}
			total++
			if len(split) < maxNamed {
				split = append(split, fmt.Sprintf(c.what, name))
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if total == 0 {
		return nil
	}
	list := strings.Join(split, "、")
	if total > len(split) {
		list += fmt.Sprintf("等%d处", total)
	}
	return fault.New(fault.Refused, "单元内的记录与单元外的记录相连,不能移到其他社区:"+list+
		"一个在单元内、一个在单元外。请先在基础信息中把它们迁到一起,再移动")
}
