package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"shequ/internal/access"
	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/verifycode"
)

// Template is a certificate template (证明模板). Body is a text/template
// over CertificateData.
type Template struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Prefix        string `json:"prefix"`
	Body          string `json:"body"`
	NeedsRelative bool   `json:"needs_relative"`
	Active        bool   `json:"active"`
	Version       int    `json:"version"`
}

// CertificateData is what a template's body may use, filled from the
// register: {{.Name}}, {{.Gender}}, {{.IDNumber}}, {{.BirthDate}},
// {{.Address}}, {{.Since}}, {{.Residence}}, {{.HouseholdNumber}},
// {{.Purpose}}, {{.Community}}, and for templates that need a relative
// {{.Relative.Name}}, {{.Relative.IDNumber}}, {{.Kinship}} (the relation
// certified: 夫妻, 父女, 兄妹 …) and {{.Relation}} (how each stands to the
// household head).
type CertificateData struct {
	Name, Gender, IDNumber, BirthDate, Address, Since, Residence string
	HouseholdNumber, Purpose, Community                          string
	Relative                                                     struct{ Name, IDNumber string }
	Kinship, Relation                                            string
}

// Certificate is an issued certificate (证明).
type Certificate struct {
	CommunityID   int64  `json:"community_id"`
	ID            int64  `json:"id"`
	GridID        int64  `json:"grid_id,omitempty"`
	OrgID         int64  `json:"org_id"`
	Number        string `json:"number"`
	Template      string `json:"template"`
	Title         string `json:"title"`
	PersonID      int64  `json:"person_id"`
	Holder        string `json:"holder"`
	RelativeID    int64  `json:"relative_id,omitempty"`
	Purpose       string `json:"purpose"`
	Body          string `json:"body"`
	Organ         string `json:"organ"`
	VerifyCode    string `json:"verify_code"`
	ApplicationID int64  `json:"application_id,omitempty"`
	Status        string `json:"status"`
	RevokedAt     string `json:"revoked_at,omitempty"`
	RevokeReason  string `json:"revoke_reason,omitempty"`
	IssuedAt      string `json:"issued_at"`
	IssuedBy      string `json:"issued_by"`
	Version       int    `json:"version"`
}

// Place is where the certificate lies (its holder's place).
func (c Certificate) Place() access.Place {
	return access.Place{Community: c.CommunityID, Grid: c.GridID, Org: c.OrgID}
}

// IssuedOn is the date of issue (China Standard Time).
func (c Certificate) IssuedOn() string { return dateOf(database.ParseTime(c.IssuedAt)) }

// Certificate states.
const (
	CertValid   = "valid"
	CertRevoked = "revoked"
)

// Templates lists the certificate templates.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, prefix, body, needs_relative, active, version
		FROM certificate_templates ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		var rel, active int
		if err := rows.Scan(&t.Code, &t.Name, &t.Prefix, &t.Body, &rel, &active, &t.Version); err != nil {
			return nil, err
		}
		t.NeedsRelative, t.Active = rel != 0, active != 0
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Service) template(ctx context.Context, code string) (Template, error) {
	ts, err := s.Templates(ctx)
	if err != nil {
		return Template{}, err
	}
	for _, t := range ts {
		if t.Code == code && t.Active {
			return t, nil
		}
	}
	return Template{}, ErrNotFound
}

// IssueRequest asks for a certificate.
type IssueRequest struct {
	Template      string
	PersonID      int64
	RelativeID    int64 // for templates that need one (亲属关系证明): a member of the same household
	Purpose       string
	ApplicationID int64 // the application it finishes, if any
}

const certColumns = `community_id, id, COALESCE(grid_id, 0), org_id, number, template, title, person_id, holder,
	COALESCE(relative_id, 0), purpose, body, organ, verify_code, COALESCE(application_id, 0), status, revoked_at,
	revoke_reason, issued_at, issued_by, version`

func scanCertificate(row interface{ Scan(...any) error }) (Certificate, error) {
	var c Certificate
	err := row.Scan(&c.CommunityID, &c.ID, &c.GridID, &c.OrgID, &c.Number, &c.Template, &c.Title, &c.PersonID,
		&c.Holder, &c.RelativeID, &c.Purpose, &c.Body, &c.Organ, &c.VerifyCode, &c.ApplicationID, &c.Status,
		&c.RevokedAt, &c.RevokeReason, &c.IssuedAt, &c.IssuedBy, &c.Version)
	return c, err
}

