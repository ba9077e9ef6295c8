package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
)

// ConflictQuery selects conflicts of the queue.
type ConflictQuery struct {
	ImportID int64
	Status   string // "" for open
	Limit    int
	Offset   int
}

const conflictColumns = `c.community_id, c.id, COALESCE(c.grid_id, 0), c.org_id, c.import_id, c.department,
	COALESCE(d.name, c.department), c.kind, c.person_id, c.score, c.key, c.incoming, c.fields, c.sheet, c.row_num,
	c.status, c.resolution, c.resolved_by, c.resolved_at, c.version, c.created_at`

func scanConflict(row interface{ Scan(...any) error }) (*Conflict, error) {
	c := &Conflict{}
	var incoming, fields string
	if err := row.Scan(&c.CommunityID, &c.ID, &c.GridID, &c.OrgID, &c.ImportID, &c.Department, &c.DepartmentName,
		&c.Kind, &c.PersonID, &c.Score, &c.Key, &incoming, &fields, &c.Sheet, &c.RowNum, &c.Status, &c.Resolution,
		&c.ResolvedBy, &c.ResolvedAt, &c.Version, &c.CreatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(incoming), &c.Incoming); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return nil, err
	}
	return c, nil
}

// Place is where a conflict lies: its register person's place, or the
// community a new person would join.
func (c *Conflict) Place() access.Place {
	return access.Place{Community: c.CommunityID, Grid: c.GridID, Org: c.OrgID}
}

