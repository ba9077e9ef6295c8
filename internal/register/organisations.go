package register

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

const organisationColumns = `o.community_id, o.id, o.name, o.kind, o.uscc, o.legal_rep, o.phone, o.address,
	o.org_id, COALESCE(o.grid_id, 0), o.staff_count, o.status, o.version`

func (s *Store) queryOrganisations(ctx context.Context, q database.Querier, query string, args ...any) ([]Organisation, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.CommunityID, &o.ID, &o.Name, &o.Kind, &o.USCC, &o.LegalRep, &o.Phone, &o.Address,
			&o.OrgID, &o.GridID, &o.StaffCount, &o.Status, &o.Version); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Organisation returns one organisation if it lies in scope, as the scope
// may see it.
func (s *Store) Organisation(ctx context.Context, scope access.Scope, id int64) (Organisation, error) {
	o, err := s.organisationTx(ctx, s.db, scope, id)
	if err != nil {
		return Organisation{}, err
	}
	o.redact(scope.Fields(o.Place()))
	return o, nil
}

// organisationTx reads an organisation in scope as stored, for writes.
func (s *Store) organisationTx(ctx context.Context, q database.Querier, scope access.Scope, id int64) (Organisation, error) {
	where, args := scope.And("o", 2)
	os, err := s.queryOrganisations(ctx, q, `SELECT `+organisationColumns+` FROM organisations o WHERE o.id = $1`+where,
		append([]any{id}, args...)...)
	if err != nil {
		return Organisation{}, err
	}
	if len(os) == 0 {
		return Organisation{}, ErrNotFound
	}
	return os[0], nil
}

// SearchOrganisations lists organisations in scope by name.
func (s *Store) SearchOrganisations(ctx context.Context, scope access.Scope, text, kind string, limit, offset int) ([]Organisation, bool, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	conds := []string{"o.status = 'active'"}
	a := s.db.Args()
	if kind != "" {
		conds = append(conds, "o.kind = "+a.Arg(kind))
	}
	for _, term := range strings.Fields(normalise(text)) {
		tokens, _ := queryTokens(term)
		if len(tokens) == 0 {
			continue
		}
		conds = append(conds, s.db.Search().Match(a, "organisations", "o", tokens))
	}
	where := scope.Where(a, "o")
	os, err := s.queryOrganisations(ctx, s.db, `SELECT `+organisationColumns+` FROM organisations o WHERE `+
		strings.Join(conds, " AND ")+where+fmt.Sprintf(" ORDER BY o.name LIMIT %d OFFSET %d", limit+1, max(offset, 0)), a.Values()...)
	if err != nil {
		return nil, false, err
	}
	for i := range os {
		os[i].redact(scope.Fields(os[i].Place()))
	}
	if len(os) > limit {
		return os[:limit], true, nil
	}
	return os, false, nil
}

// CreateOrganisation validates and adds an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, actor Actor, scope access.Scope, o *Organisation) error {
	if err := validateOrganisation(o); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		pl, err := placeInUnit(ctx, tx, o.OrgID)
		if err != nil {
			return err
		}
		o.CommunityID, o.GridID = pl.community, pl.grid
		if !scope.Contains(o.Place()) {
			return fault.Fields{"org_id": "所属单元不在您的管辖范围内"}
		}
		if err := checkCreate("organisation", scope.Fields(o.Place()), *o); err != nil {
			return err
		}
		if o.USCC != "" {
			var n int
			tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE uscc = $1`, o.USCC).Scan(&n)
			if n > 0 {
				return fault.Fields{"uscc": "该统一社会信用代码已登记"}
			}
		}
		if o.ID == 0 {
			o.ID = database.NewID()
		}
		o.Version = 1
		ts := database.FormatTime(now)
		search := SearchText(o.Name, o.USCC, o.Address)
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (community_id, id, name, kind, uscc, legal_rep, phone,
			address, org_id, grid_id, staff_count, status, search, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14)`,
			o.CommunityID, o.ID, o.Name, o.Kind, o.USCC, o.LegalRep, o.Phone, o.Address, o.OrgID, nullID(o.GridID),
			o.StaffCount, o.Status, s.db.Search().Column(search), ts); err != nil {
			return err
		}
		if err := s.db.Search().Put(ctx, tx, "organisations", o.ID, search); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, now, o.CommunityID, "organisation", o.ID, "create", 1, nil, o)
	})
}

// UpdateOrganisation saves o if nobody changed it since o.Version was read.
func (s *Store) UpdateOrganisation(ctx context.Context, actor Actor, scope access.Scope, o *Organisation) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.organisationTx(ctx, tx, scope, o.ID)
		if err != nil {
			return err
		}
		fields := scope.Fields(old.Place())
		if old.Version != o.Version {
			return s.conflict(ctx, fields, "organisation", o.ID, o.Version, old.Version)
		}
		if err := applyEdit("organisation", fields, old, o); err != nil {
			return err
		}
		if err := validateOrganisation(o); err != nil {
			return err
		}
		pl, err := placeInUnit(ctx, tx, o.OrgID)
		if err != nil {
			return err
		}
		if pl.community != old.CommunityID {
			return fault.Fields{"org_id": "不能把单位移到其他社区"}
		}
		o.CommunityID, o.GridID = pl.community, pl.grid
		if !scope.Contains(o.Place()) {
			return fault.Fields{"org_id": "所属单元不在您的管辖范围内"}
		}
		o.Version = old.Version + 1
		search := SearchText(o.Name, o.USCC, o.Address)
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, kind = $2, uscc = $3, legal_rep = $4,
			phone = $5, address = $6, org_id = $7, grid_id = $8, staff_count = $9, status = $10, search = $11,
			version = $12, updated_at = $13 WHERE community_id = $14 AND id = $15 AND version = $16`,
			o.Name, o.Kind, o.USCC, o.LegalRep, o.Phone, o.Address, o.OrgID, nullID(o.GridID), o.StaffCount, o.Status,
			s.db.Search().Column(search), o.Version, database.FormatTime(now), o.CommunityID, o.ID, old.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.conflict(ctx, fields, "organisation", o.ID, old.Version, old.Version+1)
		}
		if err := s.db.Search().Put(ctx, tx, "organisations", o.ID, search); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, now, o.CommunityID, "organisation", o.ID, "update", o.Version, old, o)
	})
}
