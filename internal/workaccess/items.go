package workaccess

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Permissions of the catalogue; reading it needs only a login, since every
// community is to know what may and may not be asked of it.
const (
	PermApply  = "workaccess.apply"  // a department applies for new work
	PermManage = "workaccess.manage" // the review group: edit the catalogue, decide requests
)

// Item statuses.
const (
	Admitted = "admitted"
	Revoked  = "revoked"
)

// Item is one entry of the catalogue.
type Item struct {
	ID int64 `json:"id"`
	Terms
	Status       string `json:"status"`
	RevokeReason string `json:"revoke_reason,omitempty"`
	RevokedOn    string `json:"revoked_on,omitempty"`
	Sample       bool   `json:"sample"`
	RequestID    int64  `json:"request_id,omitempty"`
	Version      int    `json:"version"`
	UpdatedAt    string `json:"-"`
	UpdatedBy    string `json:"-"`
}

// ErrNotFound answers an item or request that does not exist.
var ErrNotFound = fault.New(fault.NotFound, "没有这个事项")

// Service keeps the catalogue and the requests.
type Service struct {
	db       *database.DB
	now      func() time.Time
	org      *orgtree.Store  // the communities of an area and their staff
	register *register.Store // their households
	reports  ReportLoad      // nil: no report indicators are counted
	counted  []counter       // the capabilities whose records are items' work done (visits, volunteers)
	years    yearCache       // boards' years of sums while the ledger is unchanged
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now, org: orgtree.NewStore(db), register: register.NewStore(db)}
}

// Filter narrows the catalogue; empty fields do not.
type Filter struct{ Kind, Department, Status string }

const itemColumns = `i.id, i.kind, i.department, COALESCE(d.name, i.department), i.title, i.legal_basis, i.content,
	i.frequency, i.staff_minutes, i.funding_rule, i.funding_fen, i.authority, i.valid_from, i.valid_to, i.status,
	i.revoke_reason, i.revoked_on, i.sample, COALESCE(i.request_id, 0), i.version, i.updated_at, i.updated_by, i.system
	FROM work_items i LEFT JOIN departments d ON d.code = i.department`

func scanItem(row interface{ Scan(...any) error }) (*Item, error) {
	var it Item
	var sample int
	err := row.Scan(&it.ID, &it.Kind, &it.Department, &it.DepartmentName, &it.Title, &it.LegalBasis, &it.Content,
		&it.Frequency, &it.StaffMinutes, &it.FundingRule, &it.FundingFen, &it.Authority, &it.ValidFrom, &it.ValidTo,
		&it.Status, &it.RevokeReason, &it.RevokedOn, &sample, &it.RequestID, &it.Version, &it.UpdatedAt, &it.UpdatedBy, &it.System)
	it.Sample = sample != 0
	return &it, err
}

// Items lists the catalogue by kind, department and title.
func (s *Service) Items(ctx context.Context, f Filter) ([]*Item, error) {
	a := s.db.Args()
	var where []string
	if f.Kind != "" {
		where = append(where, "i.kind = "+a.Arg(f.Kind))
	}
	if f.Department != "" {
		where = append(where, "i.department = "+a.Arg(f.Department))
	}
	if f.Status != "" {
		where = append(where, "i.status = "+a.Arg(f.Status))
	}
	q := `SELECT ` + itemColumns
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY CASE i.kind WHEN 'duty' THEN 1 WHEN 'assistance' THEN 2 ELSE 3 END, COALESCE(d.sort, 0), i.id`
	rows, err := s.db.QueryContext(ctx, q, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Item reads one item.
func (s *Service) Item(ctx context.Context, id int64) (*Item, error) {
	it, err := scanItem(s.db.QueryRowContext(ctx, `SELECT `+itemColumns+` WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return it, err
}

// Departments are the functional departments by code.
func (s *Service) Departments(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM departments`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// errStale answers a save made on a version someone else changed meanwhile.
var errStale = fault.New(fault.Conflict, "该事项在您打开后已被他人修改,请刷新后重新编辑")

// SaveItem adds an item (id 0) or changes one at version. The review group
// edits the catalogue directly; a department's new work goes through a
// request (Submit).
func (s *Service) SaveItem(ctx context.Context, by string, id int64, version int, d Draft) (*Item, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	fe := fault.Fields{}
	t := d.terms(depts, fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now := database.FormatTime(s.now())
	if id == 0 {
		id = database.NewID()
		_, err := s.db.ExecContext(ctx, `INSERT INTO work_items (id, kind, department, title, legal_basis, content,
			frequency, staff_minutes, funding_rule, funding_fen, authority, valid_from, valid_to, updated_at, updated_by, system)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			id, t.Kind, t.Department, t.Title, t.LegalBasis, t.Content, t.Frequency, t.StaffMinutes, t.FundingRule,
			t.FundingFen, t.Authority, t.ValidFrom, t.ValidTo, now, by, t.System)
		if err != nil {
			return nil, err
		}
		return s.Item(ctx, id)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE work_items SET kind = $1, department = $2, title = $3, legal_basis = $4,
		content = $5, frequency = $6, staff_minutes = $7, funding_rule = $8, funding_fen = $9, authority = $10,
		valid_from = $11, valid_to = $12, updated_at = $13, updated_by = $14, system = $15, version = version + 1
		WHERE id = $16 AND version = $17`,
		t.Kind, t.Department, t.Title, t.LegalBasis, t.Content, t.Frequency, t.StaffMinutes, t.FundingRule,
		t.FundingFen, t.Authority, t.ValidFrom, t.ValidTo, now, by, t.System, id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Item(ctx, id); err != nil {
			return nil, err
		}
		return nil, errStale
	}
	return s.Item(ctx, id)
}

// Revoke takes an admitted item out of force from today, with a reason
// every community can read.
func (s *Service) Revoke(ctx context.Context, by string, id int64, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fault.Fields{"reason": "请填写撤销理由"}
	}
	it, err := s.Item(ctx, id)
	if err != nil {
		return err
	}
	if it.Status == Revoked {
		return fault.New(fault.Illegal, "该事项已撤销")
	}
	now := s.now()
	res, err := s.db.ExecContext(ctx, `UPDATE work_items SET status = 'revoked', revoke_reason = $1, revoked_on = $2,
		updated_at = $3, updated_by = $4, version = version + 1 WHERE id = $5 AND version = $6 AND status = 'admitted'`,
		reason, dateOf(now), database.FormatTime(now), by, id, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errStale
	}
	return nil
}
