package satisfaction

import (
	"context"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
	"shequ/internal/workdays"
)

// Months is how many months the staff's page shows, the current one last.
const Months = 12

// Month is one month's tallies, per part and together.
type Month struct {
	Month string // 2026-03
	Parts [nParts]Tally
	All   Tally
}

// Figure is a unit's satisfaction over the months shown: per part and
// together, and by month for the trend.
type Figure struct {
	Unit        orgtree.Unit
	Communities int
	From, To    string // the days covered
	Parts       [nParts]Tally
	All         Tally
	Months      []Month        // the oldest first
	Below       []orgtree.Unit // the units below a street or district, to open theirs
}

// PartRow is a part and its tally, for the page.
type PartRow struct {
	Part
	Tally
}

// Rows lists the parts with their tallies.
func (f Figure) Rows() []PartRow {
	out := make([]PartRow, nParts)
	for i := range Parts {
		out[i] = PartRow{Part: Parts[i], Tally: f.Parts[i]}
	}
	return out
}

// ErrNoUnit answers a unit that does not exist or lies outside the viewer's part.
var ErrNoUnit = fault.New(fault.NotFound, "没有这个单位,或不在您的管辖范围内")

// Service computes the figures and takes the residents' ratings.
type Service struct {
	db         *database.DB
	org        *orgtree.Store
	visits     *visits.Service
	volunteers *volunteers.Service
	now        func() time.Time
}

// NewService returns the service; now nil is time.Now. visits and
// volunteers take the residents' ratings of what they keep (nil: the
// resident's page offers none of it).
func NewService(db *database.DB, org *orgtree.Store, v *visits.Service, vol *volunteers.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, org: org, visits: v, volunteers: vol, now: now}
}

// communitiesOf lists the communities of a unit the scope holds wholly.
func (s *Service) communitiesOf(ctx context.Context, scope access.Scope, u orgtree.Unit) ([]int64, error) {
	if u.Level == orgtree.LevelCommunity {
		return []int64{u.ID}, nil
	}
	cs, err := s.org.Descendants(ctx, u.ID, orgtree.LevelCommunity)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, c := range cs {
		if scope.Contains(access.Place{Community: c.ID, Org: c.ID}) {
			out = append(out, c.ID)
		}
	}
	return out, nil
}

// Figures computes a unit's satisfaction over the last Months months,
// counting every rating of the communities below it the scope holds. A
// grid's figure is its community's: ratings belong to a community.
func (s *Service) Figures(ctx context.Context, scope access.Scope, unit int64) (Figure, error) {
	u, err := s.org.Get(ctx, unit)
	if err != nil || !scope.Contains(access.Place{Community: u.CommunityID, Grid: u.GridID, Org: u.ID}) {
		return Figure{}, ErrNoUnit
	}
	if u.Level == orgtree.LevelGrid {
		if u, err = s.org.Get(ctx, u.CommunityID); err != nil {
			return Figure{}, err
		}
	}
	cs, err := s.communitiesOf(ctx, scope, u)
	if err != nil {
		return Figure{}, err
	}
	var below []orgtree.Unit
	if u.Level != orgtree.LevelCommunity {
		units, err := s.org.Children(ctx, u.ID)
		if err != nil {
			return Figure{}, err
		}
		for _, c := range units {
			if c.Level != orgtree.LevelGrid && scope.Contains(access.Place{Community: c.CommunityID, Org: c.ID}) {
				below = append(below, c)
			}
		}
	}
	today := s.now().In(workdays.Shanghai)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, workdays.Shanghai).AddDate(0, -(Months - 1), 0)
	f := Figure{Unit: u, Communities: len(cs), From: first.Format(database.DateLayout), To: today.Format(database.DateLayout),
		Below: below}
	index := map[string]int{}
	for m := first; !m.After(today); m = m.AddDate(0, 1, 0) {
		index[m.Format("2006-01")] = len(f.Months)
		f.Months = append(f.Months, Month{Month: m.Format("2006-01")})
	}
	for _, c := range cs {
		err := scanAll(ctx, s.db, c, f.From, f.To, func(part int, _ int64, on string, score int) {
			i, ok := index[on[:7]]
			if !ok {
				return
			}
			f.Months[i].Parts[part].add(score)
			f.Months[i].All.add(score)
			f.Parts[part].add(score)
			f.All.add(score)
		})
		if err != nil {
			return Figure{}, err
		}
	}
	return f, nil
}

// Between tallies a community's ratings given between two days
// (inclusive), per part and together: the figures 居务公开 publishes.
func (s *Service) Between(ctx context.Context, community int64, from, to string) (parts [nParts]Tally, all Tally, err error) {
	err = scanAll(ctx, s.db, community, from, to, func(part int, _ int64, _ string, score int) {
		parts[part].add(score)
		all.add(score)
	})
	return parts, all, err
}
