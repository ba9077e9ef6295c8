package volunteers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// A volunteer's phone session is a personal link (个人链接): a long random
// token the join page hands out (and staff reissue), held by the phone as
// a cookie and openable on another phone as /v/key/<token>. It was chosen
// over an SMS code because it needs no gateway and works the same in a
// community without one; the token names nobody, the database keeps only
// its SHA-256, and reissuing revokes the old one, so a lost phone is cut
// off by staff in one step.

// ErrNoKey answers a token that is unknown or revoked.
var ErrNoKey = fault.New(fault.Unauthorized, "个人链接无效或已失效,请向社区索取新的链接")

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// issueKey makes a new token for v, revoking the ones before.
func (s *Service) issueKey(ctx context.Context, tx *sql.Tx, v Volunteer, by string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	if _, err := tx.ExecContext(ctx, `UPDATE volunteer_keys SET revoked = 1 WHERE volunteer_id = $1`, v.ID); err != nil {
		return "", err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_keys (token_hash, community_id, volunteer_id, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5)`, hashToken(token), v.CommunityID, v.ID, database.FormatTime(s.now()), by)
	return token, err
}

// Reissue makes a new personal link for a volunteer (staff), revoking the
// old: a new phone, a lost one.
func (s *Service) Reissue(ctx context.Context, st Staff, id int64) (string, error) {
	v, err := s.Volunteer(ctx, st, id)
	if err != nil {
		return "", err
	}
	if v.Status != "active" {
		return "", fault.New(fault.Refused, "该志愿者已退出,不能发放个人链接")
	}
	var token string
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		token, err = s.issueKey(ctx, tx, v, st.Name)
		return err
	})
	return token, err
}

// ByKey is the active volunteer a token signs in.
func (s *Service) ByKey(ctx context.Context, token string) (Volunteer, error) {
	if len(token) < 20 || len(token) > 100 {
		return Volunteer{}, ErrNoKey
	}
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT volunteer_id FROM volunteer_keys WHERE token_hash = $1 AND revoked = 0`,
		hashToken(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Volunteer{}, ErrNoKey
	}
	if err != nil {
		return Volunteer{}, err
	}
	v, err := s.volunteer(ctx, s.db, id)
	if errors.Is(err, ErrNoVolunteer) || (err == nil && v.Status != "active") {
		return Volunteer{}, ErrNoKey
	}
	return v, err
}
