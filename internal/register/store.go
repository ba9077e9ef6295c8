package register

import (
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// Store reads and writes the register.
type Store struct {
	db  *database.DB
	org *orgtree.Store
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store {
	return &Store{db: db, org: orgtree.NewStore(db), now: time.Now}
}

// DB returns the database the store works on.
func (s *Store) DB() *database.DB { return s.db }

// WithClock returns a store on the same database that dates its change
// events by now: a capability replaying past days (the service hall's demo
// cases) records what they changed in the register on those days.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}
