package events

import (
	"context"

	"shequ/internal/access"
)

// A viewer acts on an event in a capacity: as the community office, the
// street platform, the district platform or a department. Capacities come
// from the places of the viewer's grants that carry a permission: a grant
// covering the event's place acts for the community; one bound to the
// event's street (or above) for the street platform; one bound to its
// district (or above) for the district platform. A higher platform may act
// for a lower one.

// atLevel reports whether v holds perm at e's place in the capacity of
// level.
func (s *Store) atLevel(ctx context.Context, v *access.Viewer, perm string, e *Event, level string) (bool, error) {
	sc := v.Scope(perm)
	if !sc.Contains(e.Place()) {
		return false, nil
	}
	if level == LevelCommunity || level == "" || sc.Whole() {
		return true, nil
	}
	p, err := s.placeOf(ctx, e.CommunityID)
	if err != nil {
		return false, err
	}
	for _, u := range sc.Units() {
		switch {
		case p.aboveDistrict[u]:
			return true, nil
		case level == LevelStreet && u == p.Street.ID && u != 0:
			return true, nil
		}
	}
	return false, nil
}

// levelOf is the highest level at which v holds perm for e ("" for none).
func (s *Store) levelOf(ctx context.Context, v *access.Viewer, perm string, e *Event) (string, error) {
	for _, l := range []string{LevelDistrict, LevelStreet, LevelCommunity} {
		ok, err := s.atLevel(ctx, v, perm, e, l)
		if err != nil || ok {
			return l, err
		}
	}
	return "", nil
}

// inDepartment reports whether v handles e's department at e's place.
func inDepartment(v *access.Viewer, e *Event) bool {
	sc, ok := v.DepartmentScopes(PermHandle)[e.Department]
	return e.Department != "" && ok && sc.Contains(e.Place())
}

// may decides whether v may take the action on e as it stands, and in
// what capacity (the unit or department name recorded on the step).
func (s *Store) may(ctx context.Context, v *access.Viewer, action string, e *Event) (bool, string, error) {
	d := machine[action]
	p, err := s.placeOf(ctx, e.CommunityID)
	if err != nil {
		return false, "", err
	}
	if v == access.System {
		// Background jobs and data loads act in whatever capacity the step needs.
		switch {
		case d.who == byDepartment || (d.who == byHandler && e.Status != StatusCommunity):
			names, err := s.Departments(ctx)
			return true, names[e.Department], err
		case d.who == byStreet || ((d.who == byLevel || d.who == byLevelOffice || d.who == byLevelOrAbove) && e.Level != LevelCommunity):
			l := e.Level
			if d.who == byStreet {
				l = LevelStreet
			}
			return true, p.UnitName(l), nil
		case d.who == byDispatcher:
			return true, p.UnitName(e.DispatchedBy), nil
		}
		return true, p.UnitName(LevelCommunity), nil
	}
	office := func(level string) (bool, string, error) {
		if level == LevelCommunity || level == "" {
			return v.CanAt(PermAccept, e.Place()), p.UnitName(LevelCommunity), nil
		}
		ok, err := s.atLevel(ctx, v, PermDispatch, e, level)
		return ok, p.UnitName(level), err
	}
	department := func() (bool, string, error) {
		if !inDepartment(v, e) {
			return false, "", nil
		}
		names, err := s.Departments(ctx)
		return true, names[e.Department], err
	}
	switch d.who {
	case byAnyone:
		if action == ActComment {
			return CanSee(v, e), p.UnitName(LevelCommunity), nil
		}
		return v.CanAt(d.perm, e.Place()), p.UnitName(LevelCommunity), nil
	case byCommunity:
		return v.CanAt(d.perm, e.Place()), p.UnitName(LevelCommunity), nil
	case byDepartment:
		return department()
	case byLevel:
		return office(e.Level)
	case byDispatcher:
		return office(e.DispatchedBy)
	case byStreet:
		return office(LevelStreet)
	case byHandler:
		if e.Status == StatusCommunity {
			return v.CanAt(PermHandle, e.Place()) && v.CanAt(PermAccept, e.Place()), p.UnitName(LevelCommunity), nil
		}
		return department()
	case byLevelOffice:
		return office(e.Level)
	case byLevelOrAbove:
		if ok, unit, err := office(e.Level); ok || err != nil {
			return ok, unit, err
		}
		for _, l := range []string{LevelStreet, LevelDistrict} {
			if levelRank(l) > levelRank(e.Level) {
				if ok, unit, err := office(l); ok || err != nil {
					return ok, unit, err
				}
			}
		}
		return false, "", nil
	}
	return false, "", nil
}

// May reports whether v may take an action on e as it stands now: the
// status allows it and v holds it in some capacity. Pages offer these.
func (s *Store) May(ctx context.Context, v *access.Viewer, action string, e *Event) bool {
	d, ok := machine[action]
	if !ok || !d.allowedFrom(e.Status) || !CanSee(v, e) {
		return false
	}
	if action == ActRate && e.Rating != 0 {
		return false
	}
	ok, _, err := s.may(ctx, v, action, e)
	return ok && err == nil
}
