package register

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// RegisterHousehold adds a new household with its head in one step, as a
// grid worker registers a family at the door: both are saved or neither.
// Errors of the head's fields come keyed "head_<field>", the household's
// by their own names. Further members are added one by one (CreatePerson).
func (s *Store) RegisterHousehold(ctx context.Context, actor Actor, scope access.Scope, h *Household, head *Person) error {
	now := s.now()
	fe := fault.Fields{}
	if err := validateHousehold(h); err != nil {
		merge(fe, err, "")
	}
	if head.Relation == "" {
		head.Relation = "02" // 户主
	}
	if head.Address == "" {
		head.Address = h.Address
	}
	head.Status = "active"
	if h.ID == 0 {
		h.ID = database.NewID()
	}
	head.HouseholdID = h.ID // placed where the household is, below
	if err := validatePerson(head, now); err != nil {
		merge(fe, err, "head_")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if head.ID == 0 {
			head.ID = database.NewID()
		}
		h.HeadID = head.ID
		if h.Address == "" && h.HouseID != 0 {
			tx.QueryRowContext(ctx, `SELECT address FROM houses WHERE id = $1`, h.HouseID).Scan(&h.Address)
			if head.Address == "" {
				head.Address = h.Address
			}
		}
		if err := s.createHouseholdTx(ctx, tx, actor, scope, now, h, head.Name); err != nil {
			return err
		}
		if err := s.createPersonTx(ctx, tx, actor, scope, now, head); err != nil {
			return prefixFields(err, "head_")
		}
		return nil
	})
}

// merge adds the field errors of err to fe, their keys prefixed.
func merge(fe fault.Fields, err error, prefix string) {
	var f fault.Fields
	if errors.As(err, &f) {
		for k, v := range f {
			fe[prefix+k] = v
		}
		return
	}
	fe[prefix+"form"] = fault.Message(err)
}

// prefixFields renames the field errors of err; other errors pass.
func prefixFields(err error, prefix string) error {
	var f fault.Fields
	if !errors.As(err, &f) {
		return err
	}
	out := fault.Fields{}
	merge(out, f, prefix)
	return out
}
