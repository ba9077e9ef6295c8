package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
)

// Service keeps roles and grants and builds Viewers.
type Service struct {
	db  *database.DB
	org *orgtree.Store
	now func() time.Time

	mu        sync.Mutex
	roles     *roleCache
	viewers   map[int64]cachedViewer
	resolvers map[string]Resolver
}

// cacheFor bounds how long a changed role or grant may go unnoticed by
// another process sharing the database; this process drops its caches at
// once.
const cacheFor = 30 * time.Second

type roleCache struct {
	byCode    map[string]*Role
	sensitive map[string]bool
	loaded    time.Time
}

type cachedViewer struct {
	v      *Viewer
	loaded time.Time
}

// NewService returns a Service on db.
func NewService(db *database.DB) *Service {
	return &Service{db: db, org: orgtree.NewStore(db), now: time.Now,
		viewers: map[int64]cachedViewer{}, resolvers: map[string]Resolver{}}
}

var roleCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

func (s *Service) invalidate() {
	s.mu.Lock()
	s.roles = nil
	s.viewers = map[int64]cachedViewer{}
	s.mu.Unlock()
}

func (s *Service) cachedRoles(ctx context.Context) (*roleCache, error) {
	s.mu.Lock()
	rc := s.roles
	s.mu.Unlock()
	if rc != nil && s.now().Sub(rc.loaded) < cacheFor {
		return rc, nil
	}
	byCode, _, err := loadRoles(ctx, s.db)
	if err != nil {
		return nil, err
	}
	sensitive := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT code FROM tag_kinds WHERE sensitive <> 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		sensitive[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rc = &roleCache{byCode: byCode, sensitive: sensitive, loaded: s.now()}
	s.mu.Lock()
	s.roles = rc
	s.mu.Unlock()
	return rc, nil
}

// Viewer returns the viewer of a user: their grants with roles and regions
// resolved. It is cached for a short while; grant and role changes made
// through this Service take effect at once.
func (s *Service) Viewer(ctx context.Context, userID int64, name string) (*Viewer, error) {
	s.mu.Lock()
	c, ok := s.viewers[userID]
	s.mu.Unlock()
	if ok && s.now().Sub(c.loaded) < cacheFor {
		return c.v, nil
	}
	rc, err := s.cachedRoles(ctx)
	if err != nil {
		return nil, err
	}
	grants, err := s.Grants(ctx, userID)
	if err != nil {
		return nil, err
	}
	v := &Viewer{UserID: userID, Name: name}
	regions := map[int64]*region{} // one region per unit, shared by grants naming it
	for _, g := range grants {
		role, ok := rc.byCode[g.Role]
		if !ok {
			continue // a grant of a role since deleted gives nothing
		}
		r := resolved{grant: g, role: role}
		if role.AllFields {
			r.fields = AllFields
		} else {
			r.fields = newFields(role.Fields, rc.sensitive)
		}
		if len(g.Units) > 0 {
			r.region = &region{}
			for _, id := range g.Units {
				reg, ok := regions[id]
				if !ok {
					if reg, err = s.regionOf(ctx, id); err != nil {
						return nil, err
					}
					regions[id] = reg
				}
				r.region = r.region.merge(reg)
			}
		} else if role.Place != PlaceAnywhere {
			continue // a bound role without its place gives nothing, not everything
		}
		v.grants = append(v.grants, r)
	}
	s.mu.Lock()
	s.viewers[userID] = cachedViewer{v: v, loaded: s.now()}
	s.mu.Unlock()
	return v, nil
}

// regionOf resolves the subtree of one unit into the sets Place membership
// is decided by.
func (s *Service) regionOf(ctx context.Context, id int64) (*region, error) {
	u, err := s.org.Get(ctx, id)
	if errors.Is(err, orgtree.ErrNotFound) {
		return &region{}, nil // a unit since removed covers nothing
	}
	if err != nil {
		return nil, err
	}
	reg := &region{units: []orgtree.Unit{u}}
	switch {
	case u.Level == orgtree.LevelCommunity || u.Level == orgtree.LevelGrid:
		// decided by the unit itself
	case u.CommunityID == 0:
		ids, err := s.below(ctx, id, `AND u.level = 'community'`)
		if err != nil {
			return nil, err
		}
		reg.communities = ids
		// The units between it and the communities (streets below a
		// district) lie in no community; they are known by id.
		if reg.orgs, err = s.below(ctx, id, `AND u.community_id IS NULL`); err != nil {
			return nil, err
		}
	default:
		ids, err := s.below(ctx, id, "")
		if err != nil {
			return nil, err
		}
		reg.orgs = ids
	}
	return reg, nil
}

func (s *Service) below(ctx context.Context, id int64, cond string) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.unit_id FROM org_closure c JOIN org_units u ON u.id = c.unit_id
		WHERE c.ancestor_id = $1 `+cond, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}

func (g *region) merge(o *region) *region {
	out := &region{units: append(append([]orgtree.Unit{}, g.units...), o.units...)}
	for _, src := range []map[int64]bool{g.communities, o.communities} {
		for k := range src {
			if out.communities == nil {
				out.communities = map[int64]bool{}
			}
			out.communities[k] = true
		}
	}
	for _, src := range []map[int64]bool{g.orgs, o.orgs} {
		for k := range src {
			if out.orgs == nil {
				out.orgs = map[int64]bool{}
			}
			out.orgs[k] = true
		}
	}
	return out
}

// Narrow limits a scope to the subtree of unit, for pages and API calls that
// name a unit (?org=…). A unit outside the scope leaves it empty.
func (s *Service) Narrow(ctx context.Context, sc Scope, unitID int64) (Scope, error) {
	anc, err := s.org.Ancestors(ctx, unitID)
	if err != nil {
		return Scope{}, err
	}
	if len(anc) == 0 { // no such unit
		return Scope{perm: sc.perm}, nil
	}
	ancIDs := make([]int64, len(anc))
	for i, a := range anc {
		ancIDs[i] = a.ID
	}
	sub, err := s.regionOf(ctx, unitID)
	if err != nil {
		return Scope{}, err
	}
	out := Scope{perm: sc.perm, revealing: sc.revealing}
	for _, p := range sc.parts {
		if p.region == nil || p.region.covers(ancIDs) {
			out.parts = append(out.parts, part{region: sub, fields: p.fields, reveal: p.reveal})
			continue
		}
		// Units of the part that lie below the unit stay.
		kept := &region{}
		for _, gu := range p.region.units {
			in, err := s.org.IsWithin(ctx, gu.ID, unitID)
			if err != nil {
				return Scope{}, err
			}
			if in {
				r, err := s.regionOf(ctx, gu.ID)
				if err != nil {
					return Scope{}, err
				}
				kept = kept.merge(r)
			}
		}
		if len(kept.units) > 0 {
			out.parts = append(out.parts, part{region: kept, fields: p.fields, reveal: p.reveal})
		}
	}
	return out, nil
}

// Grants lists a user's grants.
func (s *Service) Grants(ctx context.Context, userID int64) ([]Grant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT g.id, g.user_id, g.role, COALESCE(r.name, g.role), g.note, g.created_at, g.created_by
		FROM grants g LEFT JOIN roles r ON r.code = g.role WHERE g.user_id = $1 ORDER BY g.created_at, g.id`, userID)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.Role, &g.RoleName, &g.Note, &g.CreatedAt, &g.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		urows, err := s.db.QueryContext(ctx, `SELECT gu.unit_id, u.name FROM grant_units gu JOIN org_units u ON u.id = gu.unit_id
			WHERE gu.grant_id = $1 ORDER BY u.sort, u.name, u.id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		var names []string
		for urows.Next() {
			var id int64
			var name string
			if err := urows.Scan(&id, &name); err != nil {
				urows.Close()
				return nil, err
			}
			out[i].Units = append(out[i].Units, id)
			names = append(names, name)
		}
		urows.Close()
		out[i].UnitNames = strings.Join(names, "、")
		if len(out[i].Units) == 0 {
			out[i].UnitNames = "全域"
		}
	}
	return out, nil
}

// AddGrant gives a user a role at the grant's units, checking that the units
// fit the role's place: a 网格员 on one grid, a 楼栋长 on buildings, …
func (s *Service) AddGrant(ctx context.Context, q database.Querier, g *Grant) error {
	rc, err := s.cachedRoles(ctx)
	if err != nil {
		return err
	}
	role, ok := rc.byCode[g.Role]
	if !ok {
		return fault.Fields{"role": fmt.Sprintf("角色 %q 不存在", g.Role)}
	}
	if err := s.checkPlace(ctx, q, role, g.Units); err != nil {
		return err
	}
	if q == nil {
		q = s.db
	}
	if g.ID == 0 {
		g.ID = database.NewID()
	}
	g.CreatedAt = database.FormatTime(s.now())
	if _, err := q.ExecContext(ctx, `INSERT INTO grants (id, user_id, role, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		g.ID, g.UserID, g.Role, g.Note, g.CreatedAt, g.CreatedBy); err != nil {
		return err
	}
	for _, u := range g.Units {
		if _, err := q.ExecContext(ctx, `INSERT INTO grant_units (grant_id, unit_id) VALUES ($1, $2)`, g.ID, u); err != nil {
			return err
		}
	}
	s.forget(g.UserID)
	return nil
}

