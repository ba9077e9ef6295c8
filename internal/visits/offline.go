package visits

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
)

// Package is what a grid worker's phone takes along to work with no
// network (离线包): today's list and every household of the worker's grids
// that the worker may see, each only with the fields the worker's role may
// see, masked as on every page. Versions travel with each household and
// member, so that a correction made offline names what it corrects and a
// sync finds what the office changed meanwhile.
type Package struct {
	Worker     Worker             `json:"worker"`
	Author     string             `json:"author"` // the account the records are made under
	Made       string             `json:"made"`   // when the package was made (UTC)
	List       Worklist           `json:"list"`
	Households []OfflineHousehold `json:"households"`
}

// OfflineHousehold is one household as the phone keeps it.
type OfflineHousehold struct {
	ID       int64           `json:"id"`
	Number   string          `json:"number"`
	Address  string          `json:"address,omitempty"`
	Phone    string          `json:"phone,omitempty"`
	Version  int             `json:"version"`
	GridID   int64           `json:"grid_id"`
	Building string          `json:"building,omitempty"`
	House    string          `json:"house,omitempty"`
	Lines    []Line          `json:"lines,omitempty"` // the rules it is due for today, if on the list
	Members  []OfflineMember `json:"members"`
}

// OfflineMember is a member on the register, as the phone keeps them.
type OfflineMember struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Gender   string `json:"gender,omitempty"`
	Relation string `json:"relation,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Version  int    `json:"version"`
}

// OfflinePackage makes the package of a worker for a viewer reading the
// register in scope (the worker themself): the households of the worker's
// grids that lie in scope, read through the register's own scoping and
// masking.
func (s *Service) OfflinePackage(ctx context.Context, scope access.Scope, w Worker, author string) (Package, error) {
	l, err := s.WorklistOf(ctx, w)
	if err != nil {
		return Package{}, err
	}
	hs, members, err := s.reg.HouseholdsInGrids(ctx, scope, w.CommunityID, w.Grids)
	if err != nil {
		return Package{}, err
	}
	stops := map[int64]Stop{}
	for _, st := range l.Stops {
		stops[st.HouseholdID] = st
	}
	p := Package{Worker: w, Author: author, Made: database.FormatTime(s.now()), List: l,
		Households: make([]OfflineHousehold, 0, len(hs))}
	for _, h := range hs {
		oh := OfflineHousehold{ID: h.ID, Number: h.Number, Address: h.Address, Phone: h.Phone, Version: h.Version,
			GridID: h.GridID, Members: offlineMembers(members[h.ID])}
		if st, ok := stops[h.ID]; ok {
			oh.Building, oh.House, oh.Lines = st.Building, st.House, st.Lines
		}
		p.Households = append(p.Households, oh)
	}
	return p, nil
}

func offlineMembers(ps []register.Person) []OfflineMember {
	out := make([]OfflineMember, 0, len(ps))
	for _, p := range ps {
		out = append(out, OfflineMember{ID: p.ID, Name: p.Name, Gender: p.Gender, Relation: p.Relation, Phone: p.Phone,
			Version: p.Version})
	}
	return out
}
