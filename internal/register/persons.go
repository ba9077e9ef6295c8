package register

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

const personColumns = `p.community_id, p.id, COALESCE(p.household_id, 0), p.org_id, COALESCE(p.grid_id, 0),
	p.name, p.doc_type, p.id_number, p.gender, p.birth_date, p.ethnicity, p.relation, p.residence, p.phone,
	p.hukou_address, p.address, COALESCE(p.employer_id, 0), p.occupation, p.moved_in_on, p.status,
	p.left_on, p.left_to, p.version, p.created_at, p.updated_at, p.birth_precision`

func scanPerson(row interface{ Scan(...any) error }) (Person, error) {
	var p Person
	err := row.Scan(&p.CommunityID, &p.ID, &p.HouseholdID, &p.OrgID, &p.GridID,
		&p.Name, &p.DocType, &p.IDNumber, &p.Gender, &p.BirthDate, &p.Ethnicity, &p.Relation, &p.Residence,
		&p.Phone, &p.HukouAddress, &p.Address, &p.EmployerID, &p.Occupation, &p.MovedInOn, &p.Status,
		&p.LeftOn, &p.LeftTo, &p.Version, &p.CreatedAt, &p.UpdatedAt, &p.BirthPrecision)
	return p, err
}

func (s *Store) queryPersons(ctx context.Context, q database.Querier, query string, args ...any) ([]Person, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Person returns one person if it lies in scope, as the scope may see it.
func (s *Store) Person(ctx context.Context, scope access.Scope, id int64) (Person, error) {
	p, err := s.personTx(ctx, s.db, scope, id)
	if err != nil {
		return Person{}, err
	}
	p.redact(scope.Fields(p.Place()))
	return p, nil
}

// personTx reads a person in scope as stored, for writes.
func (s *Store) personTx(ctx context.Context, q database.Querier, scope access.Scope, id int64) (Person, error) {
	where, args := scope.And("p", 2)
	ps, err := s.queryPersons(ctx, q, `SELECT `+personColumns+` FROM persons p WHERE p.id = $1`+where,
		append([]any{id}, args...)...)
	if err != nil {
		return Person{}, err
	}
	if len(ps) == 0 {
		return Person{}, ErrNotFound
	}
	return ps[0], nil
}

// Members returns the persons of a household in scope, head first.
func (s *Store) Members(ctx context.Context, scope access.Scope, h Household) ([]Person, error) {
	where, args := scope.And("p", 4)
	ps, err := s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM persons p
		WHERE p.community_id = $1 AND p.household_id = $2`+where+`
		ORDER BY CASE WHEN p.id = $3 THEN 0 ELSE 1 END, p.relation, p.birth_date`,
		append([]any{h.CommunityID, h.ID, h.HeadID}, args...)...)
	redactPersons(scope, ps)
	return ps, err
}

func redactPersons(scope access.Scope, ps []Person) {
	for i := range ps {
		ps[i].redact(scope.Fields(ps[i].Place()))
	}
}

// Employees returns the persons who work for an organisation.
func (s *Store) Employees(ctx context.Context, scope access.Scope, orgID int64) ([]Person, error) {
	where, args := scope.And("p", 2)
	ps, err := s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM persons p
		WHERE p.employer_id = $1`+where+` ORDER BY p.name LIMIT 500`, append([]any{orgID}, args...)...)
	redactPersons(scope, ps)
	return ps, err
}

// placement is where a row lives in the org tree.
type placement struct{ community, org, grid int64 }

