package register

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/ident"
)

// Employment records that a registered person works for an organisation
// (从业人员), found by the ID number the employer's staff list gives.
type Employment struct {
	OrganisationID int64
	IDNumber       string
	Occupation     string
}

// AddEmployee makes the person with the ID number an employee of the
// organisation. The person must be registered where the scope may write;
// a person employed elsewhere changes employer (the history keeps the old).
func (s *Store) AddEmployee(ctx context.Context, actor Actor, scope access.Scope, e Employment) (Person, error) {
	now := s.now()
	fe := fault.Fields{}
	id, err := ident.ParseResidentID(e.IDNumber, now)
	if err != nil {
		fe.Add("id_number", err.Error())
	}
	e.Occupation = checkText(fe, "person", "occupation", e.Occupation, false, 50)
	if err := fe.Err(); err != nil {
		return Person{}, err
	}
	var p Person
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		o, err := s.organisationTx(ctx, tx, scope, e.OrganisationID)
		if err != nil {
			return err
		}
		where, args := scope.And("p", 3)
		ps, err := s.queryPersons(ctx, tx, `SELECT `+personColumns+` FROM persons p WHERE p.id_number = $1
			AND p.doc_type = $2`+where, append([]any{id.Number, string(ident.DocResidentID)}, args...)...)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return fault.Fields{"id_number": "您的辖区内没有登记该证件号码的人员,请先登记该人员"}
		}
		old := ps[0]
		if old.Status != "active" {
			return fault.Fields{"id_number": "该人员已" + PersonStatusNames[old.Status]}
		}
		if old.EmployerID == o.ID {
			return fault.Fields{"id_number": old.Name + " 已是本单位从业人员"}
		}
		fields := scope.Fields(old.Place())
		if !fields.CanEdit("person", "employer_id") {
			return fault.Fields{"id_number": "您无权登记该人员的工作单位"}
		}
		p = old
		p.EmployerID = o.ID
		if e.Occupation != "" {
			p.Occupation = e.Occupation
		}
		_, err = writePersonUpdate(ctx, s.db, txSink{s.db, tx}, actor, now, &old, &p, true)
		if errors.Is(err, ErrStale) {
			return s.conflict(ctx, fields, "person", old.ID, old.Version, old.Version+1)
		}
		return err
	})
	if err != nil {
		return Person{}, err
	}
	p.redact(scope.Fields(p.Place()))
	return p, nil
}

// EndEmployment records that a person no longer works for the
// organisation, on the version of the person the editor read.
func (s *Store) EndEmployment(ctx context.Context, actor Actor, scope access.Scope, organisationID, personID int64, version int) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.personTx(ctx, tx, scope, personID)
		if err != nil {
			return err
		}
		fields := scope.Fields(old.Place())
		if old.Version != version {
			return s.conflict(ctx, fields, "person", old.ID, version, old.Version)
		}
		if old.EmployerID != organisationID {
			return fault.Fields{"employer_id": "该人员不是本单位从业人员"}
		}
		if !fields.CanEdit("person", "employer_id") {
			return fault.Fields{"employer_id": "您无权修改该人员的工作单位"}
		}
		p := old
		p.EmployerID = 0
		_, err = writePersonUpdate(ctx, s.db, txSink{s.db, tx}, actor, now, &old, &p, true)
		if errors.Is(err, ErrStale) {
			return s.conflict(ctx, fields, "person", old.ID, old.Version, old.Version+1)
		}
		return err
	})
}