// Conflicts lists the queue in sc (the scope of imports.resolve), oldest
// first, with whether there are more.
func (s *Service) Conflicts(ctx context.Context, sc access.Scope, q ConflictQuery) ([]*Conflict, bool, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if q.Status == "" {
		q.Status = ConflictOpen
	}
	a := s.db.Args()
	cond := "c.status = " + a.Arg(q.Status)
	if q.ImportID != 0 {
		cond += " AND c.import_id = " + a.Arg(q.ImportID)
	}
	where := sc.Where(a, "c")
	rows, err := s.db.QueryContext(ctx, `SELECT `+conflictColumns+` FROM import_conflicts c
		LEFT JOIN departments d ON d.code = c.department WHERE `+cond+where+
		fmt.Sprintf(` ORDER BY c.created_at, c.id LIMIT %d OFFSET %d`, q.Limit+1, q.Offset), a.Values()...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []*Conflict
	for rows.Next() {
		c, err := scanConflict(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// CountConflicts counts the open conflicts in sc.
func (s *Service) CountConflicts(ctx context.Context, sc access.Scope) (int, error) {
	where, args := sc.And("c", 2)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM import_conflicts c WHERE c.status = $1`+where,
		append([]any{ConflictOpen}, args...)...).Scan(&n)
	return n, err
}

// Conflict returns one conflict if it lies in sc.
func (s *Service) Conflict(ctx context.Context, sc access.Scope, id int64) (*Conflict, error) {
	c, err := s.conflictTx(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !sc.Contains(c.Place()) {
		return nil, ErrNotFound
	}
	return c, nil
}

func (s *Service) conflictTx(ctx context.Context, q database.Querier, id int64) (*Conflict, error) {
	c, err := scanConflict(q.QueryRowContext(ctx, `SELECT `+conflictColumns+` FROM import_conflicts c
		LEFT JOIN departments d ON d.code = c.department WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return c, err
}

// ConflictPlace finds where a conflict lies, for the access check of routes
// that name one.
func (s *Service) ConflictPlace(ctx context.Context, id int64) (access.Place, error) {
	c, err := s.conflictTx(ctx, s.db, id)
	if errors.Is(err, ErrNotFound) {
		return access.Place{}, access.ErrNoObject
	}
	if err != nil {
		return access.Place{}, err
	}
	return c.Place(), nil
}

// Decisions on a conflict.
const (
	DecideSame   = "same"   // identity: the row is the register person; then field by field
	DecideNew    = "new"    // identity: a different person, to be created from the row
	DecideIgnore = "ignore" // identity: the department's row is not ours to take
	DecideFields = "fields" // fields: field by field
)

// Choices of a field.
const (
	ChooseIncoming = "incoming"
	ChooseRegister = "register"
)

// Resolution is a person's decision on a conflict.
type Resolution struct {
	Version  int               `json:"version"`  // the conflict's version as read
	Decision string            `json:"decision"` // same, new, ignore; fields for a conflict of kind fields
	Choices  map[string]string `json:"choices"`  // field → incoming or register
}

// Resolve applies a person's decision, in one transaction: the values chosen
// from the row are written to the register (as changes from the row's
// department, under v's name), values left out are remembered so that the
// same value arriving again is not queued again, an identity decision is
// remembered for the department's number, and the conflict is closed. A
// conflict resolved meanwhile by someone else is refused.
func (s *Service) Resolve(ctx context.Context, v *access.Viewer, id int64, res Resolution) error {
	sc := v.Scope(PermResolve)
	c, err := s.Conflict(ctx, sc, id)
	if err != nil {
		return err
	}
	if c.Status != ConflictOpen {
		return fault.Fields{"version": "该条已处理(" + c.ResolvedBy + " " + c.ResolvedAt + "),无需再处理"}
	}
	if res.Version != c.Version {
		return fault.Fields{"version": "该条在您打开后已有变动,请刷新后重新处理"}
	}
	switch {
	case c.Kind == KindFields && res.Decision == "":
		res.Decision = DecideFields
	case c.Kind == KindFields && res.Decision != DecideFields,
		c.Kind == KindIdentity && res.Decision != DecideSame && res.Decision != DecideNew && res.Decision != DecideIgnore:
		return fault.Fields{"decision": "请选择处理方式"}
	}
	if res.Decision == DecideSame || res.Decision == DecideFields {
		for _, d := range c.Fields {
			ch := res.Choices[d.Field]
			if ch != ChooseIncoming && ch != ChooseRegister {
				return fault.Fields{"choice_" + d.Field: "请为“" + d.Label + "”选择采用哪个值"}
			}
		}
	}
	return s.settle(ctx, v, c, res, nil)
}

// settle applies a decision on the fields of c and closes it, or, when
// rest names fields still to decide, keeps it open with only those.
func (s *Service) settle(ctx context.Context, v *access.Viewer, c *Conflict, res Resolution, rest []FieldDiff) error {
	now := s.now()
	actor := register.Actor{UserID: v.UserID, Name: v.Name, Source: "import:" + c.Department}
	l, err := register.NewLoader(ctx, s.db, actor)
	if err != nil {
		return err
	}
	if err := l.ForUpdates(ctx); err != nil {
		l.Rollback()
		return err
	}
	if err := s.apply(ctx, l, v, c, res); err != nil {
		l.Rollback()
		return err
	}
	var r sql.Result
	if len(rest) > 0 {
		fields, _ := json.Marshal(rest)
		r, err = l.Tx().ExecContext(ctx, `UPDATE import_conflicts SET fields = $1, version = version + 1
			WHERE community_id = $2 AND id = $3 AND version = $4 AND status = $5`,
			string(fields), c.CommunityID, c.ID, c.Version, ConflictOpen)
	} else {
		rj, _ := json.Marshal(res)
		r, err = l.Tx().ExecContext(ctx, `UPDATE import_conflicts SET status = $1, resolution = $2, resolved_by = $3,
			resolved_at = $4, version = version + 1 WHERE community_id = $5 AND id = $6 AND version = $7 AND status = $8`,
			ConflictResolved, string(rj), v.Name, database.FormatTime(now), c.CommunityID, c.ID, c.Version, ConflictOpen)
	}
	if err != nil {
		l.Rollback()
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		l.Rollback()
		return fault.Fields{"version": "该条在您打开后已被他人处理,请刷新"}
	}
	return l.Commit(ctx)
}

// Bulk is a decision on many conflicts of one import at once.
type Bulk struct {
	ImportID int64
	Field    string // the field decided; "" for every field
	Choice   string // ChooseIncoming or ChooseRegister
}

// BulkResult says what a bulk decision did.
type BulkResult struct {
	Decided int // conflicts closed
	Partly  int // conflicts left open with their other fields
	Failed  int // conflicts a concurrent change or a check refused; they stay open
}

// ResolveBulk decides one field (or every field) of all the open field
// conflicts of one import in v's scope the same way: every incoming 电话
// of 计生's list taken, or every register value kept. Each conflict is
// settled in a transaction of its own, as if decided on its page;
// identity questions are left to be looked at one by one, and so is a
// conflict refused by a check or changed meanwhile.
func (s *Service) ResolveBulk(ctx context.Context, v *access.Viewer, b Bulk) (BulkResult, error) {
	var out BulkResult
	if b.Choice != ChooseIncoming && b.Choice != ChooseRegister {
		return out, fault.Fields{"choice": "请选择采用部门的值还是保留登记册的值"}
	}
	if b.Field == "" && b.Choice == ChooseIncoming {
		return out, fault.Fields{"field": "请选择要统一采用部门值的字段"}
	}
	sc := v.Scope(PermResolve)
	if _, err := s.Import(ctx, sc, b.ImportID); err != nil {
		return out, err
	}
	skip := map[int64]bool{}
	for {
		cs, more, err := s.Conflicts(ctx, sc, ConflictQuery{ImportID: b.ImportID, Limit: 200, Offset: len(skip)})
		if err != nil {
			return out, err
		}
		progressed := false
		for _, c := range cs {
			if skip[c.ID] {
				continue
			}
			res := Resolution{Version: c.Version, Decision: DecideFields, Choices: map[string]string{}}
			var chosen, rest []FieldDiff
			for _, d := range c.Fields {
				if b.Field == "" || d.Field == b.Field {
					res.Choices[d.Field] = b.Choice
					chosen = append(chosen, d)
				} else {
					rest = append(rest, d)
				}
			}
			if c.Kind != KindFields || len(chosen) == 0 {
				skip[c.ID] = true
				continue
			}
			part := *c
			part.Fields = chosen
			if err := s.settle(ctx, v, &part, res, rest); err != nil {
				if fault.KindOf(err) == fault.Internal && fault.FieldsOf(err) == nil {
					return out, err
				}
				skip[c.ID] = true
				out.Failed++
				continue
			}
			progressed = true
			if len(rest) > 0 {
				skip[c.ID] = true
				out.Partly++
			} else {
				out.Decided++
			}
		}
		if !more && !progressed || len(cs) == 0 {
			return out, nil
		}
	}
}

func (s *Service) apply(ctx context.Context, l *register.Loader, v *access.Viewer, c *Conflict, res Resolution) error {
	tx := l.Tx()
	now := s.now()
	at := database.FormatTime(now)
	incomingKey := c.Incoming.key()
	switch res.Decision {
	case DecideIgnore:
		return s.link(ctx, tx, c, incomingKey, 0, 0, at)
	case DecideNew:
		return s.createFromConflict(ctx, l, v, c)
	}
	ps, err := s.reg.PersonsByID(ctx, []int64{c.PersonID})
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return fault.Fields{"decision": "登记册中的该人员已不存在"}
	}
	old := ps[0]
	if !v.Scope(PermResolve).Contains(old.Place()) {
		return ErrNotFound
	}
	p := old
	var tagChoices []FieldDiff
	for _, d := range c.Fields {
		if res.Choices[d.Field] == ChooseRegister {
			if _, err := tx.ExecContext(ctx, `INSERT INTO import_declined (community_id, person_id, field, value, department,
				decided_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, person_id, field, value) DO NOTHING`,
				old.CommunityID, old.ID, d.Field, d.Incoming, c.Department, at); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(d.Field, "tag.") {
			tagChoices = append(tagChoices, d)
			continue
		}
		setPersonValue(&p, d.Field, d.Incoming)
	}
	if b := c.Incoming.Person.BirthDate; c.Kind == KindIdentity && hasField(c.Incoming.Has, "birth_date") && p.SameBirthMonth(b) {
		// The same person, known to the register by the month of their
		// birth: the row's date is the day it lacked (never queued as a
		// disagreement).
		setPersonValue(&p, "birth_date", b)
	}
	if p.DocType == string(ident.DocNone) && p.IDNumber != "" {
		// A number taken for a person registered without one brings
		// its type.
		p.DocType = c.Incoming.Person.DocType
	}
	if err := register.ValidatePerson(&p, now); err != nil {
		return err
	}
	if _, err := l.UpdatePerson(ctx, now, &old, &p); err != nil {
		if errors.Is(err, register.ErrStale) {
			return fault.Fields{"version": "该人员刚被他人修改,请刷新后重新处理"}
		}
		return err
	}
	if err := s.applyTags(ctx, l, &p, c, tagChoices); err != nil {
		return err
	}
	if c.Kind == KindIdentity && p.IDNumber != c.Incoming.Person.IDNumber {
		return s.link(ctx, tx, c, incomingKey, p.CommunityID, p.ID, at)
	}
	return nil
}

// link remembers whom a department's number stands for (0: nobody of ours).
func (s *Service) link(ctx context.Context, tx *sql.Tx, c *Conflict, key string, community, person int64, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO import_links (department, id_number, community_id, person_id, decided_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (department, id_number) DO UPDATE SET community_id = excluded.community_id,
		person_id = excluded.person_id, decided_at = excluded.decided_at`, c.Department, key, community, person, at)
	return err
}

// applyTags applies the tag values chosen from the row: a tag itself
// (tag.<code>) or one of its dates or note (tag.<code>.<field>), of the tag
// the list is about or of a tag column's.
func (s *Service) applyTags(ctx context.Context, l *register.Loader, p *register.Person, c *Conflict, chosen []FieldDiff) error {
	var codes []string
	byCode := map[string][]FieldDiff{}
	for _, d := range chosen {
		code, _, _ := strings.Cut(strings.TrimPrefix(d.Field, "tag."), ".")
		if byCode[code] == nil {
			codes = append(codes, code)
		}
		byCode[code] = append(byCode[code], d)
	}
	for _, code := range codes {
		if in := c.Incoming.tag(code); in != nil {
			if err := s.applyTag(ctx, l, p, in, byCode[code]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) applyTag(ctx context.Context, l *register.Loader, p *register.Person, in *tagIn, chosen []FieldDiff) error {
	code := in.Code
	now := s.now()
	today := now.Format("2006-01-02")
	tags, err := s.reg.TagsOfPersons(ctx, code, []int64{p.ID})
	if err != nil {
		return err
	}
	var open *register.Tag
	for i := range tags {
		if tags[i].EndedOn == "" || tags[i].EndedOn >= today {
			open = &tags[i]
		}
	}
	for _, d := range chosen {
		sub := strings.TrimPrefix(strings.TrimPrefix(d.Field, "tag."+code), ".")
		if sub == "" {
			if open != nil {
				continue
			}
			start := d.Incoming
			if start == "" {
				start = today
			}
			t := &register.Tag{CommunityID: p.CommunityID, ID: database.NewID(), PersonID: p.ID, Tag: code,
				StartedOn: start, EndedOn: in.EndedOn, Note: in.Note}
			if err := l.Tag(ctx, now, t); err != nil {
				return err
			}
			continue
		}
		if open == nil {
			continue
		}
		t := *open
		switch sub {
		case "started_on":
			t.StartedOn = d.Incoming
		case "ended_on":
			t.EndedOn = d.Incoming
		case "note":
			t.Note = d.Incoming
		}
		if _, err := l.UpdateTag(ctx, now, open, &t); err != nil {
			if errors.Is(err, register.ErrStale) {
				return fault.Fields{"version": "该人员的标签刚被他人修改,请刷新后重新处理"}
			}
			return err
		}
		*open = t
	}
	return nil
}

// createFromConflict creates the row's person, the reviewer having decided
// it is nobody the register holds.
func (s *Service) createFromConflict(ctx context.Context, l *register.Loader, v *access.Viewer, c *Conflict) error {
	now := s.now()
	p := c.Incoming.Person
	noID := p.IDNumber == ""
	if noID {
		if msg := noIDCreateRefusal(&p, c.Incoming.BirthMonth); msg != "" {
			return fault.Fields{"decision": msg + ",或在登记册中手工登记"}
		}
		p.DocType = string(ident.DocNone)
		if p.BirthDate == "" {
			p.BirthDate, p.BirthPrecision = c.Incoming.BirthMonth, register.BirthByMonth
		}
	}
	community := c.Incoming.CommunityID
	if community == 0 {
		return fault.Fields{"decision": "无法确定新登记人员所属的社区,请在登记册中手工登记"}
	}
	if p.Residence == "" {
		p.Residence = c.Incoming.Residence
	}
	if p.Residence == "" {
		return fault.Fields{"decision": "新登记须有人口类别,该行没有;请在登记册中手工登记"}
	}
	hi, err := s.householdIndex(ctx, community)
	if err != nil {
		return err
	}
	p.CommunityID, p.OrgID, p.GridID, p.HouseholdID = community, community, 0, 0
	if h := hi.find(c.Incoming.Household, p.Address); h != nil {
		p.HouseholdID, p.OrgID, p.GridID = h.ID, h.OrgID, h.GridID
	}
	if err := register.ValidatePerson(&p, now); err != nil {
		return err
	}
	if !v.Scope(PermResolve).Contains(p.Place()) {
		return ErrNotFound
	}
	if !noID {
		others, err := s.reg.PersonsByDocument(ctx, []string{p.IDNumber})
		if err != nil {
			return err
		}
		if len(others) > 0 {
			return fault.Fields{"decision": "该证件号码已登记在册,不能再新建"}
		}
	}
	p.ID = database.NewID()
	p.Status = "active"
	if err := l.Person(ctx, now, &p); err != nil {
		return err
	}
	if noID {
		// Without a number the row is known by name, birth and address:
		// the department's list finds this person again by them, not the
		// register person it was first taken for.
		if err := s.link(ctx, l.Tx(), c, c.Incoming.key(), p.CommunityID, p.ID, database.FormatTime(now)); err != nil {
			return err
		}
	}
	today := now.Format("2006-01-02")
	for _, t := range append([]*tagIn{c.Incoming.Tag}, c.Incoming.Tags...) {
		if t == nil || t.Code == "" || t.EndedOn != "" && t.EndedOn < today {
			continue
		}
		start := t.StartedOn
		if start == "" {
			start = today
		}
		if err := l.Tag(ctx, now, &register.Tag{CommunityID: p.CommunityID, ID: database.NewID(), PersonID: p.ID,
			Tag: t.Code, StartedOn: start, EndedOn: t.EndedOn, Note: t.Note}); err != nil {
			return err
		}
	}
	return nil
}