func (s *Service) checkPlace(ctx context.Context, q database.Querier, role *Role, units []int64) error {
	if q == nil {
		q = s.db
	}
	if len(units) == 0 {
		if role.Place == PlaceAnywhere {
			return nil
		}
		return fault.Fields{"units": fmt.Sprintf("角色“%s”须指定%s", role.Name, PlaceNames[role.Place])}
	}
	seen := map[int64]bool{}
	for _, id := range units {
		if seen[id] {
			return fault.Fields{"units": "同一单元重复"}
		}
		seen[id] = true
		var level string
		var community int64
		err := q.QueryRowContext(ctx, `SELECT level, COALESCE(community_id, 0) FROM org_units WHERE id = $1`, id).Scan(&level, &community)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Fields{"units": fmt.Sprintf("单元 %d 不存在", id)}
		}
		if err != nil {
			return err
		}
		ok := true
		switch role.Place {
		case PlaceSubtree:
			ok = community == 0
		case PlaceCommunity, PlaceStation:
			ok = level == orgtree.LevelCommunity
		case PlaceGrid:
			ok = level == orgtree.LevelGrid
		case PlaceBuildings:
			ok = level == orgtree.LevelBuilding || level == orgtree.LevelUnit || level == orgtree.LevelGroup
		}
		if !ok {
			return fault.Fields{"units": fmt.Sprintf("角色“%s”只能授权于%s", role.Name, PlaceNames[role.Place])}
		}
	}
	if len(units) > 1 && role.Place != PlaceStation && role.Place != PlaceBuildings && role.Place != PlaceAnywhere {
		return fault.Fields{"units": fmt.Sprintf("角色“%s”只能授权于%s", role.Name, PlaceNames[role.Place])}
	}
	return nil
}

// RevokeGrant removes a grant; the user loses it at their next request.
func (s *Service) RevokeGrant(ctx context.Context, id int64) error {
	var user int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM grants WHERE id = $1`, id).Scan(&user); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fault.Fields{"grant": "授权不存在"}
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM grant_units WHERE grant_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE id = $1`, id)
		return err
	})
	if err == nil {
		s.forget(user)
	}
	return err
}

// forget drops a user's cached viewer.
func (s *Service) forget(userID int64) {
	s.mu.Lock()
	delete(s.viewers, userID)
	s.mu.Unlock()
}
