package certificates

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/verifycode"
	"shequ/internal/workdays"
)

// Objection states.
const (
	ObjectionOpen      = "open"
	ObjectionUpheld    = "upheld"
	ObjectionDismissed = "dismissed"
)

// ObjectionNames are the objections' states in words.
var ObjectionNames = map[string]string{ObjectionOpen: "待处理", ObjectionUpheld: "异议成立", ObjectionDismissed: "异议不成立"}

// Objection is an 异议 raised against a certificate in notice.
type Objection struct {
	ID        int64  `json:"id"`
	Text      string `json:"text"`
	Contact   string `json:"contact,omitempty"`
	RaisedAt  string `json:"raised_at"`
	Status    string `json:"status"`
	Answer    string `json:"answer,omitempty"`
	HandledBy string `json:"handled_by,omitempty"`
	HandledAt string `json:"handled_at,omitempty"`
}

// Notice is a certificate in notice as the public page shows it: the
// holder's name masked, nothing that identifies them further.
type Notice struct {
	ID          int64  `json:"id"`
	Community   string `json:"community"`
	Holder      string `json:"holder"` // 张**
	Number      string `json:"volunteer_number_tail"`
	From        string `json:"from"`
	To          string `json:"to"`
	Hours       string `json:"hours"`
	Content     string `json:"content"`
	PublishedOn string `json:"published_on"`
	NoticeUntil string `json:"notice_until"`
}

// Notices lists the certificates in notice today, of one community (0:
// every community), those ending soonest first.
func (s *Service) Notices(ctx context.Context, community int64) ([]Notice, error) {
	q := s.db.Args(StatusNotice, s.today())
	where := ""
	if community != 0 {
		where = ` AND c.community_id = ` + q.Arg(community)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, COALESCE(u.name, ''), c.holder, c.volunteer_number, c.period_from,
		c.period_to, c.minutes, c.content, c.published_on, c.notice_until
		FROM volunteer_certificates c LEFT JOIN org_units u ON u.id = c.community_id
		WHERE c.status = $1 AND c.notice_until >= $2`+where+` ORDER BY c.notice_until, c.id LIMIT 500`, q.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var minutes int
		if err := rows.Scan(&n.ID, &n.Community, &n.Holder, &n.Number, &n.From, &n.To, &minutes, &n.Content,
			&n.PublishedOn, &n.NoticeUntil); err != nil {
			return nil, err
		}
		n.Holder, n.Hours = verifycode.MaskName(n.Holder), Hours(minutes)
		n.Number = tail(n.Number, 4)
		out = append(out, n)
	}
	return out, rows.Err()
}

// tail keeps the last n characters of a number: enough for a neighbour to
// tell two 张* apart, too little to find anyone.
func tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n:])
}

// ObjectionForm is an objection as typed on the public page.
type ObjectionForm struct {
	Text    string
	Contact string
}

// maxObjections bounds the objections one certificate takes from the
// public page, so that a script cannot fill the table.
const maxObjections = 50

// Object records an objection (异议) to a certificate in notice: anyone
// may raise one until the notice ends. The certificate cannot be issued
// while it is open.
func (s *Service) Object(ctx context.Context, id int64, f ObjectionForm) error {
	fe := fault.Fields{}
	f.Text, f.Contact = strings.TrimSpace(f.Text), strings.TrimSpace(f.Contact)
	switch n := utf8.RuneCountInString(f.Text); {
	case n == 0:
		fe["text"] = "请写明异议的内容和理由"
	case n < 5:
		fe["text"] = "请写明异议的理由(至少5个字)"
	case n > 500:
		fe["text"] = "异议请不超过500字"
	}
	if utf8.RuneCountInString(f.Contact) > 50 {
		fe["contact"] = "联系方式请不超过50字"
	}
	if len(fe) > 0 {
		return fe
	}
	c, err := s.Get(ctx, access.Everything, id)
	if err != nil {
		return err
	}
	if c.Status != StatusNotice || s.today() > c.NoticeUntil {
		return fault.New(fault.Refused, "该证明不在公示期内,不再受理异议")
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_certificate_objections WHERE community_id = $1
			AND certificate_id = $2`, c.CommunityID, c.ID).Scan(&n); err != nil {
			return err
		}
		if n >= maxObjections {
			return fault.New(fault.TooMany, "该公示收到的异议已较多,请直接联系社区居委会")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_certificate_objections (community_id, id, certificate_id,
			text, contact, raised_at) VALUES ($1, $2, $3, $4, $5, $6)`, c.CommunityID, database.NewID(), c.ID, f.Text,
			f.Contact, database.FormatTime(s.now())); err != nil {
			return err
		}
		return s.step(ctx, tx, &c, "objected", "", "公众")
	})
}

func (s *Service) objections(ctx context.Context, community, certificate int64) ([]Objection, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, text, contact, raised_at, status, answer, handled_by, handled_at
		FROM volunteer_certificate_objections WHERE community_id = $1 AND certificate_id = $2 ORDER BY raised_at, id`,
		community, certificate)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		if err := rows.Scan(&o.ID, &o.Text, &o.Contact, &o.RaisedAt, &o.Status, &o.Answer, &o.HandledBy, &o.HandledAt); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Decide handles an open objection: upheld, the certificate is refused
// (its request void); dismissed, it no longer stands in the way. answer
// says why, for the record.
func (s *Service) Decide(ctx context.Context, v *access.Viewer, id int64, version int, objection int64, uphold bool,
	answer string) (*Certificate, error) {
	answer = strings.TrimSpace(answer)
	switch {
	case answer == "":
		return nil, fault.Fields{"answer": "请填写处理意见"}
	case utf8.RuneCountInString(answer) > 200:
		return nil, fault.Fields{"answer": "处理意见请不超过200字"}
	}
	return s.change(ctx, v, id, version, []string{StatusRequested, StatusNotice}, "异议已无需处理",
		func(tx *sql.Tx, c *Certificate) error {
			status, action := ObjectionDismissed, "dismissed"
			if uphold {
				status, action = ObjectionUpheld, "upheld"
			}
			res, err := tx.ExecContext(ctx, `UPDATE volunteer_certificate_objections SET status = $1, answer = $2,
				handled_by = $3, handled_at = $4 WHERE community_id = $5 AND certificate_id = $6 AND id = $7 AND status = 'open'`,
				status, answer, v.Name, database.FormatTime(s.now()), c.CommunityID, c.ID, objection)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fault.New(fault.Illegal, "这条异议不存在或已处理")
			}
			if err := s.step(ctx, tx, c, action, answer, v.Name); err != nil {
				return err
			}
			if uphold {
				return s.close(ctx, tx, c, StatusRefused, "异议成立:"+answer, "refused", v.Name)
			}
			return nil
		})
}