// placeInUnit checks that unit lies inside a community and returns its place.
func placeInUnit(ctx context.Context, q database.Querier, unit int64) (placement, error) {
	var pl placement
	err := q.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0), id, COALESCE(grid_id, 0) FROM org_units WHERE id = $1`, unit).
		Scan(&pl.community, &pl.org, &pl.grid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && pl.community == 0) {
		return pl, fault.Fields{"org_id": "所属单元不存在或不在某个社区内"}
	}
	return pl, err
}

// placePerson derives a person's community, org unit and grid from the
// household (or, for a person without one, from the unit given).
func (s *Store) placePerson(ctx context.Context, q database.Querier, p *Person) error {
	if p.HouseholdID != 0 {
		err := q.QueryRowContext(ctx, `SELECT community_id, org_id, COALESCE(grid_id, 0) FROM households WHERE id = $1`,
			p.HouseholdID).Scan(&p.CommunityID, &p.OrgID, &p.GridID)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Fields{"household_id": "所属户不存在"}
		}
		return err
	}
	pl, err := placeInUnit(ctx, q, p.OrgID)
	if err != nil {
		return err
	}
	p.CommunityID, p.OrgID, p.GridID = pl.community, pl.org, pl.grid
	return nil
}

// checkUniqueDocument refuses a document number already in the register for
// another person, in any community: one person, one register entry. Persons
// without a document have no number to share.
func (s *Store) checkUniqueDocument(ctx context.Context, q database.Querier, p *Person) error {
	if p.IDNumber == "" {
		return nil
	}
	var otherID, community int64
	err := q.QueryRowContext(ctx, `SELECT id, community_id FROM persons WHERE id_number = $1 AND doc_type = $2 AND id <> $3`,
		p.IDNumber, p.DocType, p.ID).Scan(&otherID, &community)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var where string
	q.QueryRowContext(ctx, `SELECT name FROM org_units WHERE id = $1`, community).Scan(&where)
	return fault.Fields{"id_number": fmt.Sprintf("该证件号码已登记在册(%s),不能重复登记", where)}
}

func (s *Store) personSearchText(p Person) string {
	return SearchText(p.Name, p.IDNumber, p.Phone)
}

// CreatePerson validates and adds a person where scope may write, recording
// the change.
func (s *Store) CreatePerson(ctx context.Context, actor Actor, scope access.Scope, p *Person) error {
	now := s.now()
	if err := validatePerson(p, now); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.createPersonTx(ctx, tx, actor, scope, now, p)
	})
}

// createPersonTx adds a validated person on tx.
func (s *Store) createPersonTx(ctx context.Context, tx database.Querier, actor Actor, scope access.Scope, now time.Time, p *Person) error {
	if err := s.placePerson(ctx, tx, p); err != nil {
		return err
	}
	if err := checkPlaceInScope(scope, p.Place(), p.HouseholdID != 0); err != nil {
		return err
	}
	if err := checkCreate("person", scope.Fields(p.Place()), *p); err != nil {
		return err
	}
	if err := s.checkUniqueDocument(ctx, tx, p); err != nil {
		return err
	}
	if err := s.checkEmployer(ctx, tx, p); err != nil {
		return err
	}
	if p.ID == 0 {
		p.ID = database.NewID()
	}
	p.Version = 1
	p.CreatedAt = database.FormatTime(now)
	p.UpdatedAt = p.CreatedAt
	if err := insertPerson(ctx, tx, p, s.db.Search().Column(s.personSearchText(*p))); err != nil {
		return err
	}
	if err := s.db.Search().Put(ctx, tx, "persons", p.ID, s.personSearchText(*p)); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, now, p.CommunityID, "person", p.ID, "create", p.Version, nil, p)
}

func insertPerson(ctx context.Context, q database.Querier, p *Person, search string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO persons (community_id, id, household_id, org_id, grid_id, name,
		doc_type, id_number, gender, birth_date, ethnicity, relation, residence, phone, hukou_address, address,
		employer_id, occupation, moved_in_on, status, left_on, left_to, search, version, created_at, updated_at, birth_precision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`,
		p.CommunityID, p.ID, nullID(p.HouseholdID), p.OrgID, nullID(p.GridID), p.Name,
		p.DocType, p.IDNumber, p.Gender, p.BirthDate, p.Ethnicity, p.Relation, p.Residence, p.Phone,
		p.HukouAddress, p.Address, nullID(p.EmployerID), p.Occupation, p.MovedInOn, p.Status, p.LeftOn, p.LeftTo, search,
		p.Version, p.CreatedAt, p.UpdatedAt, birthPrecision(p))
	return err
}

