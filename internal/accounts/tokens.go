package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// APIToken describes a token without its secret.
type APIToken struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name"`
	Name      string `json:"name"`
	Prefix    string `json:"prefix"`
	CreatedAt string `json:"created_at"`
	LastUsed  string `json:"last_used_at,omitempty"`
	Revoked   string `json:"revoked_at,omitempty"`
	// GrantID, when set, limits the token to one of its user's grants: a
	// department's system gets the department's view, not everything its
	// operator may see.
	GrantID int64 `json:"grant_id,omitempty"`
}

// tokenPrefix marks shequ tokens so that secret scanners can recognise them.
const tokenPrefix = "shq_"

// CreateToken makes a new API token for a user, acting with all the user's
// grants or, with grantID, with that one grant only, and returns it; only its
// hash is kept, so it cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, userName, name string, grantID int64) (string, APIToken, error) {
	u, err := s.UserByName(ctx, userName)
	if err != nil {
		return "", APIToken{}, err
	}
	if utf8.RuneCountInString(name) > 60 {
		return "", APIToken{}, fault.Fields{"name": "令牌用途不能超过60个字"}
	}
	var grant any
	if grantID != 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants WHERE id = $1 AND user_id = $2`, grantID, u.ID).Scan(&n); err != nil {
			return "", APIToken{}, err
		}
		if n == 0 {
			return "", APIToken{}, fault.Fields{"grant": "该用户没有这项授权"}
		}
		grant = grantID
	}
	secret := tokenPrefix + randomToken(30)
	t := APIToken{ID: database.NewID(), UserID: u.ID, UserName: u.Name, Name: name, Prefix: secret[:10],
		CreatedAt: database.FormatTime(s.now()), GrantID: grantID}
	_, err = s.db.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, grant_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.Name, sha(secret), t.Prefix, t.CreatedAt, grant)
	return secret, t, err
}

// Tokens lists tokens, optionally of one user.
func (s *Store) Tokens(ctx context.Context, userName string) ([]APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.user_id, u.name, t.name, t.prefix, t.created_at,
		COALESCE(t.last_used_at, ''), COALESCE(t.revoked_at, ''), COALESCE(t.grant_id, 0)
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE $1 = '' OR u.name = $1 ORDER BY t.created_at`, userName)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.UserID, &t.UserName, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsed, &t.Revoked, &t.GrantID); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token by id or by its secret prefix.
func (s *Store) RevokeToken(ctx context.Context, idOrPrefix string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1
		WHERE revoked_at IS NULL AND (CAST(id AS TEXT) = $2 OR prefix = $2)`, database.FormatTime(s.now()), idOrPrefix)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("没有找到未吊销的令牌 %s", idOrPrefix)
	}
	return nil
}

// ErrBadToken is the answer to an unknown, revoked or disabled user's token.
var ErrBadToken = fault.New(fault.Unauthorized, "API 令牌无效或已吊销")

// UserForToken returns the user a live token acts for, and the one grant it
// is limited to (0: all the user's grants).
func (s *Store) UserForToken(ctx context.Context, secret string) (User, int64, error) {
	var u User
	var disabled int
	var tokenID, grantID int64
	var lastUsed string
	if len(secret) > 100 {
		return User{}, 0, ErrBadToken
	}
	err := s.db.QueryRowContext(ctx, `SELECT t.id, COALESCE(t.last_used_at, ''), COALESCE(t.grant_id, 0), u.id, u.name,
		u.display_name, COALESCE(u.org_id, 0), u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, sha(secret)).
		Scan(&tokenID, &lastUsed, &grantID, &u.ID, &u.Name, &u.DisplayName, &u.OrgID, &disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled != 0) {
		return User{}, 0, ErrBadToken
	}
	if err != nil {
		return User{}, 0, err
	}
	now := s.now()
	if lastUsed == "" || now.Sub(database.ParseTime(lastUsed)).Minutes() > 1 {
		s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, database.FormatTime(now), tokenID)
	}
	return u, grantID, nil
}
