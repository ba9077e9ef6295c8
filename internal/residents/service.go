// Package residents lets a resident prove who they are against the
// register (居民身份核验) and keeps the session that follows: the base of
// 议事协商 and surveys, which ask "which register person is this, of which
// household, house, building and community, adult, owner?".
//
// A resident gives the community, their name, the last six characters of
// their ID number and their phone. Six, not four: with the name they make
// a million guesses per person instead of ten thousand, and a phone must
// match as well. If a person of that community matches, a six-digit code
// goes to that phone through the SMS outbox; whether one matched or not,
// the answer is the same ("如信息与登记一致,验证码已发送") and the code form
// follows, so nobody can probe the register for who lives where. A code
// lives 10 minutes and takes 5 tries; requests are limited per client
// address and per phone. The right code opens a 30-day session whose
// token the phone keeps in a cookie and the database keeps hashed.
package residents

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/notify"
	"shequ/internal/register"
	"shequ/internal/services"
	"shequ/internal/workdays"
)

// Rules of verification.
const (
	IDTailLen   = 6
	CodeTTL     = 10 * time.Minute
	MaxTries    = 5
	SessionDays = 30
)

// Sent is the one answer to every well-formed request, matched or not.
const Sent = "如信息与登记一致,验证码已发送至登记的手机,10分钟内有效。"

// Refusals a resident sees.
var (
	// ErrLimited refuses a request over the limits.
	ErrLimited = fault.New(fault.TooMany, "尝试次数过多,请30分钟后再试,或到社区居委会核验身份。")
	// ErrExpired answers a ticket used up, expired or unknown.
	ErrExpired = fault.New(fault.Refused, "验证码已失效,请重新获取。")
	// ErrNoSession answers a cookie that signs nobody in.
	ErrNoSession = fault.New(fault.Unauthorized, "请先核验居民身份。")
)

// Service verifies residents and keeps their sessions.
type Service struct {
	db  *database.DB
	now func() time.Time
	// Requests per client address, per phone, and codes typed per client.
	perAddr, perPhone, codes *services.Limiter
}

// NewService returns the service on db; now nil is time.Now.
func NewService(db *database.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now,
		// A household shares an address and a community centre more: 10
		// requests, then 5 a minute. A phone gets 3 codes, then one a
		// minute, so nobody floods a resident with SMS.
		perAddr:  services.NewLimiter(5, 10, 1, time.Minute),
		perPhone: services.NewLimiter(1, 3, 1, time.Minute),
		codes:    services.NewLimiter(10, 30, 1, time.Minute),
	}
}

// WithLimits replaces the limiters (tests, a deployment's own figures).
func (s *Service) WithLimits(perAddr, perPhone, codes *services.Limiter) *Service {
	s.perAddr, s.perPhone, s.codes = perAddr, perPhone, codes
	return s
}

// Request is what a resident types to ask for a code.
type Request struct {
	CommunityID int64
	Name        string
	IDTail      string // the last six characters of the ID number
	Phone       string
	Client      string // the client's address, for the limit
}

// Attempt is the outcome of a request: the ticket the browser keeps, and
// for the audit log (never for the resident) whether a person matched.
type Attempt struct {
	Ticket    string
	Matched   bool
	PersonID  int64
	Community string
}

func normPhone(p string) string {
	return strings.NewReplacer(" ", "", "-", "", "+86", "").Replace(strings.TrimSpace(p))
}

