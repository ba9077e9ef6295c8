package register

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shequ/internal/access"
	"shequ/internal/codes"
	"shequ/internal/fault"
)

// Move is a person's move between households of one community: into
// another household (with the relation to its head), or out of their
// household while staying in the community (HouseholdID 0; they stay
// where the household lived). Moves across communities are a move out
// (RecordLeaving) here and a new registration there.
type Move struct {
	PersonID    int64
	Version     int // the version the editor read
	HouseholdID int64
	Relation    string // GB/T 4761 code or name, required when joining a household
}

// MovePerson moves a person into or out of a household. A head who leaves
// a household where others remain is refused until the household has a new
// head; a household left with nobody on the register is dissolved.
func (s *Store) MovePerson(ctx context.Context, actor Actor, scope access.Scope, m Move) error {
	fe := fault.Fields{}
	if m.HouseholdID != 0 {
		if m.Relation == "" {
			fe.Add("relation", "请选择与新户户主的关系")
		} else if _, ok := codes.RelationName(m.Relation); !ok {
			if c, ok := codes.RelationByName(m.Relation); ok {
				m.Relation = c
			} else {
				fe.Add("relation", "与户主关系代码无效(GB/T 4761)")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.personTx(ctx, tx, scope, m.PersonID)
		if err != nil {
			return err
		}
		fields := scope.Fields(old.Place())
		if old.Version != m.Version {
			return s.conflict(ctx, fields, "person", old.ID, m.Version, old.Version)
		}
		if !fields.CanEdit("person", "household_id") && !fields.CanEdit("person", "relation") {
			return fault.Fields{"household_id": "您无权办理人员迁移"}
		}
		if old.Status != "active" {
			return fault.Fields{"household_id": "该人员已" + PersonStatusNames[old.Status] + ",不能迁移"}
		}
		if m.HouseholdID == old.HouseholdID {
			if m.HouseholdID == 0 {
				return fault.Fields{"household_id": "该人员不在任何户内"}
			}
			return fault.Fields{"household_id": "该人员已在此户"}
		}
		if old.HouseholdID != 0 {
			if err := s.checkHeadMayLeave(ctx, tx, old); err != nil {
				return err
			}
		}
		p := old
		p.HouseholdID, p.Relation = m.HouseholdID, m.Relation
		if m.HouseholdID != 0 {
			target, err := s.householdTx(ctx, tx, scope, m.HouseholdID)
			if errors.Is(err, ErrNotFound) {
				return fault.Fields{"household_id": "迁入户不存在或不在您的管辖范围内"}
			}
			if err != nil {
				return err
			}
			if target.Status != "active" {
				return fault.Fields{"household_id": "迁入户已注销"}
			}
			if target.CommunityID != old.CommunityID {
				return fault.Fields{"household_id": "跨社区迁移请在本社区办理迁出,在迁入社区重新登记"}
			}
			if target.Address != "" {
				p.Address = target.Address
			}
		}
		if err := s.placePerson(ctx, tx, &p); err != nil {
			return err
		}
		if err := checkPlaceInScope(scope, p.Place(), p.HouseholdID != 0); err != nil {
			return err
		}
		if _, err := writePersonUpdate(ctx, s.db, txSink{s.db, tx}, actor, now, &old, &p, true); err != nil {
			if errors.Is(err, ErrStale) {
				return s.conflict(ctx, fields, "person", old.ID, old.Version, old.Version+1)
			}
			return err
		}
		return s.dissolveIfEmpty(ctx, tx, actor, now, old.CommunityID, old.HouseholdID)
	})
}

// checkHeadMayLeave refuses the move of a household's head while other
// members remain on the register: the household would be left headless.
func (s *Store) checkHeadMayLeave(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, p Person) error {
	var head int64
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(head_id, 0) FROM households WHERE community_id = $1 AND id = $2`,
		p.CommunityID, p.HouseholdID).Scan(&head); err != nil {
		return err
	}
	if head != p.ID {
		return nil
	}
	var others int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id = $1 AND household_id = $2
		AND status = 'active' AND id <> $3`, p.CommunityID, p.HouseholdID, p.ID).Scan(&others); err != nil {
		return err
	}
	if others > 0 {
		return fault.Fields{"household_id": "该人员是原户户主,请先在户信息中为原户指定新户主"}
	}
	return nil
}

// HouseholdByNumber finds a household of a community in scope by its 户号,
// as staff name households.
func (s *Store) HouseholdByNumber(ctx context.Context, scope access.Scope, community int64, number string) (Household, error) {
	where, args := scope.And("h", 3)
	hs, err := s.queryHouseholds(ctx, s.db, `SELECT `+householdColumns+` FROM households h
		WHERE h.community_id = $1 AND h.number = $2`+where, append([]any{community, strings.TrimSpace(number)}, args...)...)
	if err != nil {
		return Household{}, err
	}
	if len(hs) == 0 {
		return Household{}, ErrNotFound
	}
	hs[0].redact(scope.Fields(hs[0].Place()))
	return hs[0], nil
}
