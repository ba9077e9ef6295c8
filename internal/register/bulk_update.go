package register

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"shequ/internal/database"
)

// ErrStale is returned by the Loader's updates when the row's version is no
// longer the one read: somebody changed it meanwhile, and nothing was saved.
var ErrStale = errors.New("记录已被他人修改")

// UpdatePerson saves p over old — the row as read, at old.Version — with
// an update event naming the fields that changed. It does nothing when no
// tracked field changed. Unlike Store.UpdatePerson it does not validate:
// the caller has (with ValidatePerson). The update runs at once on the
// Loader's transaction; its event joins the Loader's batches.
func (l *Loader) UpdatePerson(ctx context.Context, at time.Time, old, p *Person) (bool, error) {
	p.ID, p.CommunityID = old.ID, old.CommunityID
	changes := diff("person", old, p)
	if len(changes) == 0 {
		return false, nil
	}
	p.Version = old.Version + 1
	p.CreatedAt = old.CreatedAt
	p.UpdatedAt = database.FormatTime(at)
	search := SearchText(p.Name, p.IDNumber, p.Phone)
	res, err := l.tx.ExecContext(ctx, `UPDATE persons SET household_id = $1, org_id = $2, grid_id = $3, name = $4,
		doc_type = $5, id_number = $6, gender = $7, birth_date = $8, ethnicity = $9, relation = $10,
		residence = $11, phone = $12, hukou_address = $13, address = $14, employer_id = $15, occupation = $16,
		moved_in_on = $17, status = $18, search = $19, version = $20, updated_at = $21
		WHERE community_id = $22 AND id = $23 AND version = $24`,
		nullID(p.HouseholdID), p.OrgID, nullID(p.GridID), p.Name, p.DocType, p.IDNumber, p.Gender, p.BirthDate,
		p.Ethnicity, p.Relation, p.Residence, p.Phone, p.HukouAddress, p.Address, nullID(p.EmployerID),
		p.Occupation, p.MovedInOn, p.Status, l.column(search), p.Version, p.UpdatedAt, p.CommunityID, p.ID, old.Version)
	if err != nil {
		return false, fmt.Errorf("update person: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrStale
	}
	if l.db.Engine == database.SQLite && SearchText(old.Name, old.IDNumber, old.Phone) != search {
		if err := (sqliteIndex{}).put(ctx, l.tx, "persons", p.ID, search); err != nil {
			return false, err
		}
	}
	return true, l.changeEvent(ctx, at, p.CommunityID, "person", p.ID, p.Version, changes, p)
}

// UpdateTag saves t over old (at old.Version) with its update event.
func (l *Loader) UpdateTag(ctx context.Context, at time.Time, old, t *Tag) (bool, error) {
	t.ID, t.CommunityID, t.PersonID, t.Tag = old.ID, old.CommunityID, old.PersonID, old.Tag
	t.Name, t.Sensitive, t.Version = old.Name, old.Sensitive, old.Version
	changes := diff("tag", old, t)
	if len(changes) == 0 {
		return false, nil
	}
	t.Version = old.Version + 1
	res, err := l.tx.ExecContext(ctx, `UPDATE person_tags SET started_on = $1, ended_on = $2, note = $3, version = $4,
		updated_at = $5 WHERE community_id = $6 AND id = $7 AND version = $8`,
		t.StartedOn, nullText(t.EndedOn), t.Note, t.Version, database.FormatTime(at), t.CommunityID, t.ID, old.Version)
	if err != nil {
		return false, fmt.Errorf("update tag: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, ErrStale
	}
	return true, l.changeEvent(ctx, at, t.CommunityID, "tag", t.ID, t.Version, changes, t)
}

func (l *Loader) changeEvent(ctx context.Context, at time.Time, community int64, entity string, id int64, version int,
	changes []FieldChange, row any) error {
	m := make(map[string][2]any, len(changes))
	for _, c := range changes {
		m[c.Field] = [2]any{c.Before, c.After}
	}
	cj, err := json.Marshal(m)
	if err != nil {
		return err
	}
	snap, err := json.Marshal(row)
	if err != nil {
		return err
	}
	var actorID any
	if l.actor.UserID != 0 {
		actorID = l.actor.UserID
	}
	return l.add(ctx, "change_events", community, database.NewID(), database.FormatTime(at), actorID,
		l.actor.Name, l.actor.Source, entity, id, "update", version, string(cj), string(snap))
}
