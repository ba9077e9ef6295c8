package imports

import (
	"context"
	"errors"

	"shequ/internal/access"
	"shequ/internal/orgtree"
)

// Import returns one import if its target lies in sc (the scope of
// register.import, or of imports.resolve).
func (s *Service) Import(ctx context.Context, sc access.Scope, id int64) (*Import, error) {
	im, err := s.get(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.visible(ctx, sc, im.UnitID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotFound
	}
	return im, nil
}

// visible reports whether an import into unit lies in sc.
func (s *Service) visible(ctx context.Context, sc access.Scope, unitID int64) (bool, error) {
	u, err := s.org.Get(ctx, unitID)
	if errors.Is(err, orgtree.ErrNotFound) {
		return sc.Whole(), nil
	}
	if err != nil {
		return false, err
	}
	return s.unitInScope(ctx, sc, u)
}

// Imports lists the imports v may see — into the units of v's scope for
// register.import or imports.resolve — newest first.
func (s *Service) Imports(ctx context.Context, v *access.Viewer, q ListQuery) ([]*Import, error) {
	sc := v.Scope(PermImport)
	if sc.Empty() {
		sc = v.Scope(PermResolve)
	}
	if sc.Empty() {
		return nil, nil
	}
	if !sc.Whole() {
		q.Units = sc.Units()
		if q.Units == nil {
			q.Units = []int64{}
		}
	}
	return s.list(ctx, q)
}

// ImportPlace finds where an import lies, for the access check of routes
// that name one: the community it went to. An import into a unit above the
// communities lies at that unit, which only viewers of the whole tree
// reach through a route.
func (s *Service) ImportPlace(ctx context.Context, id int64) (access.Place, error) {
	im, err := s.get(ctx, s.db, id)
	if errors.Is(err, ErrNotFound) {
		return access.Place{}, access.ErrNoObject
	}
	if err != nil {
		return access.Place{}, err
	}
	return access.Place{Community: im.CommunityID, Org: im.UnitID}, nil
}