// check reads a request's fields; the errors say what is wrong with the
// form, never anything of the register.
func (r *Request) check() error {
	fe := fault.Fields{}
	r.Name = strings.TrimSpace(r.Name)
	r.IDTail = strings.ToUpper(strings.TrimSpace(r.IDTail))
	r.Phone = normPhone(r.Phone)
	if r.CommunityID == 0 {
		fe["community"] = "请选择社区"
	}
	if r.Name == "" {
		fe["name"] = "请填写姓名"
	} else if utf8.RuneCountInString(r.Name) > 30 {
		fe["name"] = "姓名请不超过30字"
	}
	if len(r.IDTail) != IDTailLen || strings.Trim(r.IDTail, "0123456789X") != "" {
		fe["id_tail"] = fmt.Sprintf("请填写身份证号码的后%d位(数字或X)", IDTailLen)
	}
	if len(r.Phone) != 11 || r.Phone[0] != '1' || strings.Trim(r.Phone, "0123456789") != "" {
		fe["phone"] = "请填写11位手机号码"
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// codeHash binds a code to its ticket, so a table of six-digit hashes
// cannot be looked up without the ticket only the browser holds.
func codeHash(ticket, code string) string {
	m := hmac.New(sha256.New, []byte(ticket))
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	return fmt.Sprintf("%06d", n.Int64())
}

// Start asks for a code. Whatever the register holds, a well-formed
// request within the limits gets a ticket and the answer Sent.
func (s *Service) Start(ctx context.Context, req Request) (Attempt, error) {
	if err := req.check(); err != nil {
		return Attempt{}, err
	}
	var a Attempt
	var level string
	err := s.db.QueryRowContext(ctx, `SELECT name, level FROM org_units WHERE id = $1`, req.CommunityID).Scan(&a.Community, &level)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && level != "community") {
		return Attempt{}, fault.Fields{"community": "请选择社区"}
	}
	if err != nil {
		return Attempt{}, err
	}
	if !s.perAddr.Allow("addr "+req.Client, "") || !s.perPhone.Allow("phone "+req.Phone, "") {
		return Attempt{}, ErrLimited
	}
	// The persons of that name in the community; the tail and the phone
	// are compared here, on the few rows a name gives.
	rows, err := s.db.QueryContext(ctx, `SELECT id, id_number, phone FROM persons
		WHERE community_id = $1 AND name = $2 AND status = 'active'`, req.CommunityID, req.Name)
	if err != nil {
		return Attempt{}, err
	}
	for rows.Next() {
		var id int64
		var number, phone string
		if err := rows.Scan(&id, &number, &phone); err != nil {
			rows.Close()
			return Attempt{}, err
		}
		number = strings.ToUpper(number)
		if len(number) >= IDTailLen && number[len(number)-IDTailLen:] == req.IDTail && normPhone(phone) == req.Phone {
			a.Matched, a.PersonID = true, id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Attempt{}, err
	}
	a.Ticket = randomToken()
	code := randomCode()
	now := s.now()
	id := database.NewID()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var person any
		if a.Matched {
			person = a.PersonID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resident_codes (ticket_hash, community_id, id, person_id, code_hash,
			expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, hashOf(a.Ticket), req.CommunityID, id, person,
			codeHash(a.Ticket, code), database.FormatTime(now.Add(CodeTTL)), database.FormatTime(now)); err != nil {
			return err
		}
		if !a.Matched {
			return nil
		}
		return notify.Enqueue(ctx, tx, notify.Message{Community: req.CommunityID,
			Key: fmt.Sprintf("resident_code:%d", id), To: req.Phone, Ref: fmt.Sprintf("resident_code:%d", id),
			Body: fmt.Sprintf("【%s】您的居民身份验证码为%s,10分钟内有效。如非本人操作,请忽略本短信。", a.Community, code)})
	})
	if err != nil {
		return Attempt{}, err
	}
	return a, nil
}

// Confirm checks a code against a ticket; the right one opens a session
// and returns its token. Every code typed counts as a try.
func (s *Service) Confirm(ctx context.Context, client, ticket, code string) (string, Resident, error) {
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return "", Resident{}, fault.Fields{"code": "请填写短信中的6位数字验证码"}
	}
	if len(ticket) < 20 || len(ticket) > 100 {
		return "", Resident{}, ErrExpired
	}
	if !s.codes.Allow("code "+client, "") {
		return "", Resident{}, ErrLimited
	}
	now := s.now()
	token := randomToken()
	var r Resident
	var left int
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Take the try first, so two codes typed at once both count.
		res, err := tx.ExecContext(ctx, `UPDATE resident_codes SET tries = tries + 1
			WHERE ticket_hash = $1 AND used = 0 AND tries < $2 AND expires_at > $3`, hashOf(ticket), MaxTries, database.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrExpired
		}
		var community int64
		var person sql.NullInt64
		var hash string
		var tries int
		if err := tx.QueryRowContext(ctx, `SELECT community_id, person_id, code_hash, tries FROM resident_codes
			WHERE ticket_hash = $1`, hashOf(ticket)).Scan(&community, &person, &hash, &tries); err != nil {
			return err
		}
		if !person.Valid || !hmac.Equal([]byte(hash), []byte(codeHash(ticket, code))) {
			left = MaxTries - tries
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE resident_codes SET used = 1 WHERE ticket_hash = $1`, hashOf(ticket)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resident_sessions (token_hash, community_id, person_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, hashOf(token), community, person.Int64, database.FormatTime(now),
			database.FormatTime(now.AddDate(0, 0, SessionDays))); err != nil {
			return err
		}
		r, err = s.resident(ctx, tx, hashOf(token), now)
		return err
	})
	if err != nil {
		return "", Resident{}, err
	}
	if r.PersonID == 0 {
		if left <= 0 {
			return "", Resident{}, fault.Fields{"code": "验证码不正确,已无法再试,请重新获取。"}
		}
		return "", Resident{}, fault.Fields{"code": fmt.Sprintf("验证码不正确,还可再试%d次。", left)}
	}
	return token, r, nil
}

// Resident is a verified resident as the register holds them now: the
// facts other capabilities check eligibility with.
type Resident struct {
	PersonID    int64
	HouseholdID int64 // 0: in no household
	HouseID     int64 // 0: the household has no house
	BuildingID  int64
	CommunityID int64
	Adult       bool // 18 or older today
	Owner       bool // the household's house is owner-occupied (自住)

	Name      string // for the resident's own page, shown masked
	Community string
	Building  string
}

// MaskedName is the name as the resident's pages show it: 张**.
func (r Resident) MaskedName() string { return MaskName(r.Name) }

// MaskName keeps a name's first character: 张**.
func MaskName(name string) string {
	n := []rune(name)
	if len(n) <= 1 {
		return name
	}
	return string(n[0]) + strings.Repeat("*", len(n)-1)
}

// ByToken is the resident a session token signs in, read from the register
// now: a person who moved out or died is signed in no more.
func (s *Service) ByToken(ctx context.Context, token string) (Resident, error) {
	if len(token) < 20 || len(token) > 100 {
		return Resident{}, ErrNoSession
	}
	return s.resident(ctx, s.db, hashOf(token), s.now())
}

func (s *Service) resident(ctx context.Context, q database.Querier, tokenHash string, now time.Time) (Resident, error) {
	var r Resident
	var birth, use string
	// Kept prepared on the connection (database/stmtcache.go): parsing this
	// join cost as much as running it.
	err := q.QueryRowContext(ctx, `SELECT p.community_id, p.id, p.name, COALESCE(p.household_id, 0), p.birth_date,
		COALESCE(h.house_id, 0), COALESCE(ho.building_id, 0), COALESCE(ho.use, ''), COALESCE(b.name, ''), o.name
		FROM resident_sessions s
		JOIN persons p ON p.community_id = s.community_id AND p.id = s.person_id
		JOIN org_units o ON o.id = p.community_id
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		LEFT JOIN buildings b ON b.community_id = ho.community_id AND b.id = ho.building_id
		WHERE s.token_hash = $1 AND s.ended_at = '' AND s.expires_at > $2 AND p.status = 'active'`,
		tokenHash, database.FormatTime(now)).Scan(&r.CommunityID, &r.PersonID, &r.Name, &r.HouseholdID, &birth,
		&r.HouseID, &r.BuildingID, &use, &r.Building, &r.Community)
	if errors.Is(err, sql.ErrNoRows) {
		return Resident{}, ErrNoSession
	}
	if err != nil {
		return Resident{}, err
	}
	// A birth known to the month is stored as the month's last day: the
	// latest it can be, so nobody counts as adult too early.
	today := now.In(workdays.Shanghai).AddDate(-18, 0, 0).Format("2006-01-02")
	r.Adult = len(birth) >= 10 && birth[:10] <= today
	r.Owner = use == register.HouseOwner
	return r, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if len(token) < 20 || len(token) > 100 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE resident_sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at = ''`,
		database.FormatTime(s.now()), hashOf(token))
	return err
}

// MaskPhone is a phone as the audit log keeps it.
func MaskPhone(p string) string { return ident.MaskPhone(normPhone(p)) }
