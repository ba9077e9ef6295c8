package register

import (
	"context"
	"fmt"

	"shequ/internal/access"
)

// ExportRow is a person as a department export lists them: the stored
// values (the caller shows them through the viewer's field set), the
// household's number and, for an export of a tag's holders, the tag.
type ExportRow struct {
	Person          Person
	HouseholdNumber string
	Tag             Tag
}

// EachForExport calls fn for every active person in scope, by community and
// household. With tag set only the persons holding that tag on day
// (YYYY-MM-DD) are listed, each with the tag. It streams: fn must not keep
// the row.
func (s *Store) EachForExport(ctx context.Context, scope access.Scope, tag, day string, fn func(*ExportRow) error) error {
	args := []any{}
	join, tagCols := "", ", 0, '', '', ''"
	if tag != "" {
		args = append(args, tag, day)
		join = ` JOIN person_tags t ON t.community_id = p.community_id AND t.person_id = p.id AND t.tag = $1
			AND t.started_on <= $2 AND (t.ended_on IS NULL OR t.ended_on >= $2)`
		tagCols = ", t.id, t.started_on, COALESCE(t.ended_on, ''), t.note"
	}
	where, sargs := scope.And("p", len(args)+1)
	args = append(args, sargs...)
	rows, err := s.db.QueryContext(ctx, `SELECT `+personColumns+`, COALESCE(h.number, '')`+tagCols+`
		FROM persons p LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id`+join+`
		WHERE p.status = 'active'`+where+` ORDER BY p.community_id, p.household_id, p.id`, args...)
	if err != nil {
		return fmt.Errorf("export persons: %w", err)
	}
	defer rows.Close()
	var r ExportRow
	for rows.Next() {
		p := &r.Person
		if err := rows.Scan(&p.CommunityID, &p.ID, &p.HouseholdID, &p.OrgID, &p.GridID, &p.Name, &p.DocType, &p.IDNumber,
			&p.Gender, &p.BirthDate, &p.Ethnicity, &p.Relation, &p.Residence, &p.Phone, &p.HukouAddress, &p.Address,
			&p.EmployerID, &p.Occupation, &p.MovedInOn, &p.Status, &p.LeftOn, &p.LeftTo, &p.Version, &p.CreatedAt, &p.UpdatedAt,
			&p.BirthPrecision, &r.HouseholdNumber, &r.Tag.ID, &r.Tag.StartedOn, &r.Tag.EndedOn, &r.Tag.Note); err != nil {
			return err
		}
		r.Tag.Tag, r.Tag.PersonID, r.Tag.CommunityID = tag, p.ID, p.CommunityID
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}