func (s *Store) checkEmployer(ctx context.Context, q database.Querier, p *Person) error {
	if p.EmployerID == 0 {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, p.EmployerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fault.Fields{"employer_id": "工作单位不存在"}
	}
	return nil
}

// UpdatePerson saves p over the stored person if nobody changed it since
// p.Version was read; otherwise it returns a *ConflictError listing what
// changed meanwhile and saves nothing.
func (s *Store) UpdatePerson(ctx context.Context, actor Actor, scope access.Scope, p *Person) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.UpdatePersonTx(ctx, tx, actor, scope, p) })
}

// UpdatePersonTx is UpdatePerson inside the caller's transaction, for a
// change of another capability made with it (a visit's corrections): all
// are saved or none.
func (s *Store) UpdatePersonTx(ctx context.Context, tx *sql.Tx, actor Actor, scope access.Scope, p *Person) error {
	now := s.now()
	old, err := s.personTx(ctx, tx, scope, p.ID)
	if err != nil {
		return err
	}
	fields := scope.Fields(old.Place())
	if old.Version != p.Version {
		return s.conflict(ctx, fields, "person", p.ID, p.Version, old.Version)
	}
	if err := applyEdit("person", fields, old, p); err != nil {
		return err
	}
	if err := validatePerson(p, now); err != nil {
		return err
	}
	leaving := old.Status == "active" && p.Status != "active"
	if leaving {
		// A move out or a death through an edit is the same act as
		// RecordLeaving: it needs its day (and destination), and the
		// person's tags and an emptied household end with it.
		fe := fault.Fields{}
		if p.LeftOn == "" {
			fe.Add("left_on", "迁出或死亡须填写日期,请在“迁出/死亡登记”中办理")
		} else if p.LeftOn < p.EarliestBirth() || (p.MovedInOn != "" && p.LeftOn < p.MovedInOn) {
			fe.Add("left_on", "日期不能早于出生日期或迁入日期")
		} else if p.LeftOn > now.Format("2006-01-02") {
			fe.Add("left_on", "日期不能晚于今天")
		}
		if p.Status == "moved_out" && p.LeftTo == "" {
			fe.Add("left_to", "请填写迁往地")
		}
		if err := fe.Err(); err != nil {
			return err
		}
	}
	if err := s.placePerson(ctx, tx, p); err != nil {
		return err
	}
	if err := checkPlaceInScope(scope, p.Place(), p.HouseholdID != 0); err != nil {
		return err
	}
	if p.CommunityID != old.CommunityID {
		return fault.Fields{"household_id": "跨社区迁移请使用迁出、迁入办理"}
	}
	if err := s.checkUniqueDocument(ctx, tx, p); err != nil {
		return err
	}
	if err := s.checkEmployer(ctx, tx, p); err != nil {
		return err
	}
	_, err = writePersonUpdate(ctx, s.db, txSink{s.db, tx}, actor, now, &old, p, true)
	if errors.Is(err, ErrStale) {
		return s.conflict(ctx, fields, "person", p.ID, old.Version, old.Version+1)
	}
	if err != nil || !leaving {
		return err
	}
	if err := s.endTagsOf(ctx, tx, actor, now, *p, p.LeftOn); err != nil {
		return err
	}
	return s.dissolveIfEmpty(ctx, tx, actor, now, p.CommunityID, p.HouseholdID)
}

// conflict builds the error for a save based on a stale version, showing
// the changes made meanwhile as the writer may see them.
func (s *Store) conflict(ctx context.Context, f access.Fields, entity string, id int64, base, current int) error {
	since, err := s.changesSince(ctx, f, entity, id, base)
	if err != nil {
		return err
	}
	return &ConflictError{Entity: entity, ID: id, Since: since, Current: current}
}

