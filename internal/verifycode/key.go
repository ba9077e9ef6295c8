package verifycode

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"shequ/internal/database"
)

// Key is a capability's key for its codes, made at random on first use
// and kept in a table of its own (name, value) under the name 'verify_key',
// so that codes printed before a restart still verify.
type Key struct {
	db    *database.DB
	table string // a constant of the capability's, never input
	mu    sync.Mutex
	key   []byte
}

// NewKey returns the key kept in table.
func NewKey(db *database.DB, table string) *Key { return &Key{db: db, table: table} }

// Get returns the key, making and storing it the first time; two servers
// making one at once keep the first stored.
func (k *Key) Get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if _, err := k.db.ExecContext(ctx, `INSERT INTO `+k.table+` (name, value) VALUES ('verify_key', $1)
		ON CONFLICT (name) DO NOTHING`, hex.EncodeToString(b)); err != nil {
		return nil, err
	}
	var v string
	if err := k.db.QueryRowContext(ctx, `SELECT value FROM `+k.table+` WHERE name = 'verify_key'`).Scan(&v); err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}