// Certificate returns one certificate if it lies in scope.
func (s *Service) Certificate(ctx context.Context, scope access.Scope, id int64) (Certificate, error) {
	where, args := scope.And("c", 2)
	c, err := scanCertificate(s.db.QueryRowContext(ctx, `SELECT `+certColumns+` FROM certificates c WHERE c.id = $1`+where,
		append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Certificates lists certificates in scope, newest first; person limits
// them to one holder (0: all).
func (s *Service) Certificates(ctx context.Context, scope access.Scope, person int64, limit int) ([]Certificate, error) {
	q := `SELECT ` + certColumns + ` FROM certificates c WHERE 1 = 1`
	var args []any
	if person != 0 {
		q += ` AND c.person_id = $1`
		args = append(args, person)
	}
	where, sargs := scope.And("c", len(args)+1)
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, q+where+fmt.Sprintf(` ORDER BY c.issued_at DESC, c.id DESC LIMIT %d`, limit),
		append(args, sargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertificatePlace is the resolver of the "certificate" object kind.
func (s *Service) CertificatePlace(ctx context.Context, id int64) (access.Place, error) {
	var p access.Place
	err := s.db.QueryRowContext(ctx, `SELECT community_id, COALESCE(grid_id, 0), org_id FROM certificates WHERE id = $1`,
		id).Scan(&p.Community, &p.Grid, &p.Org)
	if errors.Is(err, sql.ErrNoRows) {
		return p, access.ErrNoObject
	}
	return p, err
}

// Issue fills a template from the register and records the certificate
// with its number (per community and year) and verification code.
func (s *Service) Issue(ctx context.Context, v *access.Viewer, req IssueRequest) (*Certificate, error) {
	fe := fault.Fields{}
	t, err := s.template(ctx, req.Template)
	if errors.Is(err, ErrNotFound) {
		fe["template"] = "请选择证明类型"
	} else if err != nil {
		return nil, err
	}
	req.Purpose = strings.TrimSpace(req.Purpose)
	if req.Purpose == "" {
		fe["purpose"] = "请填写证明用途(如:办理入学、申领补贴)"
	} else if len([]rune(req.Purpose)) > 60 {
		fe["purpose"] = "用途请不超过60字"
	}
	if req.PersonID == 0 {
		fe["person"] = "请先查找证明对象"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	p, err := s.reg.Person(ctx, access.Everything, req.PersonID)
	if errors.Is(err, register.ErrNotFound) {
		return nil, fault.Fields{"person": "证明对象不在基础信息库中"}
	} else if err != nil {
		return nil, err
	}
	place := access.Place{Community: p.CommunityID, Grid: p.GridID, Org: p.OrgID}
	if !v.Scope(PermCertify).Contains(place) {
		return nil, fault.Fields{"person": "证明对象不在您所服务的社区,不能出具证明"}
	}
	if p.Status != "active" {
		return nil, fault.Fields{"person": "证明对象在基础信息库中的状态为" + register.PersonStatusNames[p.Status] + ",不能出具证明"}
	}
	data, err := s.certificateData(ctx, t, p, req)
	if err != nil {
		return nil, err
	}
	tpl, err := template.New(t.Code).Option("missingkey=error").Parse(t.Body)
	if err != nil {
		return nil, fmt.Errorf("证明模板 %s 有误: %w", t.Code, err)
	}
	var body strings.Builder
	if err := tpl.Execute(&body, data); err != nil {
		return nil, fmt.Errorf("证明模板 %s 无法填写: %w", t.Code, err)
	}
	community, err := orgtree.NewStore(s.db).Get(ctx, p.CommunityID)
	if err != nil {
		return nil, err
	}
	key, err := s.codeKey.Get(ctx)
	if err != nil {
		return nil, err
	}
	code, err := verifycode.New(key)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := &Certificate{CommunityID: p.CommunityID, ID: database.NewID(), GridID: p.GridID, OrgID: p.OrgID,
		Template: t.Code, Title: t.Name, PersonID: p.ID, Holder: p.Name, RelativeID: req.RelativeID,
		Purpose: req.Purpose, Body: body.String(), Organ: community.Name + "居民委员会", VerifyCode: code,
		ApplicationID: req.ApplicationID, Status: CertValid, IssuedAt: database.FormatTime(now), IssuedBy: v.Name, Version: 1}
	year := now.In(cst).Year()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var seq int
		if err := tx.QueryRowContext(ctx, `INSERT INTO certificate_counters (community_id, year, last) VALUES ($1, $2, 1)
			ON CONFLICT (community_id, year) DO UPDATE SET last = certificate_counters.last + 1 RETURNING last`,
			c.CommunityID, year).Scan(&seq); err != nil {
			return err
		}
		c.Number = fmt.Sprintf("%s%s〔%d〕%04d号", strings.TrimSuffix(community.Name, "社区"), t.Prefix, year, seq)
		if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (community_id, id, grid_id, org_id, number, template,
			title, person_id, holder, relative_id, purpose, body, organ, verify_code, application_id, status, issued_at,
			issued_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1)`,
			c.CommunityID, c.ID, nullID(c.GridID), c.OrgID, c.Number, c.Template, c.Title, c.PersonID, c.Holder,
			nullID(c.RelativeID), c.Purpose, c.Body, c.Organ, c.VerifyCode, nullID(c.ApplicationID), c.Status,
			c.IssuedAt, c.IssuedBy); err != nil {
			return err
		}
		if c.ApplicationID == 0 {
			return nil
		}
		a, err := s.applicationTx(ctx, tx, access.Everything, c.ApplicationID)
		if err != nil || a.PersonID != c.PersonID {
			return fault.Fields{"application": "关联的办件不存在或不是该居民的"}
		}
		if a.Status != StatusApproved {
			return fault.Fields{"application": "办件办结(审核通过)后才能出具证明"}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_applications SET certificate_id = $1 WHERE community_id = $2 AND id = $3`,
			c.ID, a.CommunityID, a.ID); err != nil {
			return err
		}
		a.Certificate = c.ID
		return s.record(ctx, tx, v, &a, step{Action: ActCertify, Note: c.Number})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) certificateData(ctx context.Context, t Template, p register.Person, req IssueRequest) (CertificateData, error) {
	d := CertificateData{Name: p.Name, Gender: register.GenderNames[p.Gender], IDNumber: p.IDNumber,
		BirthDate: p.Birth(), Address: p.Address, Residence: register.ResidenceNames[p.Residence], Purpose: req.Purpose}
	d.Since = p.MovedInOn
	if d.Since == "" && len(p.CreatedAt) >= 10 {
		d.Since = p.CreatedAt[:10]
	}
	if d.Since != "" {
		d.Since = chineseDate(d.Since)
	}
	var hh register.Household
	if p.HouseholdID != 0 {
		h, err := s.reg.Household(ctx, access.Everything, p.HouseholdID)
		if err != nil && !errors.Is(err, register.ErrNotFound) {
			return d, err
		}
		hh = h
		d.HouseholdNumber = h.Number
		if d.Address == "" {
			d.Address = h.Address
		}
		if d.Address == "" && h.HouseID != 0 {
			// The house's address (building and number) is the household's.
			house, err := s.reg.House(ctx, access.Everything, h.HouseID)
			if err != nil && !errors.Is(err, register.ErrNotFound) {
				return d, err
			}
			d.Address = house.Address
		}
	}
	if d.Address == "" {
		return d, fault.Fields{"person": "基础信息库中没有该居民的住址,请先补充后再出具证明"}
	}
	if !t.NeedsRelative {
		return d, nil
	}
	if req.RelativeID == 0 || req.RelativeID == p.ID {
		return d, fault.Fields{"relative": "请选择同户的另一位家庭成员"}
	}
	r, err := s.reg.Person(ctx, access.Everything, req.RelativeID)
	if err != nil || r.CommunityID != p.CommunityID || r.HouseholdID == 0 || r.HouseholdID != p.HouseholdID {
		return d, fault.Fields{"relative": "亲属关系只能依据同一户的登记出具,所选人员不在该户"}
	}
	d.Relative.Name, d.Relative.IDNumber = r.Name, r.IDNumber
	var head register.Person
	if hh.HeadID != 0 && hh.HeadID != p.ID && hh.HeadID != r.ID {
		head, err = s.reg.Person(ctx, access.Everything, hh.HeadID)
		if err != nil && !errors.Is(err, register.ErrNotFound) {
			return d, err
		}
	}
	d.Kinship, d.Relation, err = relationOf(p, r, hh, head)
	return d, err
}

// relationText states how two members of one household are related, from
// their relations to the head (GB/T 4761).
func relationText(p, r register.Person, h register.Household) string {
	name := func(code string) string {
		if n, ok := codes.RelationName(code); ok {
			return n
		}
		return "家庭成员"
	}
	switch {
	case p.ID == h.HeadID || codes.IsHead(p.Relation):
		return fmt.Sprintf("%s是户主%s的%s", r.Name, p.Name, name(r.Relation))
	case r.ID == h.HeadID || codes.IsHead(r.Relation):
		return fmt.Sprintf("%s是户主%s的%s", p.Name, r.Name, name(p.Relation))
	}
	return fmt.Sprintf("二人同户,%s是户主的%s,%s是户主的%s", p.Name, name(p.Relation), r.Name, name(r.Relation))
}

func chineseDate(d string) string {
	if len(d) != 10 {
		return d
	}
	return fmt.Sprintf("%s年%s月%s日", d[:4], strings.TrimPrefix(d[5:7], "0"), strings.TrimPrefix(d[8:10], "0"))
}

// Revoke withdraws a certificate (作废) with a reason; the verify page then
// says so.
func (s *Service) Revoke(ctx context.Context, v *access.Viewer, id int64, version int, reason string) (*Certificate, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, fault.Fields{"reason": "请填写作废原因"}
	}
	if len([]rune(reason)) > 200 {
		return nil, fault.Fields{"reason": "作废原因请不超过200字"}
	}
	c, err := s.Certificate(ctx, v.Scope(PermCertify), id)
	if err != nil {
		return nil, err
	}
	if c.Status == CertRevoked {
		return nil, &StateError{"该证明已作废"}
	}
	if c.Version != version {
		return nil, &ConflictError{What: "证明", By: c.IssuedBy, At: c.IssuedAt}
	}
	now := database.FormatTime(s.now())
	res, err := s.db.ExecContext(ctx, `UPDATE certificates SET status = $1, revoked_at = $2, revoke_reason = $3,
		version = version + 1 WHERE community_id = $4 AND id = $5 AND version = $6`,
		CertRevoked, now, reason, c.CommunityID, c.ID, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, &ConflictError{What: "证明", By: "他人", At: now}
	}
	c.Status, c.RevokedAt, c.RevokeReason = CertRevoked, now, reason
	c.Version++
	return &c, nil
}

// Verification is what the public verify page shows: whether the
// certificate is valid, what it is, who issued it when — and of the holder
// only the masked name, which the paper in hand shows anyway.
type Verification struct {
	Valid     bool   `json:"valid"`
	Status    string `json:"status"`
	Title     string `json:"title"`
	Number    string `json:"number"`
	Organ     string `json:"organ"`
	IssuedOn  string `json:"issued_on"`
	Holder    string `json:"holder"` // masked: 张*
	RevokedOn string `json:"revoked_on,omitempty"`
}

// ErrBadCode is the answer to a verification code that is malformed or
// whose check characters do not match (a typo or a tampered code).
var ErrBadCode = fault.New(fault.NotFound, "验证码无效:请核对证明上的验证码(可能输入有误或证明被篡改)")

// Verify checks a verification code. A code whose check part does not
// match is refused before the database is asked.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code = NormaliseVerifyCode(code)
	key, err := s.codeKey.Get(ctx)
	if err != nil {
		return Verification{}, err
	}
	if !verifycode.Check(key, code) {
		return Verification{}, ErrBadCode
	}
	var c Certificate
	err = s.db.QueryRowContext(ctx, `SELECT title, number, organ, issued_at, holder, status, revoked_at
		FROM certificates WHERE verify_code = $1`, code).Scan(&c.Title, &c.Number, &c.Organ, &c.IssuedAt, &c.Holder,
		&c.Status, &c.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Verification{}, ErrBadCode
	} else if err != nil {
		return Verification{}, err
	}
	out := Verification{Valid: c.Status == CertValid, Status: c.Status, Title: c.Title, Number: c.Number,
		Organ: c.Organ, IssuedOn: c.IssuedOn(), Holder: verifycode.MaskName(c.Holder)}
	if c.RevokedAt != "" {
		out.RevokedOn = dateOf(database.ParseTime(c.RevokedAt))
	}
	return out, nil
}

// Verification codes are made and checked by internal/verifycode, which
// the volunteers' certificates share.

// NormaliseVerifyCode strips dashes and spaces and upper-cases a code as
// typed.
func NormaliseVerifyCode(code string) string { return verifycode.Normalise(code) }

// FormatVerifyCode shows a code in groups of four.
func FormatVerifyCode(code string) string { return verifycode.Format(code) }