// PersonQuery describes a search of persons.
type PersonQuery struct {
	Text      string // name, part of an ID number, phone or address; terms separated by spaces
	Residence string
	Status    string // "" means active
	Limit     int
	Offset    int
}

// SearchPersons finds persons in scope. Each space-separated term must match
// the name, ID number or phone, or the address of the person's household.
// Results come in id order without a total count, so that common names over a
// million persons still answer at once; more reports whether a next page exists.
//
// Persons matched by their own fields and persons matched through their
// household's address are fetched by two index-driven queries and merged:
// one query with an OR across both indexes would make the engines scan.
func (s *Store) SearchPersons(ctx context.Context, scope access.Scope, q PersonQuery) (persons []Person, more bool, err error) {
	defer func() { redactPersons(scope, persons) }()
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 20
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	var terms [][]string
	var likes []string
	for _, term := range strings.Fields(normalise(q.Text)) {
		tokens, short := queryTokens(term)
		if short && len(tokens) == 0 {
			return nil, false, fault.Fields{"q": "数字请至少输入4位"}
		}
		if len(tokens) == 0 {
			continue
		}
		terms = append(terms, tokens)
		likes = append(likes, "%"+strings.NewReplacer("%", "", "_", "").Replace(term)+"%")
	}
	want := q.Offset + q.Limit + 1
	base := func() ([]string, *database.Args) {
		var conds []string
		a := s.db.Args()
		status := q.Status
		if status == "" {
			status = "active"
		}
		if status != "all" {
			conds = append(conds, "p.status = "+a.Arg(status))
		}
		if q.Residence != "" {
			conds = append(conds, "p.residence = "+a.Arg(q.Residence))
		}
		return conds, a
	}
	if len(terms) == 0 {
		conds, a := base()
		query := `SELECT ` + personColumns + ` FROM persons p WHERE 1 = 1`
		for _, c := range conds {
			query += " AND " + c
		}
		query += scope.Where(a, "p")
		persons, err = s.queryPersons(ctx, s.db, query+fmt.Sprintf(" ORDER BY p.id LIMIT %d", want), a.Values()...)
	} else {
		// By the person's own name, ID number and phone: one index lookup
		// for the tokens of all terms; LIKE then drops rows whose tokens
		// matched out of order. A small scope (a grid) is read through its
		// own index instead: a common name or four digits match thousands
		// of persons in the city, of whom the search index would have to
		// skip all but a handful, while the grid holds a thousand or two.
		conds, a := base()
		var all []string
		for _, tokens := range terms {
			all = append(all, tokens...)
		}
		byScope := scope.Small()
		from, order := "persons p", "p.id"
		if !byScope {
			var match string
			from, match, order = s.db.Search().Source(a, "persons", "p", all)
			conds = append(conds, match)
		}
		for _, like := range likes {
			conds = append(conds, ownFieldsLike(like, a.Arg(like)))
		}
		where := scope.Where(a, "p")
		own, err := s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM `+from+` WHERE `+
			strings.Join(conds, " AND ")+where+fmt.Sprintf(" ORDER BY %s LIMIT %d", order, want), a.Values()...)
		if err != nil {
			return nil, false, err
		}
		// By the household's address, when a term looks like one: names are
		// the commonest query, and matching them against every household
		// (whose tokens include the head's name) then failing LIKE on the
		// address costs more than the whole search should.
		persons = own
		if looksLikeAddress(likes) {
			conds, a = base()
			var hconds []string
			for i, tokens := range terms {
				hconds = append(hconds, "h.address LIKE "+a.Arg(likes[i]))
				if !byScope {
					hconds = append(hconds, s.db.Search().Match(a, "households", "h", tokens))
				}
			}
			if byScope {
				hconds = append(hconds, "1 = 1"+scope.Where(a, "h"))
			}
			// Driven from the households the address matches: written as
			// "p.household_id IN (…) ORDER BY p.id" SQLite walks all persons in
			// id order instead (350 ms over a million), so this branch takes its
			// rows in index order and sorts them here.
			conds = append(conds, hconds...)
			where = ""
			if !byScope {
				// (With byScope the households are already limited to the
				// scope, and so are their members, who live where their
				// household does; a second limit on the persons would
				// have the engine start from the grid's persons.)
				where = scope.Where(a, "p")
			}
			byAddress, err := s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM households h
			JOIN persons p ON p.community_id = h.community_id AND p.household_id = h.id
			WHERE `+strings.Join(conds, " AND ")+where+fmt.Sprintf(" LIMIT %d", want), a.Values()...)
			if err != nil {
				return nil, false, err
			}
			sort.Slice(byAddress, func(i, j int) bool { return byAddress[i].ID < byAddress[j].ID })
			persons = mergeByID(own, byAddress)
		}
	}
	if err != nil {
		return nil, false, err
	}
	if q.Offset >= len(persons) {
		return nil, false, nil
	}
	persons = persons[q.Offset:]
	if len(persons) > q.Limit {
		persons, more = persons[:q.Limit], true
	}
	return persons, more, nil
}

