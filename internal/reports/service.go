package reports

import (
	"context"
	"time"

	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/indicators"
	"shequ/internal/orgtree"
)

// Service computes, stores and exports reports.
type Service struct {
	db      *database.DB
	org     *orgtree.Store
	audit   *audit.Log
	sources []indicators.SourceFunc
	cache   *indicators.RowCache
	now     func() time.Time
	// Workers limits the communities read at once (0: one per core).
	Workers int
}

// New returns a Service on db. audit may be nil (command-line use, where
// exports are the operator's own); sources make the entities of other
// capabilities (事件, 办件) beside the register's and the org tree's.
func New(db *database.DB, log *audit.Log, sources ...indicators.SourceFunc) *Service {
	return &Service{db: db, org: orgtree.NewStore(db), audit: log, sources: sources, now: time.Now,
		cache: indicators.NewRowCache(CacheBytes)}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// CacheBytes bounds the register rows a Service keeps between
// computations (see indicators.RowCache): a city of a million persons
// takes about 120 MB.
var CacheBytes int64 = 256 << 20

// Registry builds the registry of entities from the current catalogues.
// It is cheap (two small queries) and made per computation, so that a new
// tag kind or org level is usable at once; the rows it reads are cached
// across computations.
func (s *Service) Registry(ctx context.Context) (*indicators.Registry, error) {
	return indicators.NewRegistryCached(ctx, s.db, s.cache, s.sources...)
}

// CacheStats reports the row cache's hits and misses.
func (s *Service) CacheStats() (hits, misses int) { return s.cache.Stats() }

// DropCache empties the row cache, for measuring a computation from the
// tables alone.
func (s *Service) DropCache() { s.cache = indicators.NewRowCache(s.cache.Limit) }

func (s *Service) engine(reg *indicators.Registry) *indicators.Engine {
	en := indicators.NewEngine(s.db, reg)
	en.Workers = s.Workers
	return en
}
