package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// User is an account.
type User struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	OrgID       int64  `json:"org_id,omitempty"` // the unit the user works for (所属单位); grants decide what they see
	Disabled    bool   `json:"disabled"`
	CreatedAt   string `json:"created_at"`
	// MustChangePassword: the password was set by someone else (an
	// administrator, an account import); the login sends its owner to
	// change it until they have.
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// ErrBadLogin is the one answer to a wrong name or password, so that the
// answer does not tell which was wrong.
var ErrBadLogin = fault.New(fault.Unauthorized, "用户名或密码错误")

// Store keeps accounts.
type Store struct {
	db  *database.DB
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db, now: time.Now} }

var userName = regexp.MustCompile(`^[A-Za-z0-9_.\-\p{Han}]{2,40}$`)

// AddUser creates an account, in q (a transaction that also grants roles)
// or, when q is nil, on its own. A user without grants sees nothing.
func (s *Store) AddUser(ctx context.Context, q database.Querier, u *User, password string) error {
	if q == nil {
		q = s.db
	}
	u.Name = strings.TrimSpace(u.Name)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if !userName.MatchString(u.Name) {
		return fault.Fields{"name": "用户名应为2到40位字母、数字、汉字或 _ . -"}
	}
	if utf8.RuneCountInString(u.DisplayName) > 40 {
		return fault.Fields{"display_name": "姓名不能超过40个字"}
	}
	if err := CheckPolicy(u.Name, password); err != nil {
		return fault.Fields{"password": err.Error()}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if u.ID == 0 {
		u.ID = database.NewID()
	}
	u.CreatedAt = database.FormatTime(s.now())
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	var exists int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE name = $1`, u.Name).Scan(&exists); err != nil {
		return err
	}
	if exists > 0 {
		return fault.Fields{"name": fmt.Sprintf("用户名 %s 已存在", u.Name)}
	}
	must := 0
	if u.MustChangePassword {
		must = 1
	}
	_, err = q.ExecContext(ctx, `INSERT INTO users (id, name, display_name, password_hash, org_id, disabled,
		must_change_password, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, 1, $7, $7)`,
		u.ID, u.Name, u.DisplayName, hash, org, must, u.CreatedAt)
	return err
}

const userColumns = `id, name, display_name, COALESCE(org_id, 0), disabled, created_at, must_change_password`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled, must int
	err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &u.OrgID, &disabled, &u.CreatedAt, &must)
	u.Disabled, u.MustChangePassword = disabled != 0, must != 0
	return u, err
}

// Users lists all accounts by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByName finds an account.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("用户 %s 不存在", name)
	}
	return u, err
}

// User finds an account by id.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// SetPassword replaces a user's password, as the user does on their
// account page: the password is theirs now, so the login stops asking
// them to change it.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, false)
}

// ResetPassword replaces a user's password with one an administrator
// chose: the user must change it at their next login.
func (s *Store) ResetPassword(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, true)
}

func (s *Store) setPassword(ctx context.Context, name, password string, mustChange bool) error {
	if err := CheckPolicy(name, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	must := 0
	if mustChange {
		must = 1
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, version = version + 1,
		updated_at = $3 WHERE name = $4`, hash, must, database.FormatTime(s.now()), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("用户 %s 不存在", name)
	}
	// A new password ends every session opened with the old one.
	_, err = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)`, name)
	return err
}

// SetDisabled disables or re-enables an account. Disabling ends its
// sessions and revokes its API tokens for good: enabling the account again
// does not bring them back, so a token copied while the account was
// someone's stays dead; its owner makes a new one.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	d := 0
	if disabled {
		d = 1
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE name = $1`, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("用户 %s 不存在", name)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
			d, now, id); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, id)
		return err
	})
}

// Authenticate checks a name and password. A password longer than the
// policy allows is refused before hashing, so that megabytes of password
// cannot make the server spend seconds in argon2.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	var disabled, must int
	var u User
	if len(password) > maxPasswordBytes || len(name) > 200 {
		return User{}, ErrBadLogin
	}
	err := s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE name = $1`, name).
		Scan(&u.ID, &u.Name, &u.DisplayName, &u.OrgID, &disabled, &u.CreatedAt, &must, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check so timing does not reveal names.
		CheckPassword(dummyHash, password)
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if !CheckPassword(hash, password) || disabled != 0 {
		return User{}, ErrBadLogin
	}
	u.Disabled, u.MustChangePassword = false, must != 0
	return u, nil
}

var dummyHash, _ = HashPassword("timing-equaliser-0")

func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