// ownFieldsLike is the condition that a person's name, ID number or phone
// contains the term (the LIKE pattern in placeholder ph). Numbers hold only
// digits (and the X of an ID), names none: a term of one kind is compared
// with the fields that can hold it, which saves a grid's scan two thirds of
// its comparisons.
func ownFieldsLike(like string, ph string) string {
	term := strings.Trim(like, "%")
	digits := strings.Trim(strings.ToUpper(term), "0123456789X") == ""
	hasDigit := strings.ContainsAny(term, "0123456789")
	switch {
	case digits && !strings.ContainsAny(term, "xX"):
		return "(p.id_number LIKE " + ph + " OR p.phone LIKE " + ph + ")"
	case digits:
		return "(UPPER(p.id_number) LIKE UPPER(" + ph + ") OR p.phone LIKE " + ph + ")"
	case !hasDigit:
		// A name may be foreign (John), but an ID or phone number has no
		// letter but X: letters alone are a name.
		return "p.name LIKE " + ph
	}
	return "(p.name LIKE " + ph + " OR UPPER(p.id_number) LIKE UPPER(" + ph + ") OR p.phone LIKE " + ph + ")"
}

// addressRunes are characters found in addresses and almost never in names.
const addressRunes = "号楼路街区巷村院单元室栋层苑园里弄道组"

// looksLikeAddress tells whether a query may be an address: a term with an
// address character, or digits mixed with other characters (3-2-501). A term
// of digits alone (with an ID's X) is part of an ID or phone number.
func looksLikeAddress(terms []string) bool {
	for _, t := range terms {
		t = strings.Trim(t, "%")
		// The X that ends an ID number is a digit here.
		digits := strings.Trim(t, "0123456789xX") == ""
		if strings.ContainsAny(t, addressRunes) || (!digits && strings.ContainsAny(t, "0123456789")) {
			return true
		}
	}
	return false
}

// mergeByID merges two id-ordered lists, dropping duplicates.
func mergeByID(a, b []Person) []Person {
	out := make([]Person, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i].ID < b[j].ID):
			out = append(out, a[i])
			i++
		case i >= len(a) || b[j].ID < a[i].ID:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkPlaceInScope refuses to put a row where the writer has no say.
func checkPlaceInScope(scope access.Scope, p access.Place, byHousehold bool) error {
	if scope.Contains(p) {
		return nil
	}
	if byHousehold {
		return fault.Fields{"household_id": "所属户不在您的管辖范围内"}
	}
	return fault.Fields{"org_id": "所属单元不在您的管辖范围内"}
}
