package access

import (
	"context"
	"database/sql"
	"strings"

	"shequ/internal/accounts"
	"shequ/internal/fault"
)

// GrantRequest is a grant as an administrator asks for it: a role and the
// units typed as text (ids, names or division codes, see orgtree.FindAll).
type GrantRequest struct {
	UserID int64
	Role   string
	Units  string
	Note   string
	By     string // who grants: an administrator's name, or 命令行
}

// noteRunes bounds a grant's note, as the form's field does.
const noteRunes = 100

// ResolveGrant turns a request into a Grant, resolving the units typed.
// A missing role and units that name nothing are field errors.
func (s *Service) ResolveGrant(ctx context.Context, req GrantRequest) (Grant, error) {
	note := []rune(strings.TrimSpace(req.Note))
	if len(note) > noteRunes {
		note = note[:noteRunes]
	}
	g := Grant{UserID: req.UserID, Role: strings.TrimSpace(req.Role), Note: string(note), CreatedBy: req.By}
	if g.Role == "" {
		return g, fault.Fields{"role": "请选择角色"}
	}
	units, err := s.org.FindAll(ctx, req.Units)
	if err != nil {
		return g, fault.Fields{"units": err.Error()}
	}
	for _, u := range units {
		g.Units = append(g.Units, u.ID)
	}
	return g, nil
}

// AddUser creates an account with its first grant, both or neither: an
// account without a grant could log in and see nothing, and one whose
// grant failed would have to be found and removed by hand. The account is
// written through users; req.UserID is the new account's.
func (s *Service) AddUser(ctx context.Context, users *accounts.Store, u *accounts.User, password string, req GrantRequest) (Grant, error) {
	var g Grant
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := users.AddUser(ctx, tx, u, password); err != nil {
			return err
		}
		req.UserID = u.ID
		var err error
		if g, err = s.ResolveGrant(ctx, req); err != nil {
			return err
		}
		return s.AddGrant(ctx, tx, &g)
	})
	return g, err
}
