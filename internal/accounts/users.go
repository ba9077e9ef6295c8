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

	"shequ/internal/database"
)

// Roles. Issue-level access control refines what each may see; for now a role
// and a place in the org tree (OrgID) bound a user.
const (
	RoleAdmin          = "admin"
	RoleStreetOperator = "street_operator"
	RoleCommunityStaff = "community_staff"
	RoleGridWorker     = "grid_worker"
)

// RoleNames gives each role's Chinese name.
var RoleNames = map[string]string{
	RoleAdmin:          "管理员",
	RoleStreetOperator: "街道平台",
	RoleCommunityStaff: "社区工作者",
	RoleGridWorker:     "网格员",
}

// User is an account.
type User struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	OrgID       int64  `json:"org_id,omitempty"`
	Disabled    bool   `json:"disabled"`
	CreatedAt   string `json:"created_at"`
}

// ErrBadLogin is the one answer to a wrong name or password, so that the
// answer does not tell which was wrong.
var ErrBadLogin = errors.New("用户名或密码错误")

// Store keeps accounts.
type Store struct {
	db  *database.DB
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db, now: time.Now} }

var userName = regexp.MustCompile(`^[A-Za-z0-9_.\-\p{Han}]{2,40}$`)

// AddUser creates an account.
func (s *Store) AddUser(ctx context.Context, u *User, password string) error {
	u.Name = strings.TrimSpace(u.Name)
	if !userName.MatchString(u.Name) {
		return fmt.Errorf("用户名应为2到40位字母、数字、汉字或 _ . -")
	}
	if _, ok := RoleNames[u.Role]; !ok {
		return fmt.Errorf("未知角色 %q(可选: admin, street_operator, community_staff, grid_worker)", u.Role)
	}
	if u.Role != RoleAdmin && u.OrgID == 0 {
		return fmt.Errorf("非管理员账号必须指定所属组织单元")
	}
	if err := CheckPolicy(u.Name, password); err != nil {
		return err
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
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (id, name, display_name, password_hash, role, org_id, disabled,
		version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $7, $7)`,
		u.ID, u.Name, u.DisplayName, hash, u.Role, org, u.CreatedAt)
	if err != nil && (strings.Contains(err.Error(), "UNIQUE") || strings.Contains(err.Error(), "23505")) {
		return fmt.Errorf("用户名 %s 已存在", u.Name)
	}
	return err
}

const userColumns = `id, name, display_name, role, COALESCE(org_id, 0), disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled int
	err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &u.Role, &u.OrgID, &disabled, &u.CreatedAt)
	u.Disabled = disabled != 0
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

// SetPassword replaces a user's password.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckPolicy(name, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE name = $3`,
		hash, database.FormatTime(s.now()), name)
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

// Authenticate checks a name and password.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, error) {
	var hash string
	var disabled int
	var u User
	err := s.db.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE name = $1`, name).
		Scan(&u.ID, &u.Name, &u.DisplayName, &u.Role, &u.OrgID, &disabled, &u.CreatedAt, &hash)
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
	u.Disabled = false
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