// Verification is what the public verify page shows of a certificate:
// whether it stands, its number, the holder's masked name, the hours and
// period, the issuer and the date — nothing the paper does not show.
type Verification struct {
	Valid     bool   `json:"valid"`
	Status    string `json:"status"`
	Number    string `json:"number"`
	Holder    string `json:"holder"`
	Hours     string `json:"hours"`
	From      string `json:"from"`
	To        string `json:"to"`
	Organ     string `json:"organ"`
	IssuedOn  string `json:"issued_on"`
	RevokedOn string `json:"revoked_on,omitempty"`
}

// ErrBadCode answers a code that is malformed, fails its check characters
// or names no certificate.
var ErrBadCode = fault.New(fault.NotFound, "验证码无效:没有这份志愿服务记录证明,请核对证明上的验证码")

// Verify checks a verification code as typed.
func (s *Service) Verify(ctx context.Context, code string) (Verification, error) {
	code = verifycode.Normalise(code)
	key, err := s.codeKey.Get(ctx)
	if err != nil {
		return Verification{}, err
	}
	if !verifycode.Check(key, code) {
		return Verification{}, ErrBadCode
	}
	var v Verification
	var minutes int
	var closedAt string
	err = s.db.QueryRowContext(ctx, `SELECT status, number, holder, minutes, period_from, period_to, organ, issued_on, closed_at
		FROM volunteer_certificates WHERE verify_code = $1`, code).Scan(&v.Status, &v.Number, &v.Holder, &minutes, &v.From,
		&v.To, &v.Organ, &v.IssuedOn, &closedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Verification{}, ErrBadCode
	} else if err != nil {
		return Verification{}, err
	}
	v.Valid = v.Status == StatusIssued
	v.Holder, v.Hours = verifycode.MaskName(v.Holder), Hours(minutes)
	if v.Status == StatusRevoked && closedAt != "" {
		v.RevokedOn = database.ParseTime(closedAt).In(workdays.Shanghai).Format("2006-01-02")
	}
	return v, nil
}

// VerifyURL is the public verify page of a code, as the QR encodes it.
func (s *Service) VerifyURL(code string) string {
	return fmt.Sprintf("%s/volunteer-certificates/verify?code=%s", s.publicURL, verifycode.Format(code))
}
