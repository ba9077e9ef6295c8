package imports

import (
	"context"
	"fmt"
	"strings"

	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// householdIndex finds a community's households by 户号 and by address, for
// placing the new persons a list brings.
type householdIndex struct {
	byNumber  map[string]*register.Household
	byAddress map[string]*register.Household // addresses shared by several households map to nil
}

func (r *run) householdsOf(ctx context.Context, community int64) (*householdIndex, error) {
	if hi := r.households[community]; hi != nil {
		return hi, nil
	}
	hi, err := r.s.householdIndex(ctx, community)
	if err != nil {
		return nil, err
	}
	r.households[community] = hi
	return hi, nil
}

// householdIndex reads a community's households.
func (s *Service) householdIndex(ctx context.Context, community int64) (*householdIndex, error) {
	hi := &householdIndex{byNumber: map[string]*register.Household{}, byAddress: map[string]*register.Household{}}
	err := s.reg.HouseholdsOf(ctx, []int64{community}, func(h register.Household) error {
		h2 := h
		hi.byNumber[h.Number] = &h2
		if a := addressKey(h.Address); a != "" {
			if _, dup := hi.byAddress[a]; dup {
				hi.byAddress[a] = nil
			} else {
				hi.byAddress[a] = &h2
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return hi, nil
}

// find returns the household a 户号 names or, failing that, the one
// household at an address; nil for neither.
func (hi *householdIndex) find(number, address string) *register.Household {
	if number != "" {
		if h := hi.byNumber[number]; h != nil {
			return h
		}
	}
	if a := addressKey(address); a != "" {
		return hi.byAddress[a]
	}
	return nil
}

func addressKey(a string) string { return strings.ReplaceAll(foldWidth(a), " ", "") }

// placeNew finds where a new person goes: the community (the target's own,
// or the one the row names when the import spans several) and there the
// household its 户号 names or, failing that, the one household at its
// address. Without either the person hangs on the community itself, for
// staff to assign to a household later.
func (r *run) placeNew(in *incoming) (orgtree.Unit, *register.Household, error) {
	community, err := r.communityOfNew(in)
	if err != nil {
		return community, nil, err
	}
	hi, err := r.householdsOf(context.Background(), community.ID)
	if err != nil {
		return community, nil, err
	}
	return community, hi.find(in.household, in.person.Address), nil
}

// communityOfNew is the community a new person goes to: the target's own,
// or the one the row names when the import spans several.
func (r *run) communityOfNew(in *incoming) (orgtree.Unit, error) {
	var community orgtree.Unit
	switch {
	case len(r.communities) == 1:
		for _, c := range r.communities {
			community = c
		}
	case in.community != "":
		id, ok := r.byName[in.community]
		if !ok {
			return community, fmt.Errorf("社区“%s”不在本次导入的范围(%s)内", in.community, r.unit.Name)
		}
		community = r.communities[id]
	default:
		return community, fmt.Errorf("登记册中没有此人;本次导入范围含多个社区,新登记须在“所属社区”列写明社区")
	}
	return community, nil
}
